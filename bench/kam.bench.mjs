#!/usr/bin/env node
/**
 * KAM cockpit benchmark (issue 4): p50/p95 of GET /api/v1/kam/kpis for one
 * manager's portfolio and for the whole organization over the last full
 * quarter (every KPI, with the previous period and the 8-period series), on
 * the data set of bench/kam-generate.mjs, beside a baseline from the same
 * run: the same KPI family statements over the raw tables (never the
 * rollups) executed directly on a connection pool (no HTTP, auth, access
 * checks or metadata), as ratios. Then the freshness: a deal of the manager
 * is set to won through the API and the cockpit (the manager's, then the
 * organization's) is polled until the number changes. The organization's
 * rollups are built first when missing (the time is printed).
 *
 * Usage:
 *   npm run build -w server
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_kam_bench node bench/kam-generate.mjs   # once
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_kam_bench node bench/kam.bench.mjs
 *
 * Settings: BENCH_REQUESTS (manager requests per round, default 30; the org gets a third),
 * BENCH_ROUNDS (default 3; 0 skips the timed rounds), BENCH_PERIOD (default the last full quarter), BENCH_EXPLAIN=1
 * (also print EXPLAIN ANALYZE of every family statement for both scopes), BENCH_JSON=1.
 * Targets: manager p95 ≤ 300 ms, organization p95 ≤ 1 s, freshness ≤ 5 s.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import { root, cleanups, sleep, request, insertBenchToken, loadPg, runBench, startServerOnDatabase } from './lib.mjs';

const pg = loadPg();
const REQUESTS = Number(process.env.BENCH_REQUESTS || 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const ORGANIZATION = 'KAM Bench SL';
const TARGETS = { manager: 300, org: 1000, freshness: 5 };
const dist = (file) => import(pathToFileURL(path.join(root, 'server/dist/kam/kpis', file)).href);

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
/** lib's request on this agent, with a 60 s timeout; resolves with status, ms, json and text. */
const call = (port, method, url, headers, body) => request(port, method, url, { headers, body, agent, timeoutMs: 60_000 });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
}

