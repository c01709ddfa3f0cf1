import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import type { AppContext } from '../../platform/context.js';
import { createNotifier } from '../../platform/notifications/index.js';
import type { MetadataStore } from '../../records/index.js';
import type { KpiItem, KpiService } from '../kpis/kpi.service.js';
import { formatKpiValue, KPI_LABELS } from '../kpis/kpi-labels.js';
import { addDays, addMonths, localDate } from '../../platform/orgs/periods.js';
import { readSettings } from '../settings/kam-settings.repository.js';
import {
  explainFactor,
  HEALTH_FACTOR_IDS,
  languageOf,
  withheldFactor,
  type HealthBand,
  type HealthFactorId,
  type HealthLanguage,
  type HealthScore,
} from './health.factors.js';
import { claimAlert, moduleTable, orgTable, setAlertNotification, type HealthOrg } from './health.repository.js';
import { computeHealthScores, listKeyAccounts, loadHealthOrg, restrictedFactors } from './health.service.js';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Daily: health snapshots of every key account of every organization, then the KAM alerts. */
    'kam.health-daily': Record<string, never>;
  }
}

export const HEALTH_DAILY_JOB = 'kam.health-daily';
/** An organization's snapshot is taken from this local hour on, so alerts arrive at the start of its working day. */
export const SNAPSHOT_LOCAL_HOUR = 6;
const localHour = (at: Date, timeZone: string) =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));
/** Key accounts scored and written per statement. */
export const SNAPSHOT_BATCH = 200;
/** KPIs where a lower value is better: they miss their target by going above it. */
const LOWER_IS_BETTER = new Set(['churn_rate', 'revenue_churn', 'days_since_last_touch', 'resolution_time_hours']);
const BAND_RANK: Record<HealthBand, number> = { healthy: 0, at_risk: 1, critical: 2 };
const BAND_NAME: Record<HealthLanguage, Record<HealthBand, string>> = {
  en: { healthy: 'healthy', at_risk: 'at risk', critical: 'critical' },
  es: { healthy: 'saludable', at_risk: 'en riesgo', critical: 'crítica' },
};

export interface SnapshotRun {
  snapshots: number;
  bandDrops: number;
  touchGaps: number;
}

/** The owners' languages (their own, else the organization's). */
async function languagesOf(executor: Executor, userIds: string[]): Promise<Map<string, HealthLanguage>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; language: string }>`
    SELECT u.id, coalesce(u.language, o.default_language) AS language FROM platform.users u
    JOIN platform.organizations o ON o.id = u.org_id WHERE u.id = ANY(${userIds}::uuid[]) AND u.active`.execute(executor);
  return new Map(rows.rows.map((row) => [row.id, languageOf(row.language)]));
}

/** The factors each owner's profile may not see all the inputs of (a user no longer in the organization: every one). */
async function restrictionsOf(
  executor: Executor,
  org: HealthOrg,
  userIds: string[],
  known: Map<string, ReadonlySet<HealthFactorId>>,
): Promise<Map<string, ReadonlySet<HealthFactorId>>> {
  for (const userId of userIds) {
    if (known.has(userId)) continue;
    const auth = await toAuthContext(executor, userId, 'token');
    known.set(userId, auth && auth.orgId === org.orgId ? restrictedFactors(auth, org.metadata) : new Set(HEALTH_FACTOR_IDS));
  }
  return known;
}

function missed(kpi: KpiItem): boolean {
  if (kpi.value === null || kpi.target === null) return false;
  const value = Number(kpi.value);
  const target = Number(kpi.target);
  return LOWER_IS_BETTER.has(kpi.id) ? value > target : value < target;
}

/**
 * The daily health work: a snapshot of every key account of each
 * organization (once per local day, in batches), and the alerts to account
 * owners — a band dropped since the previous snapshot, a touchpoint gap past
 * the tier's cadence (once per gap), a KPI of their scope that missed its
 * target in the closed month (once per KPI and month). Every alert is claimed
 * in `kam_alerts` in the transaction of its notification: reruns notify nobody twice.
 */
