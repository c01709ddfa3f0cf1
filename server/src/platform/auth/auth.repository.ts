import type { Executor } from '../../db/database.js';

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
  return executor
    .selectFrom('platform.user_emails as e')
    .innerJoin('platform.users as u', 'u.id', 'e.user_id')
    .select(['u.id', 'u.org_id', 'u.password_hash', 'u.active', 'u.totp_enabled', 'u.totp_secret'])
    .where((eb) => eb(eb.fn('lower', ['e.email']), '=', email.trim().toLowerCase()))
    .where('e.is_primary', '=', true)
    .executeTakeFirst();
}
