import crypto from 'node:crypto';
import { v7 } from 'uuid';

/** A time-ordered UUID (v7): inserts stay index-friendly. */
export const newId = (): string => v7();

/** A high-entropy random secret, URL-safe. */
export const randomSecret = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

/** Secrets with this much entropy need no slow hash: SHA-256 is what is stored and compared. */
export const sha256 = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');
