import { SIGNATURE_HEADER } from './webhook.signature.js';

/** The HTTP methods a delivery may use (record events always POST). GET and DELETE carry no body. */
export const DELIVERY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** The body types a custom request may declare. */
export const DELIVERY_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;
export type DeliveryContentType = (typeof DELIVERY_CONTENT_TYPES)[number];

/**
 * How one delivery is sent when its sender chose (a workflow rule's webhook action), kept with the delivery (in its
 * payload, under `request`) so that every retry and a re-send repeat the very same request. Deliveries without one
 * are the standard signed JSON POST.
 */
export interface DeliveryRequest {
  method: DeliveryMethod;
  headers: Array<{ name: string; value: string }>;
  contentType: DeliveryContentType;
  /** The exact body; null: none (GET, DELETE); absent: the standard JSON envelope. */
  body?: string | null;
}

export const hasBody = (method: DeliveryMethod) => method !== 'GET' && method !== 'DELETE';

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Hop-by-hop headers (RFC 9110 §7.6.1) and those Node's fetch refuses to send.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);
// Set by the platform on every delivery: a custom value would break framing, the signature or de-duplication.
const RESERVED = new Set([
  'content-length',
  'host',
  'content-type',
  SIGNATURE_HEADER,
  'idempotency-key',
  'x-clave-delivery',
  'x-clave-event',
]);

/** Why a custom header name cannot be sent (null: it can). */
export function headerNameProblem(name: string): string | null {
  if (!TOKEN.test(name)) return `"${name}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only).`;
  const lower = name.toLowerCase();
  if (HOP_BY_HOP.has(lower)) return `"${name}" is a connection header: the HTTP client sets it.`;
  if (lower === 'content-type') return 'Choose the content type with contentType, not as a header.';
  if (RESERVED.has(lower) || lower.startsWith('x-clave-'))
    return `"${name}" is set by Clave on every delivery (framing, signature, idempotency key).`;
  return null;
}

/** Why a custom header value cannot be sent (null: it can): no line breaks or other control characters. */
export function headerValueProblem(value: string): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(value) ? 'A header value cannot hold line breaks or control characters.' : null;
}

/** The custom request kept in a delivery's payload, if any (only the sender that chose one stores it). */
export function storedRequest(payload: Record<string, unknown>): DeliveryRequest | null {
  const request = payload.request as Partial<DeliveryRequest> | undefined;
  if (!request || typeof request !== 'object' || !DELIVERY_METHODS.includes(request.method as DeliveryMethod)) return null;
  return {
    method: request.method as DeliveryMethod,
    headers: Array.isArray(request.headers) ? request.headers : [],
    contentType: DELIVERY_CONTENT_TYPES.includes(request.contentType as DeliveryContentType)
      ? (request.contentType as DeliveryContentType)
      : 'application/json',
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** A delivery's event payload without the request that carries it (what `data` holds in the envelope and the log). */
export function eventData(payload: Record<string, unknown>): Record<string, unknown> {
  if (!storedRequest(payload)) return payload;
  const { request: _request, ...data } = payload;
  return data;
}
