import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeSignature } from '../platform/files/sigv4.js';

/**
 * A tiny S3-compatible server for tests: PUT, GET, HEAD and DELETE of objects
 * in one bucket (path style), kept in memory. Every request must carry a valid
 * Signature V4 for the given key pair, recomputed here from what arrived on the
 * wire, and a PUT's x-amz-content-sha256 must match its body.
 */
export async function startS3Server(options: { bucket: string; accessKeyId: string; secretAccessKey: string; region: string }) {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const refusals: string[] = [];

  function error(response: http.ServerResponse, status: number, code: string) {
    if (status === 403 || status === 400) refusals.push(code);
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
  }

  function signatureIsValid(request: http.IncomingMessage, body: Buffer): string | null {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        request.headers.authorization ?? '',
      );
    if (!match) return 'AuthorizationHeaderMalformed';
    const [, accessKeyId, , region, signedHeaders, signature] = match;
    if (accessKeyId !== options.accessKeyId) return 'InvalidAccessKeyId';
    if (region !== options.region) return 'AuthorizationHeaderMalformed';
    const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== crypto.createHash('sha256').update(body).digest('hex')) return 'XAmzContentSHA256Mismatch';
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (Number.isNaN(date.getTime()) || Math.abs(Date.now() - date.getTime()) > 15 * 60_000) return 'RequestTimeTooSkewed';
    const names = signedHeaders!.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256')) return 'AccessDenied';
    const headers: Record<string, string> = {};
    for (const name of names) if (name !== 'host' && name !== 'x-amz-date') headers[name] = String(request.headers[name] ?? '');
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const expected = computeSignature(
      { method: request.method ?? 'GET', url, headers, payloadHash },
      { accessKeyId: accessKeyId!, secretAccessKey: options.secretAccessKey, region: options.region, service: 's3' },
      date,
    );
    if (expected.authorization.split('SignedHeaders=')[1]!.split(',')[0] !== signedHeaders) return 'SignatureDoesNotMatch';
    return expected.signature === signature ? null : 'SignatureDoesNotMatch';
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const refusal = signatureIsValid(request, body);
      if (refusal) return error(response, refusal === 'XAmzContentSHA256Mismatch' ? 400 : 403, refusal);
      const prefix = `/${options.bucket}/`;
      const path = (request.url ?? '').split('?')[0]!;
      if (!path.startsWith(prefix)) return error(response, 404, 'NoSuchBucket');
      const key = decodeURIComponent(path.slice(prefix.length));
      const object = objects.get(key);
      switch (request.method) {
        case 'PUT':
          objects.set(key, { body, contentType: String(request.headers['content-type'] ?? 'application/octet-stream') });
          response.writeHead(200, { etag: `"${crypto.createHash('md5').update(body).digest('hex')}"` });
          return response.end();
        case 'GET':
        case 'HEAD':
          if (!object) return error(response, 404, 'NoSuchKey');
          response.writeHead(200, { 'content-type': object.contentType, 'content-length': object.body.length });
          return response.end(request.method === 'GET' ? object.body : undefined);
        case 'DELETE':
          objects.delete(key);
          response.writeHead(204);
          return response.end();
        default:
          return error(response, 405, 'MethodNotAllowed');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
