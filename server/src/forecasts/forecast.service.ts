import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import { amountInCurrency } from '../kam/index.js';
import { localDate, nextPeriod, parsePeriod, periodLabelOf, previousPeriod, type Period } from '../platform/orgs/periods.js';
import type { AuthContext } from '../platform/auth/auth-context.js';
import type { AppContext } from '../platform/context.js';
import { badRequest, forbidden, notFound } from '../platform/http/app-error.js';
import { listRoles } from '../platform/access/index.js';
import { recordAudit } from '../platform/audit/audit.service.js';
import {
  canModuleAction,
  compileFilter,
  filterScopeFor,
  fullFilterScope,
  loadRecordScopes,
  viewOf,
  type FilterNode,
  type FilterScope,
  type MetadataStore,
  type OrgMetadata,
  type OwnerScope,
  type RecordService,
} from '../records/index.js';
import {
  addAmounts,
  categoryFilter,
  FORECAST_CATEGORIES,
  FORECAST_FIELDS,
  fromCents,
  periodFilter,
  quotaFigures,
  stageCategories,
  subtractAmounts,
  toCents,
  zeroAmounts,
  type CategoryAmounts,
  type ForecastCategory,
  type OpenCategory,
  type StageCategory,
} from './forecast-categories.js';
import { buildHierarchy, type Hierarchy } from './forecast-hierarchy.js';
import {
  findSnapshot,
  listOrgUsers,
  listQuotas,
  listSnapshotDates,
  listStageCategories,
  loadOrgForecastSettings,
  replaceSnapshot,
  replaceStageCategories,
  sumByOwnerAndCategory,
  writeQuotas,
  type OrgForecastSettings,
  type SnapshotFigures,
} from './forecast.repository.js';

/**
 * Forecasts are not records: the profile key `forecasts` grants them, and only when named (a profile's `*` entry
 * does not): `read` shows the caller's forecast and their team's, `edit` also sets the quotas of the users below
 * them in the role hierarchy. Administrators may do everything, for anyone.
 */
export const FORECASTS_PERMISSION = 'forecasts';

export interface ForecastRow {
  userId: string;
  name: string;
  /** own: the user's own deals; report: a direct report with their team; total: the user and everyone below. */
  kind: 'own' | 'report' | 'total';
  /** The row's user has people below them (the web app can open their forecast). */
  hasTeam: boolean;
  amounts: CategoryAmounts;
  quota: string | null;
  attainment: number | null;
  gap: string | null;
  projections: { commit: string; bestCase: string };
  /** Current − snapshot per category; null without `compareTo`. */
  change: CategoryAmounts | null;
  /** The user may set this row's quota (own rows have none). */
  canSetQuota: boolean;
}

type Access = 'read' | 'edit';

function allowed(auth: AuthContext, action: Access): boolean {
  if (auth.isAdmin) return true;
  const entry = Object.hasOwn(auth.modulePermissions, FORECASTS_PERMISSION) ? auth.modulePermissions[FORECASTS_PERMISSION] : undefined;
  return entry?.edit === true || (action === 'read' && entry?.read === true);
}

function assertAllowed(auth: AuthContext, action: Access) {
  if (!allowed(auth, action))
    throw forbidden(
      action === 'read' ? 'Your profile does not allow you to see forecasts.' : 'Your profile does not allow you to set quotas.',
    );
}

/** A forecast reads deals and their forecast fields: a profile that hides them cannot see forecasts. */
function assertDealsReadable(auth: AuthContext, metadata: OrgMetadata) {
  const deals = metadata.modules.get('deals');
  if (!deals || deals.hidden || !canModuleAction(auth, 'deals', 'read')) throw forbidden('Your profile does not allow you to see deals.');
  const visible = new Set(viewOf(auth, metadata, deals).visible.map((field) => field.apiName));
  const hidden = FORECAST_FIELDS.filter((name) => !visible.has(name));
  if (hidden.length > 0) throw forbidden(`Your profile hides deal fields that forecasts count by: ${hidden.join(', ')}.`);
}

/** A fiscal month or quarter of the organization (years are too long to forecast by). */
function parseForecastPeriod(text: string, org: OrgForecastSettings, field = 'period'): Period {
  const period = parsePeriod(text, org);
  if (period.kind === 'year') throw badRequest('Forecasts are by fiscal month (2026-07) or fiscal quarter (2026-Q3).', field);
  return period;
}

interface SumInput {
  metadata: OrgMetadata;
  org: OrgForecastSettings;
  stages: StageCategory[];
  period: Period;
  owners: string[];
  read: OwnerScope;
  filterScope: FilterScope;
}

