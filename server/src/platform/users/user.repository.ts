import type { Executor } from '../../db/database.js';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  active: boolean;
  role_id: string | null;
  profile_id: string;
  created_at: Date;
  is_admin: boolean;
}

const userColumns = (executor: Executor) =>
  executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
    .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
    .select(['u.id', 'u.name', 'e.email', 'u.active', 'u.role_id', 'u.profile_id', 'u.created_at'])
    .select((eb) => eb('p.builtin', '=', 'administrator').as('is_admin'));

/** The org's users by name; `q` matches name or primary e-mail (substring, any case). */
export async function listUsers(executor: Executor, orgId: string, filter: { q?: string; active?: boolean }): Promise<UserRow[]> {
  let query = userColumns(executor).where('u.org_id', '=', orgId);
  if (filter.active !== undefined) query = query.where('u.active', '=', filter.active);
  const q = filter.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('u.name', 'ilike', pattern), eb('e.email', 'ilike', pattern)]));
  }
  const rows = await query.orderBy('u.name').orderBy('u.id').execute();
  return rows.map((row) => ({ ...row, is_admin: Boolean(row.is_admin) }));
}

export async function findUser(executor: Executor, orgId: string, id: string): Promise<UserRow | undefined> {
  const row = await userColumns(executor).where('u.org_id', '=', orgId).where('u.id', '=', id).executeTakeFirst();
  return row && { ...row, is_admin: Boolean(row.is_admin) };
}

export async function findProfileBuiltin(executor: Executor, orgId: string, profileId: string) {
  return executor
    .selectFrom('platform.profiles')
    .select(['id', 'builtin'])
    .where('org_id', '=', orgId)
    .where('id', '=', profileId)
    .executeTakeFirst();
}

export async function roleExists(executor: Executor, orgId: string, roleId: string): Promise<boolean> {
  return !!(await executor
    .selectFrom('platform.roles')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', roleId)
    .executeTakeFirst());
}

/** Active administrators of the org other than `exceptUserId`. */
export async function countOtherActiveAdmins(executor: Executor, orgId: string, exceptUserId: string): Promise<number> {
  const row = await executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('u.org_id', '=', orgId)
    .where('u.active', '=', true)
    .where('p.builtin', '=', 'administrator')
    .where('u.id', '!=', exceptUserId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateUser(
  executor: Executor,
  id: string,
  changes: {
    name?: string;
    role_id?: string | null;
    profile_id?: string;
    active?: boolean;
    totp_enabled?: boolean;
    totp_secret?: string | null;
    updated_at: Date;
  },
) {
  await executor.updateTable('platform.users').set(changes).where('id', '=', id).execute();
}
