import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { canFeature, findOrgIds, listUserGroupIds } from '../../platform/access/index.js';
import type { Executor } from '../../db/database.js';
import { invalid } from '../report-fields.js';
import type { Audience } from '../report.repository.js';
import type { PeriodRange, SharedWith } from '../report.schemas.js';
import type { ReportService } from '../report.service.js';
import {
  deleteDashboard,
  findDashboard,
  insertDashboard,
  listDashboards,
  updateDashboard,
  type DashboardRow,
} from './dashboard.repository.js';
import type { CreateDashboardBody, Dashboard, DashboardRun, UpdateDashboardBody, Widget, WidgetInput } from './dashboard.schemas.js';

/**
 * Dashboards follow the reports permission (profile key `reports`, only when named): `read` sees the dashboards
 * one owns or that are shared with one and runs them; `create` or `edit` also makes dashboards. Only the owner (with
 * that right) and administrators change or delete a dashboard.
 */
export const DASHBOARDS_PERMISSION = 'reports';

function assertAllowed(auth: AuthContext, action: 'read' | 'manage') {
  if (!canFeature(auth, DASHBOARDS_PERMISSION, action))
    throw forbidden(
      action === 'read'
        ? 'Your profile does not allow you to see reports and dashboards.'
        : 'Your profile does not allow you to make dashboards.',
    );
}

