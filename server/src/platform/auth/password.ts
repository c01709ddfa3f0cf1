import { hash, verify, Algorithm } from '@node-rs/argon2';
import { AppError } from '../http/app-error.js';

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
// Verified against when the e-mail is unknown, so both cases take the same time.
const DUMMY_HASH_PROMISE = hash('clave-dummy-password', ARGON2);

export const PASSWORD_MIN_LENGTH = 10;
const COMMON = new Set(['password123', 'contraseña', '1234567890', 'qwertyuiop', 'password1234', 'administrator', 'contrasena123']);

/** The minimum policy: long enough, not a well-known password, not the e-mail address. */
export function assertPasswordAcceptable(password: string, email?: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError('validation_failed', `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`, {
      field: 'password',
      reason: 'password_too_short',
    });
  }
  if (password.length > 200)
    throw new AppError('validation_failed', 'The password must have at most 200 characters.', {
      field: 'password',
      reason: 'password_too_long',
    });
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) {
    throw new AppError('validation_failed', 'This password is too easy to guess. Choose another.', {
      field: 'password',
      reason: 'password_too_common',
    });
  }
  if (email && lower.includes(email.toLowerCase().split('@')[0]!) && email.split('@')[0]!.length >= 4) {
    throw new AppError('validation_failed', 'The password must not contain your e-mail address.', {
      field: 'password',
      reason: 'password_contains_email',
    });
  }
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await DUMMY_HASH_PROMISE, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