/** Each owner's own figures in a period, counting only the deals of `read` (the caller's record access). */
async function sumOwnAmounts(executor: Executor, input: SumInput): Promise<Map<string, CategoryAmounts>> {
  const byOwner = new Map<string, CategoryAmounts>();
  const deals = input.metadata.modules.get('deals');
  if (!deals || input.owners.length === 0) return byOwner;
  const compile = (node: FilterNode) => compileFilter(node, deals, input.filterScope, 'r');
  const cases = FORECAST_CATEGORIES.map((category) => sql`WHEN ${compile(categoryFilter(category, input.stages))} THEN ${category}`);
  const where: RawBuilder<boolean>[] = [
    sql<boolean>`r.deleted_at IS NULL`,
    sql<boolean>`r.owner_id = ANY(${input.owners}::uuid[])`,
    compile(periodFilter(input.period, input.stages)),
  ];
  if (!input.read.all) where.push(sql<boolean>`r.owner_id = ANY(${input.read.ownerIds}::uuid[])`);
  const rows = await sumByOwnerAndCategory(executor, {
    schema: input.metadata.schema,
    table: deals.table,
    category: sql`CASE ${sql.join(cases, sql` `)} END`,
    amount: amountInCurrency(input.org.exchangeRates, sql`r.amount`, sql`r.currency`),
    where,
  });
  for (const row of rows) {
    const amounts = byOwner.get(row.owner_id) ?? zeroAmounts();
    amounts[row.category] = row.amount;
    byOwner.set(row.owner_id, amounts);
  }
  return byOwner;
}

/** The forecast's figures of a user, on their own or with everyone below them. */
function figuresOf(hierarchy: Hierarchy, own: Map<string, CategoryAmounts>, userId: string, withTeam: boolean): CategoryAmounts {
  const ids = withTeam ? hierarchy.team(userId) : [userId];
  return addAmounts(ids.map((id) => own.get(id) ?? zeroAmounts()));
}

export interface ForecastQuery {
  period?: string;
  userId?: string;
  compareTo?: string;
}

export interface DealsQuery {
  period: string;
  userId?: string;
  category: ForecastCategory;
  /** team (default): the user and everyone below; own: the user's deals alone. */
  scope?: 'team' | 'own';
  limit?: number;
  cursor?: string;
}