function present(row: DashboardRow): Dashboard {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    sharedWith: { roles: row.shared_with.roles ?? [], groups: row.shared_with.groups ?? [], everyone: row.shared_with.everyone === true },
    period: row.period ?? null,
    widgets: [...row.widgets].sort((a, b) => a.y - b.y || a.x - b.x),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function createDashboardService(ctx: AppContext, deps: { reports: Pick<ReportService, 'visible' | 'run'> }) {
  const { database } = ctx;

  /** Who is asking, for "shared with me": the user, their role and the groups they belong to. */
  async function audienceOf(auth: AuthContext): Promise<Audience> {
    const groupIds = auth.isAdmin ? [] : await listUserGroupIds(database.db, auth.orgId, auth.userId, auth.roleId);
    return { userId: auth.userId, roleId: auth.roleId, groupIds, isAdmin: auth.isAdmin };
  }

  async function checkSharing(executor: Executor, auth: AuthContext, shared: SharedWith | undefined): Promise<DashboardRow['shared_with']> {
    const value = { roles: shared?.roles ?? [], groups: shared?.groups ?? [], everyone: shared?.everyone === true };
    for (const [kind, type] of [
      ['roles', 'role'],
      ['groups', 'group'],
    ] as const) {
      const found = await findOrgIds(executor, auth.orgId, type, value[kind]);
      const index = value[kind].findIndex((id) => !found.has(id));
      if (index >= 0) throw invalid(`sharedWith.${kind}[${index}]`, `no ${type} ${value[kind][index]} in the organization`);
    }
    return value;
  }

  /** Gives new widgets an id and checks that the caller sees every report they show. */
  async function checkWidgets(auth: AuthContext, widgets: WidgetInput[], before: Widget[] = []): Promise<Widget[]> {
    const seen = new Set<string>();
    const known = new Set(before.map((widget) => widget.id));
    const prepared: Widget[] = [];
    for (const [index, widget] of widgets.entries()) {
      if (widget.x + widget.w > 12) throw invalid(`widgets[${index}].w`, 'the widget does not fit in the 12 columns (x + w > 12)');
      // A report someone else used to share and no longer does may stay on the dashboard (it shows as not visible),
      // but nobody can add a report they cannot see.
      const kept =
        widget.id !== undefined && known.has(widget.id) && before.some((old) => old.id === widget.id && old.reportId === widget.reportId);
      if (!kept) {
        try {
          await deps.reports.visible(auth, widget.reportId);
        } catch (error) {
          if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden'))
            throw invalid(`widgets[${index}].reportId`, `the report ${widget.reportId} does not exist or you cannot see it`);
          throw error;
        }
      }
      const id = widget.id && !seen.has(widget.id) ? widget.id : newId();
      seen.add(id);
      prepared.push({
        id,
        reportId: widget.reportId,
        title: widget.title?.trim() || null,
        chart: widget.chart ?? null,
        x: widget.x,
        y: widget.y,
        w: widget.w,
        h: widget.h,
      });
    }
    return prepared;
  }

  async function list(auth: AuthContext): Promise<Dashboard[]> {
    assertAllowed(auth, 'read');
    return (await listDashboards(database.db, auth.orgSchema, await audienceOf(auth))).map(present);
  }

  async function get(auth: AuthContext, id: string): Promise<Dashboard> {
    assertAllowed(auth, 'read');
    const row = await findDashboard(database.db, auth.orgSchema, await audienceOf(auth), id);
    if (!row) throw notFound('The dashboard');
    return present(row);
  }

  async function create(auth: AuthContext, body: CreateDashboardBody): Promise<Dashboard> {
    assertAllowed(auth, 'manage');
    // Reports are checked before the transaction: the engine reads with its own connection.
    const widgets = await checkWidgets(auth, body.widgets ?? []);
    return database.transaction('reports.dashboard.create', async (trx) => {
      const now = ctx.now();
      const row: DashboardRow = {
        id: newId(),
        name: body.name.trim(),
        owner_id: auth.userId,
        shared_with: await checkSharing(trx, auth, body.sharedWith),
        period: body.period ?? null,
        widgets,
        created_at: now,
        updated_at: now,
      };
      if (!row.name) throw invalid('name', 'a dashboard needs a name');
      await insertDashboard(trx, auth.orgSchema, row);
      const after = present(row);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'dashboard.created',
        targetType: 'dashboard',
        targetId: row.id,
        after,
      });
      return after;
    });
  }

  /** The dashboard, for changing it: 404 when not visible, 403 when visible but not the caller's. */
  async function findOwned(
    executor: Executor,
    auth: AuthContext,
    audience: Audience,
    id: string,
    forUpdate: boolean,
  ): Promise<DashboardRow> {
    const row = await findDashboard(executor, auth.orgSchema, audience, id, forUpdate);
    if (!row) throw notFound('The dashboard');
    if (!auth.isAdmin && row.owner_id !== auth.userId) throw forbidden('Only the dashboard’s owner or an administrator can change it.');
    return row;
  }

  async function update(auth: AuthContext, id: string, body: UpdateDashboardBody): Promise<Dashboard> {
    assertAllowed(auth, 'manage');
    // Read outside the transaction: PGlite is one session, so nothing may wait on another connection inside it.
    const audience = await audienceOf(auth);
    const current = await findOwned(database.db, auth, audience, id, false);
    const widgets = body.widgets ? await checkWidgets(auth, body.widgets, current.widgets) : undefined;
    return database.transaction('reports.dashboard.update', async (trx) => {
      const row = await findOwned(trx, auth, audience, id, true);
      const changed = {
        name: body.name?.trim() ?? row.name,
        shared_with: body.sharedWith ? await checkSharing(trx, auth, body.sharedWith) : row.shared_with,
        period: body.period === undefined ? row.period : body.period,
        widgets: widgets ?? row.widgets,
        updated_at: ctx.now(),
      };
      if (!changed.name) throw invalid('name', 'a dashboard needs a name');
      await updateDashboard(trx, auth.orgSchema, id, changed);
      const after = present({ ...row, ...changed });
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'dashboard.updated',
        targetType: 'dashboard',
        targetId: id,
        before: present(row),
        after,
      });
      return after;
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    assertAllowed(auth, 'manage');
    const audience = await audienceOf(auth);
    await database.transaction('reports.dashboard.delete', async (trx) => {
      const row = await findOwned(trx, auth, audience, id, true);
      await deleteDashboard(trx, auth.orgSchema, id);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'dashboard.deleted',
        targetType: 'dashboard',
        targetId: id,
        before: present(row),
      });
    });
  }

  /**
   * Runs every widget as the caller, one after the other (PGlite is one session anyway), with the given period, else
   * the dashboard's, over each report's own range. A widget that fails answers its error; the others still run.
   */
  async function run(auth: AuthContext, id: string, period: PeriodRange | null | undefined): Promise<DashboardRun> {
    const dashboard = await get(auth, id);
    const effective = period === undefined ? (dashboard.period ?? undefined) : (period ?? undefined);
    const widgets: DashboardRun['widgets'] = [];
    for (const widget of dashboard.widgets) {
      try {
        widgets.push({ id: widget.id, result: await deps.reports.run(auth, widget.reportId, effective) });
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        const hidden = error.code === 'not_found' || error.code === 'forbidden';
        widgets.push({
          id: widget.id,
          error: hidden
            ? { code: 'forbidden', message: 'You cannot see this widget’s report.' }
            : { code: error.code, message: error.message },
        });
      }
    }
    return { widgets };
  }

  return { list, get, create, update, remove, run };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
