import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { resolveApiToken } from '../auth/session.service.js';
import type { AuthContext } from '../auth/auth-context.js';
import { registerErrorHandler } from '../http/error-handler.js';
import { AppError } from '../http/app-error.js';
import { newId } from '../ids.js';
import { createFileService, storageKey, type FileService } from './file.service.js';
import { receiveFilePart, registerMultipart } from './upload.js';

const MAX = 64 * 1024;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-files-test-'));
let t: TestContext;
let files: FileService;
beforeAll(async () => {
  t = await createTestContext({ dataDir, fileMaxBytes: MAX });
  files = createFileService(t.app.ctx);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(2000)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(100)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), crypto.randomBytes(300)]);
const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

async function authOf(user: TestUser): Promise<AuthContext> {
  return (await resolveApiToken(t.database, user.token, new Date()))!;
}
const storeBytes = async (user: TestUser, bytes: Buffer, name: string, declaredType?: string, extra: object = {}) =>
  files.store(await authOf(user), { stream: Readable.from([bytes]), name, declaredType, ...extra });
const rowCount = async (orgId: string) =>
  (await t.database.db.selectFrom('platform.files').select('id').where('org_id', '=', orgId).execute()).length;
const spoolLeftovers = () => {
  const dir = path.join(dataDir, 'tmp', 'uploads');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};
