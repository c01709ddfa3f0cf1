import { badRequest } from './app-error.js';

/**
 * A keyset position in a list ordered by (created_at DESC, id DESC).
 * `createdAt` keeps PostgreSQL's microseconds: a JS Date (milliseconds) would
 * skip or repeat rows written in the same millisecond.
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The right shape and a moment that exists (no month 13, no second 60): PostgreSQL would refuse it with an error. */
function isRealTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const parsed = new Date(value);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
}

/** An opaque cursor for `nextCursor`. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** Reads a `cursor` query parameter; a cursor that was not made by encodeCursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [createdAt, id] = parsed as unknown[];
      if (typeof createdAt === 'string' && isRealTimestamp(createdAt) && typeof id === 'string' && UUID.test(id)) return { createdAt, id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('The cursor is not valid: pass back the nextCursor of the previous page.', 'cursor');
}
