import type { AppContext } from '../platform/context.js';
import type { AuthContext } from '../platform/auth/auth-context.js';
import { canFeature, findOrgIds, listUserGroupIds } from '../platform/access/index.js';
import { forbidden, notFound } from '../platform/http/app-error.js';
import { newId } from '../platform/ids.js';
import { findOrganization } from '../platform/orgs/organization.repository.js';
import { loadRecordScopes, type RecordsModule } from '../records/index.js';
import { periodOf, reportScope, runReport, type OrgSettings, type RunResult } from './report.engine.js';
import { invalid } from './report-fields.js';
import { galleryFor } from './report.gallery.js';
import { compileReport, drillDownSql } from './report.sql.js';
import { deleteReport, findReport, insertReport, listReports, updateReport, type Audience, type ReportRow } from './report.repository.js';
import type { CreateReportBody, PeriodRange, ReportDefinition, SharedWith, UpdateReportBody } from './report.schemas.js';

/**
 * Reports are not records: the profile key `reports` grants them (like `automation`): `read` sees and runs the
 * reports shared with the caller, `create` or `edit` builds reports of their own. Administrators may do everything.
 * Every run is the caller's: their module permissions, hidden fields and record scope, whoever built the report.
 */
export const REPORTS_PERMISSION = 'reports';

function assertAllowed(auth: AuthContext, action: 'read' | 'manage') {
  if (!canFeature(auth, REPORTS_PERMISSION, action))
    throw forbidden(
      action === 'read' ? 'Your profile does not allow you to see reports.' : 'Your profile does not allow you to build reports.',
    );
}

