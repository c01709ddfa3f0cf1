import type { Executor } from '../../db/database.js';
import type { ModuleAction } from '../../db/platform-schema.js';
import type { AuthContext } from '../auth/auth-context.js';
import { AppError } from '../http/app-error.js';
import { findSharingAccess, listSharedOwners, listSharingDefaults, type SharingAccess } from './access.repository.js';

/**
 * The one place that decides what a user may do with a module's records.
 * Every record query passes through it:
 *
 *   assertModuleAction(auth, 'deals', 'read');            // 403 when the profile forbids
 *   const scope = await visibleOwnerScope(trx, auth, 'deals');
 *   // WHERE: scope.read.all ? true : owner_id IN scope.read.ownerIds
 *   const fields = fieldAccess(auth, 'deals');           // drop hidden, refuse writes to read-only
 */

export type { SharingAccess } from './access.repository.js';
export type { ModuleAction } from '../../db/platform-schema.js';

/** A module without a sharing row is private: records are seen by their owner, the owner's managers, peers and groups. */
export const DEFAULT_SHARING_ACCESS = 'private' as const satisfies SharingAccess;
export const SHARING_ACCESS_VALUES: readonly SharingAccess[] = ['private', 'public_read', 'public_read_write'];
export const MODULE_ACTIONS: readonly ModuleAction[] = ['create', 'read', 'edit', 'delete', 'import', 'export'];
/** API names of modules (and of fields): lower snake case, 2–63 characters. */
export const MODULE_NAME_PATTERN = /^[a-z][a-z0-9_]{1,62}$/;

/** What the check needs to know about the caller (an AuthContext has it all). */
export type AccessSubject = Pick<AuthContext, 'userId' | 'orgId' | 'roleId' | 'isAdmin' | 'modulePermissions' | 'fieldPermissions'>;

/** Record owners a user reaches: every record of the org's module, or those of the listed owners (never empty: it holds the user). */
export type OwnerScope = { all: true } | { all: false; ownerIds: string[] };

/** What `visibleOwnerScope` returns: the owners whose records the user may read, and those whose records they may edit or delete (a subset). */
export interface RecordScope {
  /** The organization whose schema the record query must read: always the caller's. */
  orgId: string;
  module: string;
  sharing: SharingAccess;
  read: OwnerScope;
  write: OwnerScope;
}

/** Whether the profile allows an action on a module: the module's own entry first, then '*'. Administrators may do everything. */
export function canModuleAction(auth: AccessSubject, module: string, action: ModuleAction): boolean {
  if (auth.isAdmin) return true;
  // Own properties only: a module named like an Object.prototype member ("constructor") must not inherit one.
  const entry = (key: string) => (Object.hasOwn(auth.modulePermissions, key) ? auth.modulePermissions[key] : undefined);
  const own = entry(module);
  if (own && Object.hasOwn(own, action)) return own[action] === true;
  const fallback = entry('*');
  return fallback !== undefined && Object.hasOwn(fallback, action) && fallback[action] === true;
}

/**
 * Features that are not record modules (automation, reports) have a profile key of their own, granted only when
 * named (the '*' entry does not): `read` to look, `create` or `edit` to manage. Administrators may do everything.
 */
export function canFeature(auth: AccessSubject, key: string, action: 'read' | 'manage'): boolean {
  if (auth.isAdmin) return true;
  const entry = Object.hasOwn(auth.modulePermissions, key) ? auth.modulePermissions[key] : undefined;
  const manage = entry?.create === true || entry?.edit === true;
  return manage || (action === 'read' && entry?.read === true);
}

/** Throws 403 forbidden when the caller's profile does not allow the action on the module. */
export function assertModuleAction(auth: AccessSubject, module: string, action: ModuleAction): void {
  if (!canModuleAction(auth, module, action)) {
    throw new AppError('forbidden', `Your profile does not allow you to ${action} records of ${module}.`, { module, action });
  }
}

/** The fields of a module the caller's profile hides or makes read-only (administrators: none). */
export function fieldAccess(auth: AccessSubject, module: string): { hidden: ReadonlySet<string>; readOnly: ReadonlySet<string> } {
  const hidden = new Set<string>();
  const readOnly = new Set<string>();
  if (!auth.isAdmin) {
    for (const [field, level] of Object.entries(auth.fieldPermissions[module] ?? {})) {
      if (level === 'hidden') hidden.add(field);
      else if (level === 'read_only') readOnly.add(field);
    }
  }
  return { hidden, readOnly };
}

