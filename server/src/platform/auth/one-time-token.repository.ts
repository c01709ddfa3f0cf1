import type { Executor, Trx } from '../../db/database.js';
import type { OneTimeTokensTable } from '../../db/platform-schema.js';
import { randomSecret, sha256 } from '../ids.js';

export type OneTimeTokenPurpose = OneTimeTokensTable['purpose'];

/**
 * One-time tokens (invitation, password reset, e-mail verification) travel in
 * links; they are random and only their SHA-256 is stored, like API tokens.
 */
export async function issueOneTimeToken(
  trx: Trx,
  input: { purpose: OneTimeTokenPurpose; orgId: string; userId: string | null; subjectId: string; expiresAt: Date; now: Date },
): Promise<string> {
  const token = randomSecret(32);
  await trx
    .insertInto('platform.one_time_tokens')
    .values({
      token_hash: sha256(token),
      purpose: input.purpose,
      org_id: input.orgId,
      user_id: input.userId,
      subject_id: input.subjectId,
      expires_at: input.expiresAt,
      used_at: null,
      created_at: input.now,
    })
    .execute();
  return token;
}

/** The stored row behind a token from a link; `lock` holds it until the transaction ends (single use under concurrency). */
export function findOneTimeToken(executor: Executor, purpose: OneTimeTokenPurpose, token: string, options: { lock?: boolean } = {}) {
  let query = executor
    .selectFrom('platform.one_time_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Kills every token of a subject (an invitation resent, an address removed), used or not, but `exceptHash`. */
export async function deleteOneTimeTokensOf(
  executor: Executor,
  purpose: OneTimeTokenPurpose,
  subjectId: string,
  exceptHash?: string,
): Promise<void> {
  let query = executor.deleteFrom('platform.one_time_tokens').where('subject_id', '=', subjectId).where('purpose', '=', purpose);
  if (exceptHash) query = query.where('token_hash', '!=', exceptHash);
  await query.execute();
}

/** When the newest token of a subject was issued (to space out resends). */
export async function findLatestTokenIssue(executor: Executor, purpose: OneTimeTokenPurpose, subjectId: string): Promise<Date | undefined> {
  const row = await executor
    .selectFrom('platform.one_time_tokens')
    .select('created_at')
    .where('subject_id', '=', subjectId)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}

/** Marks a token used; false when it was already used or has expired (someone else won the race). */
export async function consumeOneTimeToken(trx: Trx, tokenHash: string, now: Date): Promise<boolean> {
  const row = await trx
    .updateTable('platform.one_time_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('token_hash')
    .executeTakeFirst();
  return row !== undefined;
}
