import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FileStorageConfig } from '../../config.js';
import { EMPTY_SHA256, encodeRfc3986, signRequest } from './sigv4.js';
import { StoredObjectMissingError, type FileStorage } from './storage.js';

type S3Config = Extract<FileStorageConfig, { driver: 's3' }>;

/** How long a request without a body may take; uploads and downloads run as long as the bytes keep coming. */
const SMALL_REQUEST_TIMEOUT_MS = 30_000;

/** Any S3-compatible store (AWS S3, MinIO, Ceph, R2…), signed with Signature V4; no SDK. */
export function createS3Storage(config: S3Config): FileStorage {
  const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region, service: 's3' };
  const endpoint = new URL(config.endpoint);
  const basePath = endpoint.pathname.replace(/\/+$/, '');

  function objectUrl(key: string): URL {
    const encodedKey = key.split('/').map(encodeRfc3986).join('/');
    return config.forcePathStyle
      ? new URL(`${endpoint.protocol}//${endpoint.host}${basePath}/${encodeRfc3986(config.bucket)}/${encodedKey}`)
      : new URL(`${endpoint.protocol}//${config.bucket}.${endpoint.host}${basePath}/${encodedKey}`);
  }

  async function send(
    method: string,
    key: string,
    options: { body?: Readable; headers?: Record<string, string>; payloadHash?: string; timeout?: boolean } = {},
  ) {
    const url = objectUrl(key);
    const payloadHash = options.payloadHash ?? EMPTY_SHA256;
    const headers = signRequest(
      { method, url, headers: { ...options.headers, 'x-amz-content-sha256': payloadHash }, payloadHash },
      credentials,
    );
    return fetch(url, {
      method,
      headers,
      redirect: 'manual',
      ...(options.body ? { body: Readable.toWeb(options.body) as unknown as BodyInit, duplex: 'half' } : {}),
      ...(options.timeout === false ? {} : { signal: AbortSignal.timeout(SMALL_REQUEST_TIMEOUT_MS) }),
    } as RequestInit);
  }

  async function failure(method: string, key: string, response: Response): Promise<Error> {
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    return new Error(`S3 ${method} ${key} failed: ${response.status}${code ? ` ${code}` : ''}`);
  }

  return {
    driver: 's3',
    async put(key, body, info) {
      const response = await send('PUT', key, {
        body,
        payloadHash: info.sha256,
        headers: { 'content-length': String(info.size), 'content-type': info.contentType },
        timeout: false,
      });
      if (!response.ok) throw await failure('PUT', key, response);
      await response.body?.cancel();
    },
    async get(key) {
      const response = await send('GET', key, { timeout: false });
      if (response.status === 404) {
        await response.body?.cancel();
        throw new StoredObjectMissingError(key);
      }
      if (!response.ok || !response.body) throw await failure('GET', key, response);
      return Readable.fromWeb(response.body as unknown as WebReadableStream);
    },
    async delete(key) {
      const response = await send('DELETE', key);
      if (!response.ok && response.status !== 404) throw await failure('DELETE', key, response);
      await response.body?.cancel();
    },
    async exists(key) {
      const response = await send('HEAD', key);
      await response.body?.cancel();
      if (response.status === 404) return false;
      if (!response.ok) throw new Error(`S3 HEAD ${key} failed: ${response.status}`);
      return true;
    },
  };
}