/**
 * Pure part of the check: from the module's sharing default and the owners the
 * user reaches through hierarchy, groups and the module's sharing rules, the
 * read and write scopes (rules of other modules are ignored).
 */
export function buildRecordScope(input: {
  orgId: string;
  module: string;
  sharing: SharingAccess;
  isAdmin: boolean;
  userId: string;
  /** Owners reached in every module (module null or absent) or through a sharing rule of one module. */
  sharedOwners: ReadonlyArray<{ userId: string; level: 'read' | 'read_write'; module?: string | null }>;
}): RecordScope {
  const { orgId, module, sharing } = input;
  if (input.isAdmin || sharing === 'public_read_write') return { orgId, module, sharing, read: { all: true }, write: { all: true } };
  const writable = new Set<string>([input.userId]);
  const readable = new Set<string>([input.userId]);
  for (const owner of input.sharedOwners) {
    if (owner.module != null && owner.module !== module) continue;
    readable.add(owner.userId);
    if (owner.level === 'read_write') writable.add(owner.userId);
  }
  const write: OwnerScope = { all: false, ownerIds: [...writable].sort() };
  const read: OwnerScope = sharing === 'public_read' ? { all: true } : { all: false, ownerIds: [...readable].sort() };
  return { orgId, module, sharing, read, write };
}

/**
 * Whose records of `module` the caller may read and write, from the org-wide
 * default, ownership, the role hierarchy (all roles below the caller's),
 * peers (when the caller's role shares with peers), groups that share
 * records and the module's sharing rules. Administrators reach everything in their organization. The scope
 * is always within the caller's organization: records live in its schema and
 * owner ids come only from its users. Call assertModuleAction first: the scope
 * says nothing about the profile's module permissions.
 */
export async function visibleOwnerScope(executor: Executor, auth: AccessSubject, module: string): Promise<RecordScope> {
  // Administrators reach every record whatever the sharing default: no query needed.
  if (auth.isAdmin) return { orgId: auth.orgId, module, sharing: DEFAULT_SHARING_ACCESS, read: { all: true }, write: { all: true } };
  const sharing = (await findSharingAccess(executor, auth.orgId, module)) ?? DEFAULT_SHARING_ACCESS;
  const needsOwners = !auth.isAdmin && sharing !== 'public_read_write';
  const sharedOwners = needsOwners ? await listSharedOwners(executor, { orgId: auth.orgId, userId: auth.userId, roleId: auth.roleId }) : [];
  return buildRecordScope({ orgId: auth.orgId, module, sharing, isAdmin: auth.isAdmin, userId: auth.userId, sharedOwners });
}

/**
 * The scopes of every module at once, for work that touches several modules
 * (a filter on a related module, lookups checked on save): two queries for
 * anyone but an administrator, none for an administrator.
 */
export async function loadRecordScopes(executor: Executor, auth: AccessSubject): Promise<(module: string) => RecordScope> {
  if (auth.isAdmin) {
    return (module) =>
      buildRecordScope({
        orgId: auth.orgId,
        module,
        sharing: DEFAULT_SHARING_ACCESS,
        isAdmin: true,
        userId: auth.userId,
        sharedOwners: [],
      });
  }
  const [defaults, sharedOwners] = await Promise.all([
    listSharingDefaults(executor, auth.orgId),
    listSharedOwners(executor, { orgId: auth.orgId, userId: auth.userId, roleId: auth.roleId }),
  ]);
  const sharingOf = new Map(defaults.map((row) => [row.module, row.access]));
  const cache = new Map<string, RecordScope>();
  return (module) => {
    let scope = cache.get(module);
    if (!scope) {
      const sharing = sharingOf.get(module) ?? DEFAULT_SHARING_ACCESS;
      scope = buildRecordScope({ orgId: auth.orgId, module, sharing, isAdmin: false, userId: auth.userId, sharedOwners });
      cache.set(module, scope);
    }
    return scope;
  };
}

/** Whether a record with this owner is inside the scope (a record without an owner only when the scope is all). */
export function isOwnerInScope(scope: OwnerScope, ownerId: string | null): boolean {
  if (scope.all) return true;
  return ownerId !== null && scope.ownerIds.includes(ownerId);
}
