import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { badRequest, notFound } from '../../platform/http/app-error.js';
import { canModuleAction, loadRecordScopes, qualifiedTable, quoteIdent, type OrgMetadata, type OwnerScope } from '../../records/index.js';

/**
 * What a KPI counts: `org` (all the caller may see), `manager:{userId}` (the
 * user and everyone in a role below theirs), `team:{roleId}` (users in the
 * role and the roles below it) or `account:{accountId}`, optionally one tier.
 * Manager and team scopes count the accounts their users own and the records
 * of those accounts; a record without an account counts by its own owner.
 * Every condition is intersected with the caller's record access, the same
 * check list queries use.
 */
export interface KpiScope {
  kind: 'org' | 'manager' | 'team' | 'account';
  /** The user, role or account id of the scope (null for org). */
  id: string | null;
  tier: string | null;
  /** Owners of a manager or team scope (never empty: a manager is in their own scope). */
  userIds: string[] | null;
  metadata: OrgMetadata;
  canRead(module: string): boolean;
  readScope(module: string): OwnerScope;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPE_PATTERN = /^(org)$|^(manager|team|account):(.+)$/;

/** The qualified table of a module of the organization (its schema). */
export function tableOf(scope: KpiScope, module: string): RawBuilder<unknown> {
  const meta = scope.metadata.modules.get(module);
  if (!meta) throw new Error(`Module ${module} is missing from the catalog`);
  return sql.raw(qualifiedTable(scope.metadata.schema, meta.table));
}

/** An org-schema table of a feature (kam_survey_responses…). */
export function orgTable(scope: KpiScope, table: string): RawBuilder<unknown> {
  return sql.raw(qualifiedTable(scope.metadata.schema, table));
}

const column = (alias: string, name: string) => sql.raw(`${quoteIdent(alias)}.${quoteIdent(name)}`);

/** The row is live and the caller may read it (profile permission and owner scope); `false` for a module they may not read. */
export function visibleRow(scope: KpiScope, module: string, alias: string): RawBuilder<boolean> {
  if (!scope.canRead(module)) return sql<boolean>`false`;
  const owners = scope.readScope(module);
  const live = sql<boolean>`${column(alias, 'deleted_at')} IS NULL`;
  return owners.all ? live : sql<boolean>`${live} AND ${column(alias, 'owner_id')} = ANY(${owners.ownerIds}::uuid[])`;
}

/** Conditions on an accounts row: visible, in the scope (owner or id) and of the tier. */
export function accountInScope(scope: KpiScope, alias = 'a'): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [visibleRow(scope, 'accounts', alias)];
  if (scope.kind === 'account') parts.push(sql<boolean>`${column(alias, 'id')} = ${scope.id}::uuid`);
  if (scope.userIds) parts.push(sql<boolean>`${column(alias, 'owner_id')} = ANY(${scope.userIds}::uuid[])`);
  if (scope.tier) parts.push(sql<boolean>`${column(alias, 'tier')} = ${scope.tier}`);
  return sql.join(parts, sql` AND `) as RawBuilder<boolean>;
}

/** Ids of the accounts in the scope, as a subquery. */
export function accountIdsInScope(scope: KpiScope): RawBuilder<unknown> {
  return sql`SELECT a.id FROM ${tableOf(scope, 'accounts')} a WHERE ${accountInScope(scope, 'a')}`;
}

/**
 * A record of `module` counts: visible to the caller and in the scope through
 * its account (`accountColumn`), or by its owner when it has no account.
 */
export function recordInScope(scope: KpiScope, module: string, alias: string, accountColumn = 'account_id'): RawBuilder<boolean> {
  const visible = visibleRow(scope, module, alias);
  const account = column(alias, accountColumn);
  if (scope.kind === 'org' && !scope.tier) return visible;
  if (scope.kind === 'account') return sql<boolean>`${visible} AND ${account} = ${scope.id}::uuid`;
  // An array (computed once) rather than IN (subquery): with the OR below, the ids still probe the module's account index.
  const viaAccount = sql<boolean>`${account} = ANY(ARRAY(${accountIdsInScope(scope)}))`;
  if (scope.tier || !scope.userIds) return sql<boolean>`${visible} AND ${viaAccount}`;
  return sql<boolean>`${visible} AND (${viaAccount} OR (${account} IS NULL AND ${column(alias, 'owner_id')} = ANY(${scope.userIds}::uuid[])))`;
}

