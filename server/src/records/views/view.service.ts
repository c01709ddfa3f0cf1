import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { compileFilter } from '../records/record-filter.js';
import { filterScopeFor, moduleView } from '../records/record-access.js';
import { parseSort } from '../records/record-sort.js';
import { deleteView, findView, insertView, listViews, updateView, type ViewRow } from './view.repository.js';

export interface ViewInput {
  module?: string;
  name?: string;
  shared?: boolean;
  filter?: unknown;
  sort?: Array<{ field: string; direction?: 'asc' | 'desc' }>;
  columns?: string[];
}

const present = (row: ViewRow) => ({
  id: row.id,
  module: row.module,
  name: row.name,
  ownerId: row.owner_id,
  shared: row.shared,
  filter: row.filter ?? null,
  sort: row.sort,
  columns: row.columns,
});

/** Saved list views: personal or shared with the organization; the owner or an administrator changes them. */
export function createViewService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;

  /** Filter, sort and columns checked against the caller's view of the module (400 naming the bad part). */
  async function check(auth: AuthContext, module: string, input: ViewInput) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const view = moduleView(auth, metadata, module, 'read');
    if (input.filter !== undefined && input.filter !== null) {
      const scopes = await loadRecordScopes(database.db, auth);
      compileFilter(input.filter, view.module, filterScopeFor(auth, metadata, scopes));
    }
    if (input.sort) parseSort(input.sort, view.visible);
    for (const [index, name] of (input.columns ?? []).entries())
      if (!view.byName.has(name)) throw badRequest(`Unknown field "${name}".`, `columns[${index}]`);
  }

  async function list(auth: AuthContext, module: string) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    moduleView(auth, metadata, module, 'read');
    return (await listViews(database.db, auth.orgId, module, auth.userId)).map(present);
  }

  async function create(auth: AuthContext, input: ViewInput & { module: string; name: string }) {
    await check(auth, input.module, input);
    const row: ViewRow = {
      id: newId(),
      module: input.module,
      name: input.name.trim(),
      owner_id: auth.userId,
      shared: input.shared ?? false,
      filter: input.filter ?? null,
      sort: (input.sort ?? []).map((s) => ({ field: s.field, direction: s.direction ?? 'asc' })),
      columns: input.columns ?? [],
    };
    if (!row.name) throw badRequest('A view needs a name.', 'name');
    await insertView(database.db, auth.orgId, row, ctx.now());
    return present(row);
  }

  /** A view the caller may change: their own, or any as an administrator; someone else's shared view is 403, a private one 404. */
  async function editable(auth: AuthContext, id: string) {
    const row = await findView(database.db, auth.orgId, id);
    if (!row || (row.owner_id !== auth.userId && !row.shared && !auth.isAdmin)) throw notFound('The view');
    if (row.owner_id !== auth.userId && !auth.isAdmin) throw forbidden('Only the owner of a view or an administrator can change it.');
    return row;
  }

  async function update(auth: AuthContext, id: string, input: ViewInput) {
    const row = await editable(auth, id);
    await check(auth, row.module, input);
    const next: ViewRow = {
      ...row,
      name: input.name !== undefined ? input.name.trim() : row.name,
      shared: input.shared ?? row.shared,
      filter: input.filter !== undefined ? input.filter : row.filter,
      sort: input.sort ? input.sort.map((s) => ({ field: s.field, direction: s.direction ?? 'asc' })) : row.sort,
      columns: input.columns ?? row.columns,
    };
    if (!next.name) throw badRequest('A view needs a name.', 'name');
    await updateView(database.db, auth.orgId, next, ctx.now());
    return present(next);
  }

  async function remove(auth: AuthContext, id: string) {
    await editable(auth, id);
    await deleteView(database.db, auth.orgId, id);
  }

  return { list, create, update, remove };
}