async function expectRefused(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describe('file service', () => {
  it('stores a file under DATA_DIR/files/<org>/<2 hex>/<id> with its size, hash and confirmed type', async () => {
    const admin = await t.make.org();
    const stored = await storeBytes(admin, PNG, 'C:\\Users\\ana\\lo\u0007go.png', 'image/png');
    expect(stored).toMatchObject({ name: 'logo.png', contentType: 'image/png', sizeBytes: PNG.length, sha256: sha(PNG), module: null });
    const onDisk = path.join(dataDir, 'files', admin.orgId, stored.id.slice(-2), stored.id);
    expect(fs.readFileSync(onDisk).equals(PNG)).toBe(true);
    expect(fs.readdirSync(path.dirname(onDisk))).toEqual([stored.id]); // no temporary file left beside it
    const opened = await files.open(await authOf(admin), stored.id);
    expect((await buffer(opened.stream)).equals(PNG)).toBe(true);
    expect(opened.file).toEqual(stored);
    expect(spoolLeftovers()).toEqual([]);
  });

  it('confirms the type from the bytes: what the browser did not know, the bytes and the extension decide', async () => {
    const admin = await t.make.org();
    expect((await storeBytes(admin, PDF, 'a.pdf', 'application/octet-stream')).contentType).toBe('application/pdf');
    expect((await storeBytes(admin, JPEG, 'a.jpg', 'image/jpg')).contentType).toBe('image/jpeg');
    expect((await storeBytes(admin, ZIP, 'budget.xlsx', 'application/octet-stream')).contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(
      (await storeBytes(admin, ZIP, 'letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).contentType,
    ).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect((await storeBytes(admin, ZIP, 'bundle.zip', 'application/zip')).contentType).toBe('application/zip');
    expect((await storeBytes(admin, Buffer.from('name;city\nAna;Madrid ñ\n'), 'people.csv', '')).contentType).toBe('text/csv');
    expect((await storeBytes(admin, Buffer.from('plain notes'), 'notes.txt', 'text/plain; charset=utf-8')).contentType).toBe('text/plain');
  });

  it('refuses executables and bytes that contradict the declared type (415), keeping nothing', async () => {
    const admin = await t.make.org();
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.concat([Buffer.from('MZ'), crypto.randomBytes(200)]), 'invoice.pdf', 'application/pdf'],
      [Buffer.concat([Buffer.from('\x7fELF'), crypto.randomBytes(200)]), 'tool', 'application/octet-stream'],
      [Buffer.from('#!/bin/sh\nrm -rf /\n'), 'notes.txt', 'text/plain'],
      [Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'app', ''],
      [JPEG, 'photo.png', 'image/png'],
      [PNG, 'report.pdf', 'application/pdf'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'page.html', 'text/html'],
      [Buffer.from('just text'), 'fake.png', 'image/png'],
      [ZIP, 'fake.pdf', 'application/pdf'],
      [Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe]), 'blob.bin', 'application/octet-stream'],
    ];
    for (const [bytes, name, declared] of cases) await expectRefused(storeBytes(admin, bytes, name, declared), 'unsupported_file_type');
    expect(await rowCount(admin.orgId)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'files', admin.orgId))).toBe(false);
    expect(spoolLeftovers()).toEqual([]);
  });

  it('refuses a file over FILE_MAX_BYTES with file_too_large and keeps nothing', async () => {
    const admin = await t.make.org();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX, 0x20)]);
    const chunks = Array.from({ length: Math.ceil(big.length / 4096) }, (_, i) => big.subarray(i * 4096, (i + 1) * 4096));
    await expectRefused(files.store(await authOf(admin), { stream: Readable.from(chunks), name: 'big.pdf' }), 'file_too_large');
    await expectRefused(storeBytes(admin, PDF, 'small.pdf', 'application/pdf', { maxBytes: 10 }), 'file_too_large');
    expect(await rowCount(admin.orgId)).toBe(0);
    expect(spoolLeftovers()).toEqual([]);
    // Exactly the limit is fine.
    expect((await storeBytes(admin, big.subarray(0, MAX), 'edge.pdf')).sizeBytes).toBe(MAX);
  });

  it('refuses a half-given attachment target', async () => {
    const admin = await t.make.org();
    await expectRefused(storeBytes(admin, PDF, 'a.pdf', 'application/pdf', { module: 'leads' }), 'validation_failed');
    await expectRefused(storeBytes(admin, PDF, 'a.pdf', 'application/pdf', { module: 'Leads!', recordId: newId() }), 'validation_failed');
    expect(await rowCount(admin.orgId)).toBe(0);
  });

  it('keeps organizations apart, lists a record’s files, and deletes softly', async () => {
    const admin = await t.make.org();
    const stranger = await t.make.org();
    const recordId = newId();
    const first = await storeBytes(admin, PDF, 'one.pdf', 'application/pdf', { module: 'leads', recordId });
    const second = await storeBytes(admin, PNG, 'two.png', 'image/png', { module: 'leads', recordId });
    await storeBytes(admin, PNG, 'other.png', 'image/png', { module: 'leads', recordId: newId() });
    const auth = await authOf(admin);
    const theirs = await authOf(stranger);

    expect((await files.listFor(auth, 'leads', recordId)).map((f) => f.id)).toEqual([first.id, second.id]);
    expect(await files.listFor(theirs, 'leads', recordId)).toEqual([]);
    await expectRefused(files.get(theirs, first.id), 'not_found');
    await expectRefused(files.open(theirs, first.id), 'not_found');
    await expectRefused(files.remove(theirs, first.id), 'not_found');
    await expectRefused(files.get(auth, 'not-a-uuid'), 'not_found');

    await files.remove(auth, first.id);
    await expectRefused(files.get(auth, first.id), 'not_found');
    await expectRefused(files.remove(auth, first.id), 'not_found');
    expect((await files.listFor(auth, 'leads', recordId)).map((f) => f.id)).toEqual([second.id]);
    // The object stays for the retention period.
    expect(await files.storage.exists(storageKey(admin.orgId, first.id))).toBe(true);
  });

  it('purges the stored objects of files deleted more than 30 days ago, and nothing else', async () => {
    const admin = await t.make.org();
    const auth = await authOf(admin);
    const old = await storeBytes(admin, PDF, 'old.pdf', 'application/pdf');
    const recent = await storeBytes(admin, PDF, 'recent.pdf', 'application/pdf');
    const kept = await storeBytes(admin, PDF, 'kept.pdf', 'application/pdf');
    await files.remove(auth, old.id);
    await files.remove(auth, recent.id);
    await t.database.db
      .updateTable('platform.files')
      .set({ deleted_at: new Date(Date.now() - 31 * 24 * 3600_000) })
      .where('id', '=', old.id)
      .execute();

    expect(await files.purgeDeleted(new Date())).toBe(1);
    expect(await files.storage.exists(storageKey(admin.orgId, old.id))).toBe(false);
    expect(await files.storage.exists(storageKey(admin.orgId, recent.id))).toBe(true);
    expect(await files.storage.exists(storageKey(admin.orgId, kept.id))).toBe(true);
    const ids = (await t.database.db.selectFrom('platform.files').select('id').where('org_id', '=', admin.orgId).execute()).map(
      (r) => r.id,
    );
    expect(ids.sort()).toEqual([recent.id, kept.id].sort());
    expect(await files.purgeDeleted(new Date())).toBe(0);
  });
});

