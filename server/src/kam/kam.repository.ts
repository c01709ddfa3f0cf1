import type { Executor } from '../db/database.js';
import { sql } from 'kysely';
import type { AuthContext } from '../platform/auth/auth-context.js';
import { toAuthContext } from '../platform/auth/session.service.js';

/** The schema of an organization's records, or null when the organization is gone. */
export async function findOrgSchema(executor: Executor, orgId: string): Promise<string | null> {
  const row = await executor.selectFrom('platform.organizations').select('schema_name').where('id', '=', orgId).executeTakeFirst();
  return row?.schema_name ?? null;
}

/**
 * Who the kam feature writes as when it reacts to an event (no request, no
 * caller): the first active user among `candidates` (the one who acted, then
 * the record's owner), else an active administrator of the organization,
 * with an administrator's reach. What it writes follows a change someone was
 * allowed to make, so their profile's limits on the derived records do not
 * apply; the timeline and events still name them.
 */
export async function systemActor(
  executor: Executor,
  orgId: string,
  candidates: Array<string | null | undefined>,
): Promise<AuthContext | null> {
  for (const userId of candidates) {
    if (!userId) continue;
    const auth = await toAuthContext(executor, userId, 'token');
    if (auth && auth.orgId === orgId) return { ...auth, isAdmin: true };
  }
  const admin = await executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
    .select('u.id')
    .where('u.org_id', '=', orgId)
    .where('u.active', '=', true)
    .where('p.builtin', '=', 'administrator')
    .orderBy('u.created_at')
    .executeTakeFirst();
  if (!admin) return null;
  const auth = await toAuthContext(executor, admin.id, 'token');
  return auth ? { ...auth, isAdmin: true } : null;
}

/** Serializes, until the transaction ends, the work of every node on one key (a touchpoint's source). */
export async function lockKey(trx: Executor, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