/** The baseline: every KPI family's statements run directly (what GET /kam/kpis runs, without HTTP, auth and access). */
async function baselineRunner(db, org, userIds) {
  const names = ['retention', 'sales', 'service', 'interaction', 'satisfaction', 'outcomes', 'acquisition'];
  const families = await Promise.all(
    names.map(async (name) => {
      const module = await dist(`definitions/${name}.js`);
      return module[`${name}Family`];
    }),
  );
  const periods = await import(pathToFileURL(path.join(root, 'server/dist/platform/orgs/periods.js')).href);
  const settings = (
    await db.query(
      'SELECT time_zone, fiscal_year_start_month, currency, exchange_rates, business_hours, holidays FROM platform.organizations WHERE id = $1',
      [org.id],
    )
  ).rows[0];
  const orgSettings = {
    timeZone: settings.time_zone,
    fiscalYearStartMonth: settings.fiscal_year_start_month,
    currency: settings.currency,
    exchangeRates: settings.exchange_rates ?? {},
    businessDays: settings.business_hours?.days ?? [],
    holidays: (settings.holidays ?? []).map((h) => h.date),
  };
  const tables = (await db.query('SELECT api_name, table_name FROM platform.modules WHERE org_id = $1', [org.id])).rows;
  const metadata = { schema: org.schema_name, modules: new Map(tables.map((t) => [t.api_name, { table: t.table_name }])) };
  // The server's pool settings: 10 connections, JIT off, work_mem 32 MB.
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  pool.on('connect', (client) => {
    client.query(`SET jit = off; SET work_mem = '32MB'`).catch(() => {});
  });
  const statements = [];
  const kysely = new Kysely({
    dialect: new PostgresDialect({ pool }),
    log: (event) => statements.push({ sql: event.query.sql, parameters: event.query.parameters, ms: event.queryDurationMillis }),
  });
  const wanted = new Set(families.flatMap((f) => f.ids));
  const run = async (kind, periodLabel, only, rollups = false) => {
    const scope = {
      kind,
      id: kind === 'manager' ? userIds[0] : null,
      tier: null,
      userIds: kind === 'manager' ? userIds : null,
      metadata,
      canRead: () => true,
      readScope: () => ({ all: true, ownerIds: [] }),
    };
    const period = periods.parsePeriod(periodLabel, orgSettings);
    const ctx = {
      executor: kysely,
      scope,
      periods: periods.lastPeriods(period, orgSettings, 8),
      org: orgSettings,
      today: periods.localDate(new Date(), orgSettings.timeZone),
      stages: { won: ['closed_won'], lost: ['closed_lost'] },
      // Plain SQL over the raw tables, unless asked (the per-family figures of the organization's rollups).
      rollups,
    };
    const chosen = only ? families.filter((_, i) => names[i] === only) : families;
    return Object.assign({}, ...(await Promise.all(chosen.map((family) => family.compute(ctx, wanted)))));
  };
  return { run, names, statements, close: () => kysely.destroy() };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to the database bench/kam-generate.mjs filled.');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const org = (await db.query('SELECT id, schema_name, time_zone FROM platform.organizations WHERE name = $1', [ORGANIZATION])).rows[0];
  if (!org) throw new Error('No bench organization: run bench/kam-generate.mjs first.');
  const s = org.schema_name;
  const admin = (
    await db.query(
      `SELECT u.id FROM platform.users u JOIN platform.profiles p ON p.id = u.profile_id WHERE u.org_id = $1 AND p.builtin = 'administrator' ORDER BY u.created_at LIMIT 1`,
      [org.id],
    )
  ).rows[0];
  const counts = {};
  for (const table of ['accounts', 'deals', 'touchpoints', 'contracts', 'cases', 'leads', 'contacts', 'kam_survey_responses'])
    counts[table] = Number((await db.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = '${s}.${table}'::regclass`)).rows[0].n);
  // A manager (no one below them) with the median portfolio.
  const portfolios = (
    await db.query(
      `SELECT u.id, u.name, count(a.id)::int AS accounts, count(a.id) FILTER (WHERE a.is_key_account)::int AS key_accounts
       FROM platform.users u JOIN ${s}.accounts a ON a.owner_id = u.id AND a.deleted_at IS NULL
       WHERE u.org_id = $1 AND NOT EXISTS (SELECT 1 FROM platform.roles r WHERE r.parent_id = u.role_id)
       GROUP BY u.id, u.name ORDER BY count(a.id), u.id`,
      [org.id],
    )
  ).rows;
  if (portfolios.length === 0) throw new Error('No manager owns accounts: run bench/kam-generate.mjs.');
  const manager = portfolios[Math.floor(portfolios.length / 2)];
  const managerDeals = Number(
    (await db.query(`SELECT count(*)::int AS n FROM ${s}.deals WHERE owner_id = $1 AND deleted_at IS NULL`, [manager.id])).rows[0].n,
  );
  const period = process.env.BENCH_PERIOD || lastFullQuarter(org.time_zone);
  const current = currentQuarter(org.time_zone);

  const token = await insertBenchToken(db, admin.id, 'kam bench');
  const baseline = await baselineRunner(db, org, [manager.id]);
  cleanups.push(() => baseline.close());
  cleanups.push(async () => agent.destroy());
  const { port, stop } = await startServerOnDatabase(databaseUrl, {
    label: 'The server',
    dataDirPrefix: 'clave-kam-bench',
    readyTimeoutMs: 180_000,
  });
  let restore;
  try {
    const headers = { authorization: `Bearer ${token}` };
    const url = (scope, p = period) => `/api/v1/kam/kpis?scope=${encodeURIComponent(scope)}&period=${p}`;
    const managerUrl = url(`manager:${manager.id}`);
    const orgUrl = url('org');
    // The organization's rollups: the first organization-wide request asks for them (a job on an organization this
    // large); wait until they are built.
    const rollupState = () => db.query(`SELECT built_at FROM ${s}.kam_rollup_state`).then((r) => r.rows[0]);
    if (!(await rollupState())) {
      const started = performance.now();
      await call(port, 'GET', orgUrl, headers);
      while (!(await rollupState())) {
        if (performance.now() - started > 30 * 60_000) throw new Error('The rollups were not built within 30 minutes.');
        await sleep(500);
      }
      console.log(`rollups built in ${((performance.now() - started) / 1000).toFixed(1)} s (a background job, once per organization)\n`);
    }
    // Sanity: both answer with every KPI, and the baseline computes the same numbers.
    for (const [label, u, kind] of [
      ['manager', managerUrl, 'manager'],
      ['org', orgUrl, 'org'],
    ]) {
      const res = await call(port, 'GET', u, headers);
      if (res.status !== 200) throw new Error(`GET ${u} answered ${res.status}: ${res.text.slice(0, 500)}`);
      const direct = await baseline.run(kind, period);
      for (const kpi of res.json.kpis) {
        if (!direct[kpi.id]) continue;
        const same = JSON.stringify(kpi.series.map((x) => x.value)) === JSON.stringify(direct[kpi.id].series);
        if (!same) throw new Error(`${label} ${kpi.id}: the API and the baseline differ`);
      }
      if (label === 'manager')
        console.log(
          `sample (${label}, ${period}): ${res.json.kpis
            .filter((k) => k.value !== null)
            .map((k) => `${k.id} ${k.value}`)
            .join(', ')}\n`,
        );
    }

    console.log(
      `Clave KAM cockpit benchmark — PostgreSQL, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `Records: ${Object.entries(counts)
        .map(([m, n]) => `${m} ${n.toLocaleString('en')}`)
        .join(', ')}`,
    );
    console.log(
      `Manager ${manager.name}: ${manager.accounts} accounts (${manager.key_accounts} key), ${managerDeals.toLocaleString('en')} deals; period ${period} with the 7 before; ${ROUNDS} rounds, one request at a time\n`,
    );
    const orgRequests = Math.max(3, Math.round(REQUESTS / 3));
    const all = { manager: [], managerSql: [], org: [], orgSql: [] };
    let errors = 0;
    const timed = async (fn) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };
    // Rounds alternate the API and the baseline so that a change in the machine's load hits both alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < REQUESTS; i++) {
        const res = await call(port, 'GET', managerUrl, headers);
        if (res.status === 200) all.manager.push(res.ms);
        else errors++;
      }
      for (let i = 0; i < REQUESTS; i++) all.managerSql.push(await timed(() => baseline.run('manager', period)));
      for (let i = 0; i < orgRequests; i++) {
        const res = await call(port, 'GET', orgUrl, headers);
        if (res.status === 200) all.org.push(res.ms);
        else errors++;
      }
      for (let i = 0; i < orgRequests; i++) all.orgSql.push(await timed(() => baseline.run('org', period)));
    }
    const figures = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, summary(v)]));
    const f = (v) => `${v.toFixed(0)} ms`.padStart(8);
    const line = (label, api, base, target) =>
      console.log(
        `${label.padEnd(13)} API p50 ${f(api.p50)}  p95 ${f(api.p95)}  max ${f(api.max)} | plain SQL p50 ${f(base.p50)}  p95 ${f(base.p95)} | p95 ratio ${(api.p95 / base.p95).toFixed(2)} | target ≤ ${target} ms: ${api.p95 <= target ? 'met' : 'NOT met'}`,
      );
    if (ROUNDS > 0) {
      line('manager', figures.manager, figures.managerSql, TARGETS.manager);
      line('organization', figures.org, figures.orgSql, TARGETS.org);
    }

    // Freshness: an open upsell deal of the manager's accounts won through the API; the cockpit of the current quarter
    // (the manager's, then the organization's, read from the rollups) polled until upsell_rate changes.
    const freshness = {};
    for (const [label, scope] of [
      ['manager', `manager:${manager.id}`],
      ['organization', 'org'],
    ]) {
      const deal = (
        await db.query(
          `SELECT d.id, d.stage FROM ${s}.deals d JOIN ${s}.accounts a ON a.id = d.account_id
           WHERE a.owner_id = $1 AND d.closed_at IS NULL AND d.deal_type = 'upsell' AND d.deleted_at IS NULL ORDER BY d.id LIMIT 1`,
          [manager.id],
        )
      ).rows[0];
      if (!deal) break;
      const liveUrl = url(scope, current);
      const upsell = (json) => json.kpis.find((k) => k.id === 'upsell_rate').value;
      const before = upsell((await call(port, 'GET', liveUrl, headers)).json);
      const started = performance.now();
      const patched = await call(port, 'PATCH', `/api/v1/records/deals/${deal.id}`, headers, { stage: 'closed_won' });
      if (patched.status !== 200) throw new Error(`PATCH deal answered ${patched.status}: ${patched.text.slice(0, 300)}`);
      restore = () => call(port, 'PATCH', `/api/v1/records/deals/${deal.id}`, headers, { stage: deal.stage, closed_at: null });
      let polls = 0;
      let found = null;
      for (;;) {
        polls++;
        const now = upsell((await call(port, 'GET', liveUrl, headers)).json);
        if (now !== before) {
          found = { seconds: (performance.now() - started) / 1000, polls, before, after: now };
          break;
        }
        if (performance.now() - started > 30_000) break;
        await sleep(100);
      }
      await restore();
      restore = undefined;
      freshness[label] = found;
      console.log(
        found
          ? `freshness     ${label}: a deal won through the API shows in upsell_rate (${current}) after ${found.seconds.toFixed(2)} s (${found.polls} poll(s), ${found.before} → ${found.after}) | target ≤ ${TARGETS.freshness} s: ${found.seconds <= TARGETS.freshness ? 'met' : 'NOT met'}`
          : `freshness     ${label}: NOT met, no change within 30 s`,
      );
    }
    console.log(`failed requests ${errors}`);

    // Where the time goes: each family's statements alone (baseline path), median of 3.
    const perFamily = {};
    for (const kind of ['manager', 'org', 'org-rollups']) {
      const parts = [];
      for (const name of baseline.names) {
        const times = [];
        const scopeKind = kind === 'manager' ? 'manager' : 'org';
        for (let i = 0; i < 3; i++) times.push(await timed(() => baseline.run(scopeKind, period, name, kind === 'org-rollups')));
        const median = times.sort((a, b) => a - b)[1];
        perFamily[`${kind}:${name}`] = median;
        parts.push(`${name} ${median.toFixed(0)}`);
      }
      console.log(`${kind} families alone (ms, median of 3): ${parts.join(', ')}`);
    }

    if (process.env.BENCH_EXPLAIN) {
      await db.query(`SET jit = off; SET work_mem = '32MB'`); // as on the server's connections
      for (const kind of ['manager', 'org', 'org-rollups']) {
        baseline.statements.length = 0;
        await baseline.run(kind === 'manager' ? 'manager' : 'org', period, undefined, kind === 'org-rollups');
        const captured = [...baseline.statements];
        for (const statement of captured) {
          const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.parameters);
          console.log(`\n=== ${kind}: ${statement.ms.toFixed(0)} ms — ${statement.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
          console.log(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
        }
      }
    }
    if (process.env.BENCH_JSON) console.log(JSON.stringify({ counts, manager, period, figures, freshness, perFamily, errors }));
  } finally {
    if (restore) await restore().catch(() => {});
    await stop();
  }
}

/** Today's date in a time zone as [year, month]. */
function today(timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  return [Number(parts.find((p) => p.type === 'year').value), Number(parts.find((p) => p.type === 'month').value)];
}
/** Calendar quarters (the bench organization's fiscal year starts in January). */
function currentQuarter(timeZone) {
  const [year, month] = today(timeZone);
  return `${year}-Q${Math.ceil(month / 3)}`;
}
function lastFullQuarter(timeZone) {
  const [year, month] = today(timeZone);
  const q = Math.ceil(month / 3) - 1;
  return q === 0 ? `${year - 1}-Q4` : `${year}-Q${q}`;
}

await runBench(main);
