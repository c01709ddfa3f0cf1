#!/usr/bin/env node
/**
 * Reports benchmark (issue 6): p50/p95 of POST /api/v1/reports/run on the CRM
 * core data set (bench/generate.mjs: 200,000 deals, 1,000,000 leads) beside the
 * same figures computed by hand-written SQL in the same run, as ratios:
 *
 *   (a) summary: won revenue by month (organization's time zone) × owner, over all deals, with subtotals;
 *   (b) matrix: leads by source × status, with row and column totals;
 *   (c) a dashboard's worth: the 6 gallery reports run together.
 *
 * Usage:
 *   npm run build -w server
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_reports_bench node bench/generate.mjs   # once
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_reports_bench node bench/reports.bench.mjs
 *
 * The first run spreads the generated records over 20 sales users and gives closed deals a `closed_at`
 * and leads a `lead_source` (generate.mjs leaves them empty and gives everything to the administrator);
 * later runs find that done. Settings: BENCH_REQUESTS (per report and round, default 20), BENCH_ROUNDS (3),
 * BENCH_EXPLAIN=1 (EXPLAIN ANALYZE of the hand-written statements), BENCH_JSON=1.
 * Targets: (a) and (b) p95 ≤ 500 ms, (c) p95 ≤ 1 s.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { cleanups, insertBenchToken, loadPg, request, runBench, startServerOnDatabase } from './lib.mjs';

const pg = loadPg();
const REQUESTS = Number(process.env.BENCH_REQUESTS || 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const ORGANIZATION = 'Search Bench SL';
const SALES_USERS = 20;
const SOURCES = [
  'advertisement',
  'cold_call',
  'employee_referral',
  'external_referral',
  'customer_referral',
  'partner',
  'web',
  'trade_show',
];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
};

/** Owners, closing times and lead sources the reports group by (once per database). */
async function prepare(db, org) {
  const schema = org.schema_name;
  const done = (await db.query(`SELECT EXISTS (SELECT 1 FROM ${schema}.leads WHERE lead_source IS NOT NULL) AS ok`)).rows[0].ok;
  if (done) return;
  console.log('Preparing the data set for reports (owners, closing times, lead sources)…');
  const profile = (await db.query(`SELECT id FROM platform.profiles WHERE org_id = $1 AND builtin = 'standard'`, [org.id])).rows[0].id;
  const users = [];
  for (let n = 0; n < SALES_USERS; n++) {
    const id = crypto.createHash('sha1').update(`reports-bench-user:${org.id}:${n}`).digest('hex');
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`;
    users.push(uuid);
    await db.query(`INSERT INTO platform.users (id, org_id, name, profile_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      uuid,
      org.id,
      `Sales ${n + 1}`,
      profile,
    ]);
  }
  const sources = `ARRAY[${SOURCES.map((s) => `'${s}'`).join(',')}]`;
  // Deterministic by id: the same record always gets the same owner and source.
  await db.query(
    `UPDATE ${schema}.deals SET owner_id = ($1::uuid[])[1 + abs(hashtext(id::text)) % ${SALES_USERS}],
       closed_at = CASE WHEN stage IN ('closed_won', 'closed_lost') THEN close_date + (abs(hashtext(name)) % 86400) * interval '1 second' END`,
    [users],
  );
  await db.query(
    `UPDATE ${schema}.leads SET owner_id = ($1::uuid[])[1 + abs(hashtext(id::text)) % ${SALES_USERS}],
       lead_source = (${sources})[1 + abs(hashtext(email)) % ${SOURCES.length}]`,
    [users],
  );
  await db.query(`VACUUM ANALYZE ${schema}.deals`);
  await db.query(`VACUUM ANALYZE ${schema}.leads`);
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to the database bench/generate.mjs filled.');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const org = (await db.query('SELECT id, schema_name, time_zone FROM platform.organizations WHERE name = $1', [ORGANIZATION])).rows[0];
  if (!org) throw new Error('No bench organization: run bench/generate.mjs first.');
  await prepare(db, org);
  const schema = org.schema_name;
  const count = async (table) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${schema}.${table} WHERE deleted_at IS NULL`)).rows[0].n);
  const counts = { deals: await count('deals'), leads: await count('leads') };
  const admin = (await db.query('SELECT id FROM platform.users WHERE org_id = $1 ORDER BY created_at LIMIT 1', [org.id])).rows[0];
  const token = await insertBenchToken(db, admin.id, 'reports bench');

  // The baseline: the same figures by hand, on a pool with the server's session settings (no JIT).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, options: '-c jit=off -c work_mem=32MB' });
  cleanups.push(() => pool.end());
  const wonByMonthSql = {
    text: `SELECT to_char(closed_at AT TIME ZONE $1::text, 'YYYY-MM') AS month, owner_id, sum(amount) AS won
           FROM ${schema}.deals WHERE deleted_at IS NULL AND stage = 'closed_won'
           GROUP BY ROLLUP (1, 2)`,
    values: [org.time_zone],
  };
  const leadsMatrixSql = {
    text: `SELECT lead_source, lead_status, count(*) AS n FROM ${schema}.leads WHERE deleted_at IS NULL
           GROUP BY GROUPING SETS ((lead_source, lead_status), (lead_source), (lead_status), ())`,
    values: [],
  };
  const wonByMonth = {
    module: 'deals',
    type: 'summary',
    filter: { field: 'stage', op: 'in', value: ['closed_won'] },
    groupBy: [{ field: 'closed_at', bucket: 'month' }, { field: 'owner_id' }],
    aggregates: [{ key: 'won', fn: 'sum', field: 'amount' }],
  };
  const leadsMatrix = {
    module: 'leads',
    type: 'matrix',
    groupBy: [{ field: 'lead_source' }],
    columnGroupBy: [{ field: 'lead_status' }],
    aggregates: [{ key: 'count', fn: 'count' }],
  };

  const { port, stop } = await startServerOnDatabase(databaseUrl, { label: 'The server', dataDirPrefix: 'clave-reports-bench' });
  try {
    const headers = { authorization: `Bearer ${token}` };
    // The engine's own time (durationMs in the answer: statement and labels), to tell it from HTTP, auth and JSON.
    const engine = new Map();
    const run = async (definition) => {
      const res = await request(port, 'POST', '/api/v1/reports/run', { headers, body: { definition } });
      if (res.status !== 200) throw new Error(`run answered ${res.status}: ${res.text.slice(0, 500)}`);
      engine.set(definition, [...(engine.get(definition) ?? []), res.json.durationMs]);
      return res;
    };
    const gallery = (await request(port, 'GET', '/api/v1/reports/gallery', { headers })).json.data.map((entry) => entry.definition);
    const dashboard = async () => {
      const started = performance.now();
      await Promise.all(gallery.map((definition) => run(definition)));
      return { ms: performance.now() - started };
    };
    const timedSql = async (query) => {
      const started = performance.now();
      const result = await pool.query(query);
      return { ms: performance.now() - started, rows: result.rows };
    };

    // Sanity: the API and the hand-written SQL give the same totals.
    const api = (await run(wonByMonth)).json;
    const sqlWon = (await timedSql(wonByMonthSql)).rows.find((row) => row.month === null && row.owner_id === null);
    if (Math.abs(api.totals.won - Number(sqlWon.won)) > 0.01)
      throw new Error(`won revenue differs: API ${api.totals.won}, SQL ${sqlWon.won}`);
    const matrix = (await run(leadsMatrix)).json;
    const sqlLeads = (await timedSql(leadsMatrixSql)).rows.find((row) => row.lead_source === null && row.lead_status === null);
    if (matrix.totals.count !== Number(sqlLeads.n)) throw new Error(`lead count differs: API ${matrix.totals.count}, SQL ${sqlLeads.n}`);
    if (process.env.BENCH_EXPLAIN)
      for (const query of [wonByMonthSql, leadsMatrixSql])
        console.log(
          (await pool.query({ ...query, text: `EXPLAIN (ANALYZE, BUFFERS) ${query.text}` })).rows.map((r) => r['QUERY PLAN']).join('\n'),
        );

    console.log(
      `Clave reports benchmark — PostgreSQL, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `Records: deals ${counts.deals.toLocaleString('en')}, leads ${counts.leads.toLocaleString('en')}; ${api.groups.length} months × ${SALES_USERS} owners; ` +
        `${matrix.groups.length} sources × ${matrix.columnKeys.length} statuses; ${ROUNDS} rounds × ${REQUESTS} requests, one at a time\n`,
    );
    const cases = {
      'summary API': () => run(wonByMonth),
      'summary SQL': () => timedSql(wonByMonthSql),
      'matrix API': () => run(leadsMatrix),
      'matrix SQL': () => timedSql(leadsMatrixSql),
      'dashboard (6 gallery reports at once)': dashboard,
    };
    const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, measure] of Object.entries(cases))
        for (let i = 0; i < (name.startsWith('dashboard') ? Math.ceil(REQUESTS / 2) : REQUESTS); i++)
          times[name].push((await measure()).ms);
    const figures = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, summary(list)]));
    const f = (v) => `${v.toFixed(0)} ms`;
    for (const [name, s] of Object.entries(figures))
      console.log(`${name.padEnd(40)} n=${s.n}  p50 ${f(s.p50)}  p95 ${f(s.p95)}  max ${f(s.max)}`);
    for (const [name, definition] of [
      ['summary', wonByMonth],
      ['matrix', leadsMatrix],
    ])
      console.log(`${name} engine time (durationMs: statement, labels, formulas) p50 ${f(summary(engine.get(definition)).p50)}`);
    const verdict = (value, target) => `${value <= target ? 'met' : 'NOT met'}`;
    const summaryP95 = figures['summary API'].p95;
    const matrixP95 = figures['matrix API'].p95;
    const dashboardP95 = figures['dashboard (6 gallery reports at once)'].p95;
    console.log(
      `\nsummary: API p95 / SQL p95 = ${(summaryP95 / figures['summary SQL'].p95).toFixed(2)}; target p95 ≤ 500 ms → ${verdict(summaryP95, 500)}`,
    );
    console.log(
      `matrix:  API p95 / SQL p95 = ${(matrixP95 / figures['matrix SQL'].p95).toFixed(2)}; target p95 ≤ 500 ms → ${verdict(matrixP95, 500)}`,
    );
    console.log(`dashboard: p95 ${f(dashboardP95)}; target ≤ 1 s → ${verdict(dashboardP95, 1000)}`);
    if (process.env.BENCH_JSON) console.log(JSON.stringify({ counts, figures }));
  } finally {
    await stop();
  }
}

await runBench(main);
