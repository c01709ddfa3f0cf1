import { sql, type RawBuilder } from 'kysely';
import type { FieldMeta } from '../metadata/metadata.types.js';

/**
 * What a user field (owner_id, created_by…) exposes as a related path, like a
 * lookup's related fields: `owner_id.name`, `owner_id.email` (the primary
 * address) and `owner_id.role` (the role's id). Filters and reports read them
 * through the same expressions, so a report's grouping and its drill-down agree.
 */
export type UserPath = 'name' | 'email' | 'role';

const pseudo = (apiName: UserPath, type: FieldMeta['type'], es: string, en: string): FieldMeta => ({
  id: `user.${apiName}`,
  apiName,
  type,
  labels: { es, en },
  isStandard: true,
  isSystem: true,
  required: false,
  unique: false,
  defaultValue: null,
  hidden: false,
  position: 0,
  helpText: null,
  options: {},
});

export const USER_PATH_FIELDS: ReadonlyMap<string, FieldMeta> = new Map([
  ['name', pseudo('name', 'text', 'Nombre', 'Name')],
  ['email', pseudo('email', 'email', 'Correo electrónico', 'E-mail')],
  // A role is filtered by id, like a lookup.
  ['role', pseudo('role', 'lookup', 'Rol', 'Role')],
]);

/** The value of `path` for the user whose id is `userId` (a column), within the organization. */
export function userPathSql(path: UserPath, userId: RawBuilder<unknown>, orgId: string): RawBuilder<unknown> {
  switch (path) {
    case 'name':
      return sql`(SELECT u.name FROM platform.users u WHERE u.id = ${userId} AND u.org_id = ${orgId})`;
    case 'role':
      return sql`(SELECT u.role_id FROM platform.users u WHERE u.id = ${userId} AND u.org_id = ${orgId})`;
    case 'email':
      return sql`(SELECT e.email FROM platform.user_emails e JOIN platform.users u ON u.id = e.user_id WHERE e.user_id = ${userId} AND e.is_primary AND u.org_id = ${orgId})`;
  }
}
