import type { Database, Executor } from '../../db/database.js';
import type { FieldPermissions, ModulePermissions } from '../../db/platform-schema.js';
import { randomSecret, sha256 } from '../ids.js';
import type { AuthContext } from './auth-context.js';
import { findApiTokenContext, findSessionContext, findUserContext, type UserContextRow } from './auth.repository.js';

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
    .values({
      id: sha256(cookieValue),
      user_id: input.userId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      last_seen_at: input.now,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

/** Loads a user's request context; inactive users have none. */
export async function toAuthContext(
  executor: Executor,
  userId: string,
  via: AuthContext['via'],
  session?: { id: string; csrfToken: string },
): Promise<AuthContext | null> {
  const row = await findUserContext(executor, userId);
  if (!row || !row.active) return null;
  return authContextFromRow(row as UserContextRow, via, session);
}

function authContextFromRow(row: UserContextRow, via: AuthContext['via'], session?: { id: string; csrfToken: string }): AuthContext {
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
    twoFactorEnabled: row.twoFactorEnabled,
    organization: {
      name: row.orgName,
      logo: row.orgLogo,
      currency: row.orgCurrency,
      timeZone: row.orgTimeZone,
      defaultLanguage: row.orgLanguage,
    },
  };
}

/**
 * Resolves a session cookie to its user in one statement; expired sessions
 * and inactive users count as none.
 */
export async function resolveSession(database: Database, cookieValue: string, now: Date): Promise<AuthContext | null> {
  const id = sha256(cookieValue);
  const row = await findSessionContext(database, id);
  if (!row || new Date(row.expiresAt) <= now) return null;
  // Touch last_seen at most once a minute: a write per request would cost more than the read.
  if (now.getTime() - new Date(row.lastSeenAt).getTime() > 60_000) {
    await database.db.updateTable('platform.sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  return authContextFromRow(row, 'session', { id, csrfToken: row.csrfToken });
}

/** Resolves a personal API token in one statement; revoked tokens and inactive users count as none. */
export async function resolveApiToken(database: Database, token: string, now: Date): Promise<AuthContext | null> {
  const row = await findApiTokenContext(database, sha256(token));
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > 60_000) {
    await database.db.updateTable('platform.api_tokens').set({ last_used_at: now }).where('id', '=', row.tokenId).execute();
  }
  return authContextFromRow(row, 'token');
}

/** Ends every session and token of a user (deactivation, password change). */
export async function endAllSessions(
  executor: Executor,
  userId: string,
  options: { keepSessionId?: string; revokeTokens: boolean; now: Date },
) {
  let query = executor.deleteFrom('platform.sessions').where('user_id', '=', userId);
  if (options.keepSessionId) query = query.where('id', '!=', options.keepSessionId);
  await query.execute();
  if (options.revokeTokens) {
    await executor
      .updateTable('platform.api_tokens')
      .set({ revoked_at: options.now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
