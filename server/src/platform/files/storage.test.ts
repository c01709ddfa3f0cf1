import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from './local-storage.js';
import { createS3Storage } from './s3-storage.js';
import { startS3Server } from '../../test/s3-server.js';
import { StoredObjectMissingError, type FileStorage } from './storage.js';

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const info = (value: string) => ({ size: Buffer.byteLength(value), sha256: sha256(value), contentType: 'text/plain' });

async function roundTrip(storage: FileStorage) {
  const key = `org/ab/${crypto.randomUUID()}`;
  expect(await storage.exists(key)).toBe(false);
  await expect(storage.get(key)).rejects.toBeInstanceOf(StoredObjectMissingError);
  const body = 'hello, stored world — ñ'.repeat(1000);
  await storage.put(key, Readable.from([Buffer.from(body)]), info(body));
  expect(await storage.exists(key)).toBe(true);
  expect(await text(await storage.get(key))).toBe(body);
  await storage.put(key, Readable.from([Buffer.from('replaced')]), info('replaced'));
  expect(await text(await storage.get(key))).toBe('replaced');
  await storage.delete(key);
  expect(await storage.exists(key)).toBe(false);
  await storage.delete(key); // a second delete is harmless
}

describe('local storage', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-files-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const storage = createLocalStorage(dataDir);

  it('puts, reads, replaces and deletes files under DATA_DIR/files', async () => {
    await roundTrip(storage);
    await storage.put('org1/cd/file1', Readable.from([Buffer.from('x')]), info('x'));
    expect(fs.readFileSync(path.join(dataDir, 'files', 'org1', 'cd', 'file1'), 'utf8')).toBe('x');
  });

  it('leaves nothing behind when the stream fails half way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(storage.put('org1/ef/broken', failing, info('partial'))).rejects.toThrow('connection lost');
    expect(fs.readdirSync(path.join(dataDir, 'files', 'org1', 'ef'))).toEqual([]);
  });

  it('never leaves the files folder', async () => {
    for (const key of ['../outside', 'org/../../outside', '/etc/passwd', 'org/./x', '']) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]), info('x')), key).rejects.toThrow(/storage key/i);
    }
    expect(fs.existsSync(path.join(dataDir, 'outside'))).toBe(false);
  });
});

describe('S3-compatible storage (a test server that checks Signature V4 and the payload hash)', () => {
  const credentials = { bucket: 'clave-files', accessKeyId: 'test-key-id', secretAccessKey: 'test-secret', region: 'eu-west-1' };
  let server: Awaited<ReturnType<typeof startS3Server>>;
  beforeAll(async () => {
    server = await startS3Server(credentials);
  });
  afterAll(() => server.close());
  const s3 = (secretAccessKey = credentials.secretAccessKey) =>
    createS3Storage({ driver: 's3', endpoint: server.endpoint, ...credentials, secretAccessKey, forcePathStyle: true });

  it('puts, reads, replaces and deletes objects', async () => {
    await roundTrip(s3());
    expect(server.refusals).toEqual([]);
  });

  it('is refused with a wrong secret, or a body that does not match its hash (the checks can fail)', async () => {
    await expect(s3('not-the-secret').put('org/aa/x', Readable.from([Buffer.from('x')]), info('x'))).rejects.toThrow(
      /403 SignatureDoesNotMatch/,
    );
    await expect(s3().put('org/aa/x', Readable.from([Buffer.from('y')]), info('x'))).rejects.toThrow(/400 XAmzContentSHA256Mismatch/);
    expect(server.objects.has('org/aa/x')).toBe(false);
  });
});
