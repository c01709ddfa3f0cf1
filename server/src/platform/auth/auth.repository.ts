import type { Database, Executor } from '../../db/database.js';
import type { FieldPermissions, ModulePermissions } from '../../db/platform-schema.js';

/** Loads everything the request context needs about a user in one query. */
export function findUserContext(executor: Executor, userId: string) {
  return executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.organizations as o', 'o.id', 'u.org_id')
    .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
    .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
    .select([
      'u.id as userId',
      'u.org_id as orgId',
      'o.schema_name as orgSchema',
      'u.name',
      'e.email',
      'u.role_id as roleId',
      'u.profile_id as profileId',
      'u.active',
      'u.language',
      'u.time_zone as timeZone',
      'u.totp_enabled as twoFactorEnabled',
      'o.name as orgName',
      'o.logo as orgLogo',
      'o.currency as orgCurrency',
      'o.default_language as orgLanguage',
      'o.time_zone as orgTimeZone',
      'p.builtin',
      'p.module_permissions as modulePermissions',
      'p.field_permissions as fieldPermissions',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
}

/** The user behind a sign-in address: only the primary address signs in. */
export function findUserByPrimaryEmail(executor: Executor, email: string) {
  return (
    executor
      .selectFrom('platform.user_emails as e')
      .innerJoin('platform.users as u', 'u.id', 'e.user_id')
      .select(['u.id', 'u.org_id', 'u.password_hash', 'u.active', 'u.totp_enabled', 'u.totp_secret'])
      .where((eb) => eb(eb.fn('lower', ['e.email']), '=', email.trim().toLowerCase()))
      .where('e.is_primary', '=', true)
      // A primary address is always verified; saying so lets the lookup use the unique index of verified addresses.
      .where('e.verified_at', 'is not', null)
      .executeTakeFirst()
  );
}

/**
 * Records that a two-factor code of this time step was used, unless one of
 * the same or a later step already was (then false). One statement, so of two
 * simultaneous sign-ins with one code only one succeeds.
 */
export async function claimTotpStep(executor: Executor, userId: string, step: number): Promise<boolean> {
  const result = await executor
    .updateTable('platform.users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** What the request context needs about the caller, their profile and their organization. */
export interface UserContextRow {
  userId: string;
  orgId: string;
  orgSchema: string;
  name: string;
  email: string;
  roleId: string | null;
  profileId: string;
  active: boolean;
  language: string | null;
  timeZone: string | null;
  twoFactorEnabled: boolean;
  orgName: string;
  orgLogo: string | null;
  orgCurrency: string;
  orgLanguage: string;
  orgTimeZone: string;
  builtin: string | null;
  modulePermissions: ModulePermissions;
  fieldPermissions: FieldPermissions;
}

// The columns and joins of UserContextRow, shared by the two statements below.
const USER_CONTEXT_COLUMNS = `
  u.id AS "userId", u.org_id AS "orgId", o.schema_name AS "orgSchema", u.name, e.email,
  u.role_id AS "roleId", u.profile_id AS "profileId", u.active, u.language, u.time_zone AS "timeZone",
  u.totp_enabled AS "twoFactorEnabled", o.name AS "orgName", o.logo AS "orgLogo", o.currency AS "orgCurrency",
  o.default_language AS "orgLanguage", o.time_zone AS "orgTimeZone",
  p.builtin, p.module_permissions AS "modulePermissions", p.field_permissions AS "fieldPermissions"`;
const USER_CONTEXT_JOINS = `
  JOIN platform.users u ON u.id = x.user_id
  JOIN platform.organizations o ON o.id = u.org_id
  JOIN platform.profiles p ON p.id = u.profile_id
  JOIN platform.user_emails e ON e.user_id = u.id AND e.is_primary`;

/*
 * The two statements below run on every authenticated request, so they are
 * prepared statements (parsed and planned once per connection) and each
 * resolves the caller in one round trip. They read the current rows every
 * time: a revoked token, an ended session or a deactivated user stops working
 * at once. Only active users come back.
 */
const API_TOKEN_CONTEXT = `
  SELECT x.id AS "tokenId", x.last_used_at AS "lastUsedAt", ${USER_CONTEXT_COLUMNS}
  FROM platform.api_tokens x ${USER_CONTEXT_JOINS}
  WHERE x.token_hash = $1 AND x.revoked_at IS NULL AND u.active`;

const SESSION_CONTEXT = `
  SELECT x.csrf_token AS "csrfToken", x.expires_at AS "expiresAt", x.last_seen_at AS "lastSeenAt", ${USER_CONTEXT_COLUMNS}
  FROM platform.sessions x ${USER_CONTEXT_JOINS}
  WHERE x.id = $1 AND u.active`;

/** The active caller behind a personal API token (by its SHA-256), unless the token is revoked. */
export async function findApiTokenContext(database: Database, tokenHash: string) {
  return readThroughCache(database, `token:${tokenHash}`, async () => {
    const result = await database.query<UserContextRow & { tokenId: string; lastUsedAt: Date | null }>(API_TOKEN_CONTEXT, [tokenHash], {
      name: 'auth_api_token_context',
    });
    return result.rows[0];
  });
}

/** The active caller behind a session (by the SHA-256 of its cookie); the caller checks expiry. */
export async function findSessionContext(database: Database, sessionId: string) {
  return readThroughCache(database, `session:${sessionId}`, async () => {
    const result = await database.query<UserContextRow & { csrfToken: string; expiresAt: Date; lastSeenAt: Date }>(
      SESSION_CONTEXT,
      [sessionId],
      { name: 'auth_session_context' },
    );
    return result.rows[0];
  });
}

const CACHE_LIMIT = 1000;
const callerCaches = new WeakMap<Database, Map<string, { generation: number; row: unknown }>>();

/**
 * On the embedded database the caller's identity is kept between requests for
 * as long as nothing at all has been written since it was read (see
 * Database.writeGeneration): a revoked token, a deactivated user or a changed
 * profile is a write, so it is seen at once. One PGlite query costs more than
 * the rest of a typical request. On PostgreSQL, where other nodes write, every
 * request reads.
 */
async function readThroughCache<T>(database: Database, key: string, load: () => Promise<T>): Promise<T> {
  const generation = database.writeGeneration();
  if (generation === null) return load();
  let cache = callerCaches.get(database);
  if (!cache) callerCaches.set(database, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.generation === generation) return hit.row as T;
  const row = await load();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, { generation, row });
  return row;
}