export function createHealthDaily(
  ctx: Pick<AppContext, 'database' | 'now' | 'events'>,
  deps: { metadata: MetadataStore; kpis: KpiService },
) {
  const { database } = ctx;
  const executor = database.db;
  const notifier = createNotifier(ctx);

  async function snapshotBatch(
    org: HealthOrg,
    accounts: Array<{ id: string; owner_id: string | null; name: string | null }>,
    scores: Map<string, HealthScore>,
    today: string,
    restrictionCache: Map<string, ReadonlySet<HealthFactorId>>,
  ): Promise<SnapshotRun> {
    const run: SnapshotRun = { snapshots: 0, bandDrops: 0, touchGaps: 0 };
    const scored = accounts.filter((account) => scores.get(account.id)?.score != null);
    const owners = [...new Set(accounts.map((a) => a.owner_id).filter((id): id is string => !!id))];
    const languages = await languagesOf(executor, owners);
    // Read before the transaction: on the embedded database a query outside it would wait for it forever.
    const restricted = await restrictionsOf(executor, org, owners, restrictionCache);
    await database.transaction('kam.health-snapshot', async (trx) => {
      const snapshots = orgTable(org.schema, 'kam_health_snapshots');
      const inserted =
        scored.length === 0
          ? []
          : (
              await sql<{ account_id: string }>`INSERT INTO ${snapshots} (account_id, day, score, band, factors) VALUES ${sql.join(
                scored.map((account) => {
                  const score = scores.get(account.id)!;
                  const factors = score.factors.map(({ id, value, weight, points, facts }) => ({ id, value, weight, points, facts }));
                  return sql`(${account.id}::uuid, ${today}::date, ${score.score}, ${score.band}, ${JSON.stringify(factors)}::jsonb)`;
                }),
              )} ON CONFLICT (account_id, day) DO NOTHING RETURNING account_id`.execute(trx)
            ).rows.map((row) => row.account_id);
      run.snapshots = inserted.length;
      const previous =
        inserted.length === 0
          ? new Map<string, { band: HealthBand; score: number }>()
          : new Map(
              (
                await sql<{ account_id: string; band: HealthBand; score: number }>`
                  SELECT DISTINCT ON (account_id) account_id, band, score FROM ${snapshots}
                  WHERE account_id = ANY(${inserted}::uuid[]) AND day < ${today}::date ORDER BY account_id, day DESC`.execute(trx)
              ).rows.map((row) => [row.account_id, row]),
            );
      for (const account of accounts) {
        const score = scores.get(account.id);
        if (!score || !account.owner_id || !languages.has(account.owner_id)) continue;
        const language = languages.get(account.owner_id)!;
        // A factor whose inputs the owner may not see is named without its figures (nor its points).
        const hidden = restricted.get(account.owner_id) ?? new Set(HEALTH_FACTOR_IDS);
        const name = account.name ?? '—';
        const link = `/records/accounts/${account.id}`;
        const before = previous.get(account.id);
        if (before && score.band && BAND_RANK[score.band] > BAND_RANK[before.band]) {
          const key = `${account.id}:${today}`;
          if (await claimAlert(trx, org.schema, 'band_drop', key, account.owner_id)) {
            const reasons = score.factors
              .filter((factor) => factor.value !== null && factor.points < 0)
              .sort((a, b) => a.points - b.points)
              .slice(0, 3)
              .map((factor) =>
                hidden.has(factor.id) ? withheldFactor(language, factor.id) : explainFactor(language, factor, org.currency),
              );
            const band = BAND_NAME[language];
            const notificationId = await notifier.notify(trx, {
              orgId: org.orgId,
              userId: account.owner_id,
              kind: 'kam.health_band_drop',
              title:
                language === 'es'
                  ? `La salud de ${name} ha bajado a ${band[score.band]} (${before.score} → ${score.score})`
                  : `Health of ${name} dropped to ${band[score.band]} (${before.score} → ${score.score})`,
              body: reasons.join('\n'),
              link,
            });
            await setAlertNotification(trx, org.schema, 'band_drop', key, notificationId);
            run.bandDrops++;
          }
        }
        const touch = score.factors.find((factor) => factor.id === 'touch_cadence')!;
        const days = touch.facts.days as number | null;
        const cadence = Number(touch.facts.cadence);
        if (days === null || days > cadence) {
          const key = `${account.id}:${days === null ? 'never' : addDays(today, -days)}`;
          if (await claimAlert(trx, org.schema, 'touch_gap', key, account.owner_id)) {
            const title = hidden.has('touch_cadence')
              ? language === 'es'
                ? `${name} ha pasado su cadencia de contacto sin interacciones`
                : `${name} has gone past its contact cadence without a touchpoint`
              : days === null
                ? language === 'es'
                  ? `Ninguna interacción registrada con ${name} (cadencia ${cadence} días)`
                  : `No touchpoint ever with ${name} (cadence ${cadence} days)`
                : language === 'es'
                  ? `Sin interacciones con ${name} desde hace ${days} días (cadencia ${cadence})`
                  : `No touchpoint with ${name} for ${days} days (cadence ${cadence})`;
            const notificationId = await notifier.notify(trx, {
              orgId: org.orgId,
              userId: account.owner_id,
              kind: 'kam.touch_gap',
              title,
              link,
            });
            await setAlertNotification(trx, org.schema, 'touch_gap', key, notificationId);
            run.touchGaps++;
          }
        }
      }
    });
    return run;
  }

  /** Today's snapshot of every key account of one organization (idempotent per day) and the account alerts. */
  async function snapshotOrganization(orgId: string, now: Date = ctx.now()): Promise<SnapshotRun> {
    const total: SnapshotRun = { snapshots: 0, bandDrops: 0, touchGaps: 0 };
    const org = await loadHealthOrg(executor, deps.metadata, orgId);
    if (!org) return total;
    const today = localDate(now, org.timeZone);
    const restrictions = new Map<string, ReadonlySet<HealthFactorId>>();
    let after: string | null = null;
    for (;;) {
      const accounts = await listKeyAccounts(executor, org, after, SNAPSHOT_BATCH);
      if (accounts.length === 0) break;
      after = accounts.at(-1)!.id;
      const scores = await computeHealthScores(
        executor,
        org,
        accounts.map((account) => account.id),
        now,
      );
      const run = await snapshotBatch(org, accounts, scores, today, restrictions);
      total.snapshots += run.snapshots;
      total.bandDrops += run.bandDrops;
      total.touchGaps += run.touchGaps;
      if (accounts.length < SNAPSHOT_BATCH) break;
    }
    return total;
  }

  /**
   * The closed month's KPIs of each account manager (owner of a key account) against the targets: a notification
   * per KPI that missed it, once per KPI, manager and month. The month is checked once (marker `kpi_month`).
   */
  async function checkKpiTargets(orgId: string, now: Date = ctx.now()): Promise<number> {
    const org = await loadHealthOrg(executor, deps.metadata, orgId);
    if (!org) return 0;
    const month = addMonths(`${localDate(now, org.timeZone).slice(0, 7)}-01`, -1).slice(0, 7);
    const alerts = orgTable(org.schema, 'kam_alerts');
    const done = await sql`SELECT 1 FROM ${alerts} WHERE kind = 'kpi_month' AND key = ${month}`.execute(executor);
    if (done.rows.length > 0) return 0;
    const targets = (await readSettings(executor, org.schema))?.targets ?? {};
    const ids = Object.keys(targets).filter((id) => targets[id] !== null && targets[id] !== '');
    const misses: Array<{ userId: string; kpi: KpiItem }> = [];
    if (ids.length > 0) {
      const managers = await sql<{ owner_id: string }>`
        SELECT DISTINCT a.owner_id FROM ${moduleTable(org, 'accounts')} a
        WHERE a.is_key_account IS TRUE AND a.deleted_at IS NULL AND a.owner_id IS NOT NULL ORDER BY a.owner_id`.execute(executor);
      for (const { owner_id: userId } of managers.rows) {
        const auth = await toAuthContext(executor, userId, 'token');
        if (!auth || auth.orgId !== orgId) continue;
        const result = await deps.kpis.listKpis(auth, { scope: `manager:${userId}`, period: month, ids: ids.join(',') });
        for (const kpi of result.kpis) if (missed(kpi)) misses.push({ userId, kpi });
      }
    }
    const languages = await languagesOf(executor, [...new Set(misses.map((miss) => miss.userId))]);
    let sent = 0;
    await database.transaction('kam.kpi-alerts', async (trx) => {
      if (!(await claimAlert(trx, org.schema, 'kpi_month', month, null))) return;
      for (const { userId, kpi } of misses) {
        const key = `${kpi.id}:${userId}:${month}`;
        if (!(await claimAlert(trx, org.schema, 'kpi_target', key, userId))) continue;
        const language = languages.get(userId) ?? 'en';
        const value = formatKpiValue(language, kpi.id, kpi.unit, kpi.value!, org.currency);
        const target = formatKpiValue(language, kpi.id, kpi.unit, kpi.target!, org.currency);
        const name = KPI_LABELS[kpi.id][language];
        const notificationId = await notifier.notify(trx, {
          orgId,
          userId,
          kind: 'kam.kpi_target_missed',
          title:
            language === 'es'
              ? `${name} no alcanzó su objetivo en ${month}: ${value} frente a ${target}`
              : `${name} missed its target in ${month}: ${value} vs ${target}`,
          link: `/kam?scope=manager:${userId}&period=${month}`,
        });
        await setAlertNotification(trx, org.schema, 'kpi_target', key, notificationId);
        sent++;
      }
    });
    return sent;
  }

  /** The scheduled run: every organization, one after the other. */
  async function runDaily(now: Date = ctx.now()): Promise<{ organizations: number } & SnapshotRun & { kpiAlerts: number }> {
    const orgs = await executor.selectFrom('platform.organizations').select(['id', 'time_zone']).orderBy('id').execute();
    // Each organization once its own day has reached the hour (the run is hourly; a day already done writes nothing).
    const due = orgs.filter((org) => localHour(now, org.time_zone) >= SNAPSHOT_LOCAL_HOUR);
    const total = { organizations: due.length, snapshots: 0, bandDrops: 0, touchGaps: 0, kpiAlerts: 0 };
    for (const { id } of due) {
      const run = await snapshotOrganization(id, now);
      total.snapshots += run.snapshots;
      total.bandDrops += run.bandDrops;
      total.touchGaps += run.touchGaps;
      total.kpiAlerts += await checkKpiTargets(id, now);
    }
    return total;
  }

  return { snapshotOrganization, checkKpiTargets, runDaily };
}

export type HealthDaily = ReturnType<typeof createHealthDaily>;