/** Sales forecasts: figures by category per user and period, rolled up the role hierarchy, quotas, snapshots. */
export function createForecastService(
  ctx: Pick<AppContext, 'database' | 'now'>,
  deps: { metadata: MetadataStore; records: RecordService },
) {
  const executor = ctx.database.db;

  async function stagesOf(metadata: OrgMetadata): Promise<StageCategory[]> {
    return stageCategories(metadata, await listStageCategories(executor, metadata.schema));
  }

  async function hierarchyOf(orgId: string): Promise<Hierarchy> {
    const [users, roles] = await Promise.all([listOrgUsers(executor, orgId), listRoles(executor, orgId)]);
    return buildHierarchy(
      users.map((user) => ({ id: user.id, name: user.name, roleId: user.role_id, active: user.active })),
      roles,
    );
  }

  /** The caller, their metadata and calendar, and the user whose forecast they asked for (theirs or someone below them). */
  async function prepare(auth: AuthContext, input: { period?: string; userId?: string }) {
    assertAllowed(auth, 'read');
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    assertDealsReadable(auth, metadata);
    const org = await loadOrgForecastSettings(executor, auth.orgId);
    const today = localDate(ctx.now(), org.timeZone);
    const period = parseForecastPeriod(input.period ?? periodLabelOf(today, 'quarter', org), org);
    const hierarchy = await hierarchyOf(auth.orgId);
    const userId = input.userId ?? auth.userId;
    const user = hierarchy.user(userId);
    if (!user) throw notFound('The user');
    if (!auth.isAdmin && userId !== auth.userId && !hierarchy.isAbove(auth.userId, userId))
      throw forbidden('You can see your own forecast and those of the people below you in the role hierarchy.');
    return { metadata, org, period, hierarchy, user, stages: await stagesOf(metadata) };
  }

  const canSetQuota = (auth: AuthContext, hierarchy: Hierarchy, userId: string) =>
    auth.isAdmin || (allowed(auth, 'edit') && hierarchy.isAbove(auth.userId, userId));

  async function getForecast(auth: AuthContext, input: ForecastQuery) {
    const { metadata, org, period, hierarchy, user, stages } = await prepare(auth, input);
    const team = hierarchy.team(user.id);
    const scopes = await loadRecordScopes(executor, auth);
    const own = await sumOwnAmounts(executor, {
      metadata,
      org,
      stages,
      period,
      owners: team,
      read: scopes('deals').read,
      filterScope: filterScopeFor(auth, metadata, scopes),
    });
    let snapshot: { takenOn: string; takenAt: string | null; own: Map<string, CategoryAmounts> } | null = null;
    if (input.compareTo !== undefined) {
      if (!isDate(input.compareTo)) throw badRequest('Use the date of a snapshot, YYYY-MM-DD.', 'compareTo');
      const found = await findSnapshot(executor, metadata.schema, input.compareTo, period.label, team);
      if (!found) throw notFound(`A snapshot of that date holding ${period.label}`);
      const snapOwn = new Map(found.rows.map((row) => [row.user_id, { ...zeroAmounts(), ...pickAmounts(row) }]));
      snapshot = { takenOn: input.compareTo, takenAt: found.takenAt?.toISOString() ?? null, own: snapOwn };
    }
    const reports = hierarchy.directReports(user.id);
    const quotas = new Map(
      (await listQuotas(executor, metadata.schema, [user.id, ...reports.map((r) => r.id)], [period.label])).map((q) => [
        q.user_id,
        q.amount,
      ]),
    );
    const row = (userId: string, name: string, kind: ForecastRow['kind']): ForecastRow => {
      const withTeam = kind !== 'own';
      const amounts = figuresOf(hierarchy, own, userId, withTeam);
      const quota = kind === 'own' ? null : (quotas.get(userId) ?? null);
      return {
        userId,
        name,
        kind,
        hasTeam: hierarchy.below(userId).length > 0,
        amounts,
        quota,
        ...quotaFigures(amounts, quota),
        change: snapshot ? subtractAmounts(amounts, figuresOf(hierarchy, snapshot.own, userId, withTeam)) : null,
        canSetQuota: kind !== 'own' && canSetQuota(auth, hierarchy, userId),
      };
    };
    return {
      period: {
        label: period.label,
        kind: period.kind as 'month' | 'quarter',
        start: period.start,
        end: period.end,
        previous: previousPeriod(period, org).label,
        next: nextPeriod(period, org).label,
      },
      currency: org.currency,
      user: { id: user.id, name: user.name },
      snapshot: snapshot && { takenOn: snapshot.takenOn, takenAt: snapshot.takenAt },
      rows: [
        row(user.id, user.name, 'own'),
        ...reports.map((report) => row(report.id, report.name, 'report')),
        row(user.id, user.name, 'total'),
      ],
    };
  }

  /** The deals behind a number, as the records API lists them (the caller's access, fields and paging). */
  async function listDeals(auth: AuthContext, input: DealsQuery) {
    const { period, user, hierarchy, stages } = await prepare(auth, input);
    const owners = input.scope === 'own' ? [user.id] : hierarchy.team(user.id);
    const filter: FilterNode = {
      and: [{ field: 'owner_id', op: 'in', value: owners }, periodFilter(period, stages), categoryFilter(input.category, stages)],
    };
    return deps.records.query(auth, 'deals', {
      filter,
      sort: [{ field: 'amount', direction: 'desc' }],
      limit: input.limit ?? 50,
      cursor: input.cursor,
      count: true,
    });
  }

  /** Sets or removes quotas, all or none: every user must be below the caller in the role hierarchy (administrators: anyone). */
  async function setQuotas(auth: AuthContext, quotas: Array<{ userId: string; period: string; amount: string | number | null }>) {
    assertAllowed(auth, 'edit');
    const org = await loadOrgForecastSettings(executor, auth.orgId);
    const hierarchy = await hierarchyOf(auth.orgId);
    const seen = new Set<string>();
    const parsed = quotas.map((quota, index) => {
      const path = `quotas[${index}]`;
      const period = parseForecastPeriod(quota.period, org, `${path}.period`).label;
      const amount = quota.amount === null ? null : parseAmount(quota.amount, `${path}.amount`);
      if (!hierarchy.user(quota.userId)) throw notFound('The user');
      if (!canSetQuota(auth, hierarchy, quota.userId))
        throw forbidden('You can set the quotas of the people below you in the role hierarchy only.');
      const key = `${quota.userId}:${period}`;
      if (seen.has(key)) throw badRequest('Each user and period appears once.', path);
      seen.add(key);
      return { userId: quota.userId, period, amount };
    });
    await ctx.database.transaction('forecasts.set-quotas', async (trx) => {
      const before = new Map(
        (
          await listQuotas(
            trx,
            auth.orgSchema,
            parsed.map((q) => q.userId),
            parsed.map((q) => q.period),
          )
        ).map((q) => [`${q.user_id}:${q.period}`, fromCents(toCents(q.amount))]),
      );
      await writeQuotas(trx, auth.orgSchema, parsed, auth.userId);
      // One audit entry per quota that changed: forecast_quota.set or forecast_quota.removed, on the user.
      for (const quota of parsed) {
        const previous = before.get(`${quota.userId}:${quota.period}`) ?? null;
        if (previous === quota.amount) continue;
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: quota.amount === null ? 'forecast_quota.removed' : 'forecast_quota.set',
          targetType: 'user',
          targetId: quota.userId,
          before: { period: quota.period, amount: previous },
          after: { period: quota.period, amount: quota.amount },
        });
      }
    });
    return parsed;
  }

  async function getSettings(auth: AuthContext) {
    assertAllowed(auth, 'read');
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    return { stages: await stagesOf(metadata) };
  }

  /** Administrators: the category of each open stage (stages left out take their default). */
  async function setSettings(auth: AuthContext, input: { stages: Record<string, OpenCategory> }) {
    if (!auth.isAdmin) throw forbidden('Only administrators map deal stages to forecast categories.');
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const current = stageCategories(metadata, new Map());
    const chosen = new Map<string, OpenCategory>();
    for (const [stage, category] of Object.entries(input.stages)) {
      const known = current.find((s) => s.stage === stage);
      if (!known) throw badRequest(`"${stage}" is not a deal stage.`, `stages.${stage}`);
      if (known.fixed)
        throw badRequest(`"${stage}" is a closed stage: its category is always ${known.defaultCategory}.`, `stages.${stage}`);
      if (category !== known.defaultCategory) chosen.set(stage, category);
    }
    await ctx.database.transaction('forecasts.stage-categories', async (trx) => {
      const before = Object.fromEntries(await listStageCategories(trx, metadata.schema));
      await replaceStageCategories(trx, metadata.schema, chosen, auth.userId);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'forecast_categories.updated',
        targetType: 'forecast_categories',
        before,
        after: Object.fromEntries(chosen),
      });
    });
    return { stages: await stagesOf(metadata) };
  }

  /**
   * Stores every user's own figures (all their deals, whoever looks later) for the current and next fiscal month
   * and quarter, under the organization's local date.
   */
  async function takeSnapshot(org: { id: string; schema: string }) {
    const metadata = await deps.metadata.get(org.id, org.schema);
    const settings = await loadOrgForecastSettings(executor, org.id);
    const now = ctx.now();
    const today = localDate(now, settings.timeZone);
    const stages = await stagesOf(metadata);
    const users = (await listOrgUsers(executor, org.id)).map((user) => user.id);
    const periods = (['month', 'quarter'] as const).flatMap((kind) => {
      const current = parsePeriod(periodLabelOf(today, kind, settings), settings);
      return [current, nextPeriod(current, settings)];
    });
    const rows: SnapshotFigures[] = [];
    for (const period of periods) {
      const own = await sumOwnAmounts(executor, {
        metadata,
        org: settings,
        stages,
        period,
        owners: users,
        read: { all: true },
        filterScope: fullFilterScope(metadata),
      });
      const quotas = new Map((await listQuotas(executor, metadata.schema, users, [period.label])).map((q) => [q.user_id, q.amount]));
      for (const userId of users)
        rows.push({ userId, period: period.label, amounts: own.get(userId) ?? zeroAmounts(), quota: quotas.get(userId) ?? null });
    }
    await ctx.database.transaction('forecasts.snapshot', (trx) => replaceSnapshot(trx, metadata.schema, today, now, rows));
    return { takenOn: today, takenAt: now.toISOString(), periods: periods.map((p) => p.label), users: users.length };
  }

  async function snapshotNow(auth: AuthContext) {
    if (!auth.isAdmin) throw forbidden('Only administrators take forecast snapshots.');
    return takeSnapshot({ id: auth.orgId, schema: auth.orgSchema });
  }

  async function listSnapshots(auth: AuthContext) {
    assertAllowed(auth, 'read');
    const rows = await listSnapshotDates(executor, auth.orgSchema, 104);
    return rows.map((row) => ({ takenOn: row.taken_on, takenAt: row.taken_at.toISOString(), periods: row.periods }));
  }

  return { getForecast, listDeals, setQuotas, getSettings, setSettings, takeSnapshot, snapshotNow, listSnapshots };
}

export type ForecastService = ReturnType<typeof createForecastService>;

const pickAmounts = (row: Record<ForecastCategory, string>): CategoryAmounts =>
  Object.fromEntries(FORECAST_CATEGORIES.map((category) => [category, fromCents(toCents(row[category]))])) as CategoryAmounts;

const isDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) &&
  !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
  new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/** A quota: a non-negative amount with at most 2 decimals. */
function parseAmount(value: string | number, field: string): string {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!AMOUNT.test(text)) throw badRequest('A quota is an amount of 0 or more with at most 2 decimals, or null to remove it.', field);
  return fromCents(toCents(text));
}
