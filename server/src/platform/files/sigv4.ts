import crypto from 'node:crypto';

/** AWS Signature Version 4 (header form), written with node:crypto: what S3-compatible stores expect on every request. */

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

export interface SigV4Request {
  method: string;
  /** The full address; its path must already be URI-encoded as it is sent (see encodeRfc3986). */
  url: URL;
  /** Headers to sign and send (host and x-amz-date are added). */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body (EMPTY_SHA256 when there is none), or UNSIGNED-PAYLOAD. */
  payloadHash: string;
}

export const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex');

/** encodeURIComponent plus the characters RFC 3986 reserves and it leaves alone. */
export const encodeRfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: crypto.BinaryLike, value: string) => crypto.createHmac('sha256', key).update(value, 'utf8').digest();
const hash = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest('hex');

/** 20150830T123600Z */
export const amzDate = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** The canonical request, the string to sign and the signature; exported for tests. */
export function computeSignature(request: SigV4Request, credentials: SigV4Credentials, date: Date) {
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), String(value).trim().replace(/\s+/g, ' '));
  headers.set('host', request.url.host);
  headers.set('x-amz-date', stamp);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.url.pathname || '/',
    canonicalQuery(request.url),
    names.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    signedHeaders,
    request.payloadHash,
  ].join('\n');
  const scope = `${day}/${credentials.region}/${credentials.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, hash(canonicalRequest)].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), credentials.region), credentials.service),
    'aws4_request',
  );
  const signature = crypto.createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    stringToSign,
    signature,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    amzDate: stamp,
  };
}

/** The headers to send: the given ones plus x-amz-date and Authorization (fetch adds Host itself, from the URL). */
export function signRequest(request: SigV4Request, credentials: SigV4Credentials, date = new Date()): Record<string, string> {
  const signed = computeSignature(request, credentials, date);
  return { ...request.headers, 'x-amz-date': signed.amzDate, authorization: signed.authorization };
}
