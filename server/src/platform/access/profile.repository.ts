import type { Executor } from '../../db/database.js';
import type { FieldPermissions, ModulePermissions } from '../../db/platform-schema.js';

export interface ProfileRow {
  id: string;
  name: string;
  description: string | null;
  builtin: string | null;
  module_permissions: ModulePermissions;
  field_permissions: FieldPermissions;
  created_at: Date;
  user_count: number;
}

const profileColumns = (executor: Executor) =>
  executor
    .selectFrom('platform.profiles as p')
    .select(['p.id', 'p.name', 'p.description', 'p.builtin', 'p.module_permissions', 'p.field_permissions', 'p.created_at'])
    .select((eb) =>
      eb
        .selectFrom('platform.users as u')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('u.profile_id', '=', 'p.id')
        .as('user_count'),
    );

export async function listProfiles(executor: Executor, orgId: string): Promise<ProfileRow[]> {
  // Built-in profiles first (Administrator, Standard), then custom ones by name.
  const rows = await profileColumns(executor)
    .where('p.org_id', '=', orgId)
    .orderBy((eb) => eb.case().when('p.builtin', '=', 'administrator').then(0).when('p.builtin', 'is not', null).then(1).else(2).end())
    .orderBy('p.name')
    .execute();
  return rows.map((row) => ({ ...row, user_count: Number(row.user_count ?? 0) }));
}

export async function findProfile(executor: Executor, orgId: string, id: string): Promise<ProfileRow | undefined> {
  const row = await profileColumns(executor).where('p.org_id', '=', orgId).where('p.id', '=', id).executeTakeFirst();
  return row && { ...row, user_count: Number(row.user_count ?? 0) };
}

export async function findProfileByName(executor: Executor, orgId: string, name: string, exceptId?: string) {
  let query = executor
    .selectFrom('platform.profiles')
    .select('id')
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '!=', exceptId);
  return query.executeTakeFirst();
}

export async function insertProfile(
  executor: Executor,
  profile: { id: string; orgId: string; name: string; description: string | null; modules: ModulePermissions; fields: FieldPermissions },
) {
  await executor
    .insertInto('platform.profiles')
    .values({
      id: profile.id,
      org_id: profile.orgId,
      name: profile.name,
      description: profile.description,
      builtin: null,
      module_permissions: JSON.stringify(profile.modules),
      field_permissions: JSON.stringify(profile.fields),
    })
    .execute();
}

export async function updateProfile(
  executor: Executor,
  id: string,
  changes: { name?: string; description?: string | null; modules?: ModulePermissions; fields?: FieldPermissions },
) {
  await executor
    .updateTable('platform.profiles')
    .set({
      name: changes.name,
      description: changes.description,
      module_permissions: changes.modules === undefined ? undefined : JSON.stringify(changes.modules),
      field_permissions: changes.fields === undefined ? undefined : JSON.stringify(changes.fields),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteProfile(executor: Executor, id: string) {
  await executor.deleteFrom('platform.profiles').where('id', '=', id).execute();
}