describe('GET /api/v1/files/{id}/content', () => {
  it('sends an unattached file to its uploader and administrators, as a download', async () => {
    const admin = await t.make.org();
    const uploader = await t.make.user(admin, { profile: 'standard' });
    const colleague = await t.make.user(admin, { profile: 'standard' });
    const stranger = await t.make.org();
    const stored = await storeBytes(uploader, Buffer.from('name;city\nAna;Madrid\n'), 'clientes "2024"/ñ.csv', 'text/csv');
    expect(stored.name).toBe('ñ.csv');

    for (const user of [uploader, admin]) {
      const response = await t.request('GET', `/api/v1/files/${stored.id}/content`, { as: user });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('name;city\nAna;Madrid\n');
      expect(response.headers['content-type']).toBe('text/csv');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="?.csv"; filename*=UTF-8''%C3%B1.csv`);
    }
    for (const user of [colleague, stranger])
      expect((await t.request('GET', `/api/v1/files/${stored.id}/content`, { as: user })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/files/${stored.id}/content`, { as: null })).statusCode).toBe(401);
    expect((await t.request('GET', `/api/v1/files/${newId()}/content`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/files/nope/content`, { as: admin })).statusCode).toBe(400);
  });

  it('does not serve record attachments (their routes check the record first)', async () => {
    const admin = await t.make.org();
    const attached = await storeBytes(admin, PDF, 'a.pdf', 'application/pdf', { module: 'leads', recordId: newId() });
    expect((await t.request('GET', `/api/v1/files/${attached.id}/content`, { as: admin })).statusCode).toBe(404);
  });
});

describe('multipart uploads (receiveFilePart + store over real HTTP)', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    // A small app with the same multipart registration and error handler as Clave's, and one upload route.
    app = Fastify({ logger: false });
    await registerMultipart(app, t.app.ctx.config);
    registerErrorHandler(app);
    app.post('/upload', async (request, reply) => {
      const auth = await resolveApiToken(t.database, String(request.headers['x-token']), new Date());
      const part = await receiveFilePart(request);
      return reply.status(201).send(await files.store(auth!, { stream: part.stream, name: part.name, declaredType: part.declaredType }));
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const upload = (user: TestUser, form: FormData | string, headers: Record<string, string> = {}) =>
    fetch(`${base}/upload`, { method: 'POST', body: form, headers: { 'x-token': user.token, ...headers } });
  const formWith = (field: string, bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
    return form;
  };

  it('stores the uploaded file', async () => {
    const admin = await t.make.org();
    const response = await upload(admin, formWith('file', PNG, 'logo.png', 'image/png'));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'logo.png', contentType: 'image/png', sizeBytes: PNG.length, sha256: sha(PNG) });
  });

  it('answers 413 file_too_large past FILE_MAX_BYTES, 415 for a refused type or a non-multipart body, 400 for a wrong part; nothing kept', async () => {
    const admin = await t.make.org();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX * 3, 0x20)]);
    const tooLarge = await upload(admin, formWith('file', big, 'big.pdf', 'application/pdf'));
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error).toMatchObject({ code: 'file_too_large', details: { field: 'file' } });

    const exe = await upload(admin, formWith('file', Buffer.from('MZ\x90\x00'), 'setup.pdf', 'application/pdf'));
    expect(exe.status).toBe(415);
    expect((await exe.json()).error.code).toBe('unsupported_file_type');

    const wrongPart = await upload(admin, formWith('attachment', PDF, 'a.pdf', 'application/pdf'));
    expect(wrongPart.status).toBe(400);
    expect((await wrongPart.json()).error.details.field).toBe('file');

    const notMultipart = await upload(admin, '{"file":"x"}', { 'content-type': 'application/json' });
    expect(notMultipart.status).toBe(415);

    expect(await rowCount(admin.orgId)).toBe(0);
    expect(spoolLeftovers()).toEqual([]);
  });
});
