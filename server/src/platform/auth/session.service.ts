import type { Db, Executor } from '../../db/database.js';
import type { FieldPermissions, ModulePermissions } from '../../db/platform-schema.js';
import { randomSecret, sha256 } from '../ids.js';
import type { AuthContext } from './auth-context.js';
import { findUserContext } from './auth.repository.js';

export const SESSION_COOKIE = 'clave_session';

/** Starts a session: the cookie value is random, only its SHA-256 is stored. */
export async function createSession(
  executor: Executor,
  input: { userId: string; hours: number; ip: string | null; userAgent: string | null; now: Date },
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: Date }> {
  const cookieValue = randomSecret();
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(input.now.getTime() + input.hours * 3600_000);
  await executor
    .insertInto('platform.sessions')
    .values({ id: sha256(cookieValue), user_id: input.userId, csrf_token: csrfToken, expires_at: expiresAt, last_seen_at: input.now, ip: input.ip, user_agent: input.userAgent?.slice(0, 300) ?? null })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

export async function toAuthContext(
  executor: Executor,
  userId: string,
  via: AuthContext['via'],
  session?: { id: string; csrfToken: string },
): Promise<AuthContext | null> {
  const row = await findUserContext(executor, userId);
  if (!row || !row.active) return null;
  return {
    userId: row.userId,
    orgId: row.orgId,
    orgSchema: row.orgSchema,
    name: row.name,
    email: row.email,
    roleId: row.roleId,
    profileId: row.profileId,
    isAdmin: row.builtin === 'administrator',
    modulePermissions: row.modulePermissions as ModulePermissions,
    fieldPermissions: row.fieldPermissions as FieldPermissions,
    via,
    sessionId: session?.id,
    csrfToken: session?.csrfToken,
    language: row.language ?? row.orgLanguage,
    timeZone: row.timeZone ?? row.orgTimeZone,
  };
}

/** Resolves a session cookie to its user; expired sessions count as none. */
export async function resolveSession(db: Db, cookieValue: string, now: Date): Promise<AuthContext | null> {
  const id = sha256(cookieValue);
  const session = await db.selectFrom('platform.sessions').select(['id', 'user_id', 'csrf_token', 'expires_at', 'last_seen_at']).where('id', '=', id).executeTakeFirst();
  if (!session || new Date(session.expires_at) <= now) return null;
  // Touch last_seen at most once a minute: a write per request would cost more than the read.
  if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
    await db.updateTable('platform.sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  return toAuthContext(db, session.user_id, 'session', { id, csrfToken: session.csrf_token });
}

/** Resolves a personal API token; revoked tokens and inactive users count as none. */
export async function resolveApiToken(db: Db, token: string, now: Date): Promise<AuthContext | null> {
  const row = await db
    .selectFrom('platform.api_tokens')
    .select(['id', 'user_id', 'last_used_at'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable('platform.api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return toAuthContext(db, row.user_id, 'token');
}

/** Ends every session and token of a user (deactivation, password change). */
export async function endAllSessions(executor: Executor, userId: string, options: { keepSessionId?: string; revokeTokens: boolean; now: Date }) {
  let query = executor.deleteFrom('platform.sessions').where('user_id', '=', userId);
  if (options.keepSessionId) query = query.where('id', '!=', options.keepSessionId);
  await query.execute();
  if (options.revokeTokens) {
    await executor.updateTable('platform.api_tokens').set({ revoked_at: options.now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }
}
