import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { multipartBody } from '../../test/multipart.js';

let t: TestContext;
let admin: TestUser;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-attachments-'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  t = await createTestContext({ dataDir });
  admin = await t.make.org();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function attach(as: TestUser, module: string, id: string, file: { name: string; content: Buffer | string; type: string }) {
  const { body, contentType } = await multipartBody({}, file);
  return t.request('POST', `/api/v1/records/${module}/${id}/attachments`, { as, body, headers: { 'content-type': contentType } });
}

describe('record attachments', () => {
  it('attaches a file, lists it, downloads it exactly, shows it on the timeline and removes it', async () => {
    const account = (await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Aceros del Norte' } })).data.data;
    const added = await attach(admin, 'accounts', account.id, { name: 'Contrato firmado.pdf', content: PDF, type: 'application/pdf' });
    expect(added.statusCode).toBe(201);
    expect(added.data).toMatchObject({
      name: 'Contrato firmado.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      module: 'accounts',
      recordId: account.id,
    });

    const list = await t.request('GET', `/api/v1/records/accounts/${account.id}/attachments`, { as: admin });
    expect(list.data.data.map((f: { id: string }) => f.id)).toEqual([added.data.id]);
    const download = await t.request('GET', `/api/v1/records/accounts/${account.id}/attachments/${added.data.id}`, { as: admin });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(download.headers['content-disposition']).toContain('attachment');
    const timeline = await t.request('GET', `/api/v1/records/accounts/${account.id}/timeline`, { as: admin });
    expect(timeline.data.data[0]).toMatchObject({ kind: 'attachment', data: { name: 'Contrato firmado.pdf', action: 'added' } });

    expect(
      (await t.request('DELETE', `/api/v1/records/accounts/${account.id}/attachments/${added.data.id}`, { as: admin })).statusCode,
    ).toBe(204);
    expect((await t.request('GET', `/api/v1/records/accounts/${account.id}/attachments`, { as: admin })).data.data).toEqual([]);
    expect((await t.request('GET', `/api/v1/records/accounts/${account.id}/attachments/${added.data.id}`, { as: admin })).statusCode).toBe(
      404,
    );
  });

  it('refuses programs and files whose bytes contradict their type, and stores nothing', async () => {
    const lead = (await t.request('POST', '/api/v1/records/leads', { as: admin, body: { last_name: 'Souto' } })).data.data;
    const program = await attach(admin, 'leads', lead.id, {
      name: 'factura.pdf.exe',
      content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00'),
      type: 'application/pdf',
    });
    expect(program.statusCode).toBe(415);
    const fake = await attach(admin, 'leads', lead.id, { name: 'foto.png', content: 'not a png at all', type: 'image/png' });
    expect(fake.statusCode).toBe(415);
    expect((await t.request('GET', `/api/v1/records/leads/${lead.id}/attachments`, { as: admin })).data.data).toEqual([]);
  });

  it('follows the record’s permissions: strangers get 404, read-only users may download but not attach', async () => {
    const org = await t.make.org();
    const viewer = await t.make.user(org);
    await t.request('PUT', '/api/v1/sharing/deals', { as: org, body: { access: 'public_read' } });
    const deal = (await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Renovación' } })).data.data;
    const file = (await attach(org, 'deals', deal.id, { name: 'notas.txt', content: 'Hola', type: 'text/plain' })).data;
    expect((await t.request('GET', `/api/v1/records/deals/${deal.id}/attachments/${file.id}`, { as: viewer })).statusCode).toBe(200);
    expect((await attach(viewer, 'deals', deal.id, { name: 'x.txt', content: 'x', type: 'text/plain' })).statusCode).toBe(403);
    expect((await t.request('DELETE', `/api/v1/records/deals/${deal.id}/attachments/${file.id}`, { as: viewer })).statusCode).toBe(403);
    const stranger = await t.make.org();
    expect((await t.request('GET', `/api/v1/records/deals/${deal.id}/attachments/${file.id}`, { as: stranger })).statusCode).toBe(404);
    // A file id of another record is not reachable through this one.
    const other = (await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Otra' } })).data.data;
    expect((await t.request('GET', `/api/v1/records/deals/${other.id}/attachments/${file.id}`, { as: org })).statusCode).toBe(404);
  });
});