export const presentReport = (row: ReportRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  folder: row.folder,
  definition: row.definition,
  ownerId: row.owner_id,
  sharedWith: { roles: row.shared_with.roles ?? [], groups: row.shared_with.groups ?? [], everyone: row.shared_with.everyone === true },
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export interface DrillDownInput {
  keys: Record<string, unknown>;
  cursor?: string;
  limit?: number;
}

export function createReportService(ctx: AppContext, deps: Pick<RecordsModule, 'metadata' | 'records'>) {
  const { database } = ctx;

  async function audienceOf(auth: AuthContext): Promise<Audience> {
    const groupIds = auth.isAdmin ? [] : await listUserGroupIds(database.db, auth.orgId, auth.userId, auth.roleId);
    return { userId: auth.userId, roleId: auth.roleId, groupIds, isAdmin: auth.isAdmin };
  }

  async function orgSettings(auth: AuthContext): Promise<OrgSettings> {
    const org = await findOrganization(database.db, auth.orgId);
    if (!org) throw notFound('The organization');
    return {
      timeZone: org.time_zone,
      fiscalYearStartMonth: org.fiscal_year_start_month,
      currency: org.currency,
      exchangeRates: org.exchange_rates ?? {},
    };
  }

  /** The caller's scope over the definition's module (400 unknown module, 403 module permission). */
  async function scopeFor(auth: AuthContext, definition: ReportDefinition) {
    const [metadata, scopes, org] = await Promise.all([
      deps.metadata.get(auth.orgId, auth.orgSchema),
      loadRecordScopes(database.db, auth),
      orgSettings(auth),
    ]);
    return { scope: reportScope(auth, metadata, scopes, org, definition.module), org };
  }

  /** Checks a definition as the caller would run it (400 naming the bad part; nothing runs). */
  async function check(auth: AuthContext, definition: ReportDefinition) {
    const { scope } = await scopeFor(auth, definition);
    compileReport(scope, definition, undefined);
  }

  async function checkSharing(auth: AuthContext, shared: SharedWith | undefined) {
    if (!shared) return;
    for (const kind of ['roles', 'groups'] as const) {
      const ids = shared[kind] ?? [];
      const found = await findOrgIds(database.db, auth.orgId, kind === 'roles' ? 'role' : 'group', ids);
      const missing = ids.findIndex((id) => !found.has(id));
      if (missing >= 0)
        throw invalid(`sharedWith.${kind}[${missing}]`, `no ${kind === 'roles' ? 'role' : 'group'} ${ids[missing]} in the organization`);
    }
  }

  /** A report the caller may see (theirs or shared with them), or 404. */
  async function visible(auth: AuthContext, id: string): Promise<ReportRow> {
    assertAllowed(auth, 'read');
    const row = await findReport(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The report');
    const audience = await audienceOf(auth);
    const shared = row.shared_with;
    const sees =
      audience.isAdmin ||
      row.owner_id === auth.userId ||
      shared.everyone === true ||
      (auth.roleId !== null && (shared.roles ?? []).includes(auth.roleId)) ||
      (shared.groups ?? []).some((group) => audience.groupIds.includes(group));
    if (!sees) throw notFound('The report');
    return row;
  }

  /** A report the caller may change: their own (with the right to build reports) or any as an administrator. */
  async function editable(auth: AuthContext, id: string): Promise<ReportRow> {
    const row = await visible(auth, id);
    assertAllowed(auth, 'manage');
    if (row.owner_id !== auth.userId && !auth.isAdmin) throw forbidden('Only the owner of a report or an administrator can change it.');
    return row;
  }

  const sharing = (shared: SharedWith | undefined): ReportRow['shared_with'] => ({
    roles: [...new Set(shared?.roles ?? [])],
    groups: [...new Set(shared?.groups ?? [])],
    everyone: shared?.everyone === true,
  });

  async function list(auth: AuthContext, folder?: string) {
    assertAllowed(auth, 'read');
    return (await listReports(database.db, auth.orgSchema, await audienceOf(auth), folder)).map(presentReport);
  }

  async function get(auth: AuthContext, id: string) {
    return presentReport(await visible(auth, id));
  }

  async function create(auth: AuthContext, input: CreateReportBody) {
    assertAllowed(auth, 'manage');
    await check(auth, input.definition);
    await checkSharing(auth, input.sharedWith);
    const name = input.name.trim();
    if (!name) throw invalid('name', 'a report needs a name');
    const now = ctx.now();
    const row: ReportRow = {
      id: newId(),
      name,
      description: input.description ?? null,
      folder: input.folder?.trim() || null,
      module: input.definition.module,
      definition: input.definition,
      owner_id: auth.userId,
      shared_with: sharing(input.sharedWith),
      created_by: auth.userId,
      created_at: now,
      updated_at: now,
    };
    await insertReport(database.db, auth.orgSchema, row);
    return presentReport(row);
  }

  async function update(auth: AuthContext, id: string, input: UpdateReportBody) {
    const row = await editable(auth, id);
    if (input.definition) await check(auth, input.definition);
    await checkSharing(auth, input.sharedWith);
    const next: ReportRow = {
      ...row,
      name: input.name !== undefined ? input.name.trim() : row.name,
      description: input.description !== undefined ? input.description : row.description,
      folder: input.folder !== undefined ? input.folder?.trim() || null : row.folder,
      definition: input.definition ?? row.definition,
      module: input.definition?.module ?? row.module,
      shared_with: input.sharedWith ? sharing(input.sharedWith) : row.shared_with,
      updated_at: ctx.now(),
    };
    if (!next.name) throw invalid('name', 'a report needs a name');
    await updateReport(database.db, auth.orgSchema, next);
    return presentReport(next);
  }

  async function remove(auth: AuthContext, id: string) {
    await editable(auth, id);
    await deleteReport(database.db, auth.orgSchema, id);
  }

  async function runDefinition(auth: AuthContext, definition: ReportDefinition, period?: PeriodRange): Promise<RunResult> {
    const { scope, org } = await scopeFor(auth, definition);
    return runReport(database.db, scope, definition, { period, now: ctx.now(), currency: org.currency });
  }

  /** Runs a saved report as the caller; `period` overrides its range (a dashboard's period). */
  async function run(auth: AuthContext, id: string, period?: PeriodRange) {
    return runDefinition(auth, (await visible(auth, id)).definition, period);
  }

  /** Runs a definition being built (not saved). */
  async function preview(auth: AuthContext, definition: ReportDefinition, period?: PeriodRange) {
    assertAllowed(auth, 'manage');
    return runDefinition(auth, definition, period);
  }

  /** The records behind a group, bar or cell: the report's rows with those keys, as the record list gives them. */
  async function drillDownDefinition(auth: AuthContext, definition: ReportDefinition, input: DrillDownInput & { period?: PeriodRange }) {
    const { scope } = await scopeFor(auth, definition);
    const compiled = compileReport(scope, definition, periodOf(definition, input.period, ctx.now(), scope.calendar));
    const restriction = drillDownSql(compiled, input.keys);
    const page = await deps.records.query(auth, definition.module, { cursor: input.cursor, limit: input.limit ?? 50 }, [restriction]);
    return { data: page.data, display: page.display, nextCursor: page.nextCursor };
  }

  async function drillDown(auth: AuthContext, id: string, input: DrillDownInput & { period?: PeriodRange }) {
    return drillDownDefinition(auth, (await visible(auth, id)).definition, input);
  }

  async function drillDownPreview(auth: AuthContext, definition: ReportDefinition, input: DrillDownInput & { period?: PeriodRange }) {
    assertAllowed(auth, 'manage');
    return drillDownDefinition(auth, definition, input);
  }

  async function gallery(auth: AuthContext) {
    assertAllowed(auth, 'read');
    return galleryFor(await deps.metadata.get(auth.orgId, auth.orgSchema), auth.language === 'en' ? 'en' : 'es');
  }

  return { list, get, create, update, remove, run, preview, drillDown, drillDownPreview, gallery, runDefinition, visible };
}

export type ReportService = ReturnType<typeof createReportService>;