/** Records without an account (leads): visible and owned by the scope's users; nothing in an account scope. */
export function ownedInScope(scope: KpiScope, module: string, alias: string): RawBuilder<boolean> {
  const visible = visibleRow(scope, module, alias);
  if (scope.kind === 'account') return sql<boolean>`false`;
  if (!scope.userIds) return visible;
  return sql<boolean>`${visible} AND ${column(alias, 'owner_id')} = ANY(${scope.userIds}::uuid[])`;
}

/** Users of a role and of every role below it, within the organization. */
async function listUsersUnderRole(executor: Executor, orgId: string, roleId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE branch AS (
      SELECT r.id FROM platform.roles r WHERE r.org_id = ${orgId} AND r.id = ${roleId}::uuid
      UNION
      SELECT r.id FROM platform.roles r JOIN branch b ON r.parent_id = b.id WHERE r.org_id = ${orgId}
    )
    SELECT u.id FROM platform.users u WHERE u.org_id = ${orgId} AND u.role_id IN (SELECT id FROM branch) ORDER BY u.id`.execute(executor);
  return result.rows.map((row) => row.id);
}

/** Users in the roles strictly below a role. */
async function listUsersBelowRole(executor: Executor, orgId: string, roleId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE below AS (
      SELECT r.id FROM platform.roles r WHERE r.org_id = ${orgId} AND r.parent_id = ${roleId}::uuid
      UNION
      SELECT r.id FROM platform.roles r JOIN below b ON r.parent_id = b.id WHERE r.org_id = ${orgId}
    )
    SELECT u.id FROM platform.users u WHERE u.org_id = ${orgId} AND u.role_id IN (SELECT id FROM below) ORDER BY u.id`.execute(executor);
  return result.rows.map((row) => row.id);
}

/**
 * Resolves `scope` and `tier` for the caller: 400 naming the parameter when
 * malformed, 404 for a user, role or account that is not in the caller's
 * organization or (accounts) that the caller may not see.
 */
export async function resolveScope(
  executor: Executor,
  auth: AuthContext,
  metadata: OrgMetadata,
  input: { scope?: string; tier?: string },
): Promise<KpiScope> {
  const text = (input.scope ?? 'org').trim();
  const match = SCOPE_PATTERN.exec(text);
  if (!match || (match[3] !== undefined && !UUID.test(match[3])))
    throw badRequest('Use a scope such as org, manager:{userId}, team:{roleId} or account:{accountId}.', 'scope');
  const kind = (match[1] ?? match[2]) as KpiScope['kind'];
  const id = match[3] ?? null;
  const tierField = metadata.modules.get('accounts')?.fields.find((field) => field.apiName === 'tier');
  const tier = input.tier?.trim() || null;
  if (tier && !tierField?.options.values?.some((value) => value.code === tier))
    throw badRequest(`"${tier}" is not a tier of accounts.`, 'tier');
  const scopes = await loadRecordScopes(executor, auth);
  const scope: KpiScope = {
    kind,
    id,
    tier,
    userIds: null,
    metadata,
    canRead: (module) => {
      const meta = metadata.modules.get(module);
      return meta !== undefined && !meta.hidden && canModuleAction(auth, module, 'read');
    },
    readScope: (module) => scopes(module).read,
  };
  if (kind === 'manager') {
    const user = await executor
      .selectFrom('platform.users')
      .select(['id', 'role_id'])
      .where('id', '=', id!)
      .where('org_id', '=', auth.orgId)
      .executeTakeFirst();
    if (!user) throw notFound('The user');
    const below = user.role_id ? await listUsersBelowRole(executor, auth.orgId, user.role_id) : [];
    scope.userIds = [...new Set([user.id, ...below])].sort();
  } else if (kind === 'team') {
    const role = await executor
      .selectFrom('platform.roles')
      .select('id')
      .where('id', '=', id!)
      .where('org_id', '=', auth.orgId)
      .executeTakeFirst();
    if (!role) throw notFound('The role');
    scope.userIds = await listUsersUnderRole(executor, auth.orgId, role.id);
  } else if (kind === 'account') {
    const found = await sql<{
      id: string;
    }>`SELECT a.id FROM ${tableOf(scope, 'accounts')} a WHERE a.id = ${id}::uuid AND ${visibleRow(scope, 'accounts', 'a')}`.execute(
      executor,
    );
    if (found.rows.length === 0) throw notFound('The account');
  }
  return scope;
}
