import crypto from 'node:crypto';
import type { Executor } from '../../db/database.js';
import { sha256 } from '../ids.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: codes are read off paper
export const RECOVERY_CODE_COUNT = 10;

/** "abcde-fghjk" → the form that is hashed: lower case, no dash. */
export const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/-/g, '');

function newCode(): string {
  const bytes = crypto.randomBytes(10);
  const chars = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Replaces the user's recovery codes with new ones; the plain codes are returned once, only hashes are kept. */
export async function replaceRecoveryCodes(executor: Executor, userId: string): Promise<string[]> {
  await deleteRecoveryCodes(executor, userId);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await executor
    .insertInto('platform.two_factor_recovery_codes')
    .values(codes.map((code) => ({ user_id: userId, code_hash: sha256(normalizeRecoveryCode(code)) })))
    .execute();
  return codes;
}

export async function deleteRecoveryCodes(executor: Executor, userId: string): Promise<void> {
  await executor.deleteFrom('platform.two_factor_recovery_codes').where('user_id', '=', userId).execute();
}

/** Spends one unused recovery code; false when it is wrong or already used (one statement, so two sign-ins cannot both spend it). */
export async function spendRecoveryCode(executor: Executor, userId: string, code: string, at: Date): Promise<boolean> {
  const spent = await executor
    .updateTable('platform.two_factor_recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', sha256(normalizeRecoveryCode(code)))
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return spent !== undefined;
}
