#!/usr/bin/env node
/**
 * Records benchmark (issue 3). Starts bench/records-server.mjs (the built
 * server plus a bare baseline route) on loopback, fills one organization with
 * leads through the bulk API (or, with BENCH_REUSE=1 and DATABASE_URL naming
 * the database bench/generate.mjs filled, uses its million leads as they are,
 * with a token made for the run and removed after it), then prints:
 *   (a) GET /api/v1/records/leads/{id} requests/s next to a bare route running
 *       the same primary-key SELECT in the same process — target ratio ≥ 0.5;
 *   (b) the list view — POST …/leads/query with one filter, a sort, 50 rows and
 *       the total-count estimate — p50/p95 latency over HTTP, one request at a
 *       time, next to GET /healthz in the same run — target p95 ≤ 30 ms.
 *
 * Usage: npm run build -w server && node bench/records.bench.mjs
 * Settings: DATABASE_URL (PostgreSQL: a scratch database is created and
 * dropped), BENCH_LEADS (leads to create, default 20000), BENCH_SECONDS (load
 * per round, default 5), BENCH_CONNECTIONS (default 8), BENCH_SAMPLES (list
 * requests, default 300).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  root,
  CONNECTIONS,
  cleanups,
  round,
  freePort,
  request,
  startAndWait,
  preparePostgres,
  insertBenchToken,
  loadPg,
  runBench,
} from './lib.mjs';

const LEADS = Number(process.env.BENCH_LEADS || 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES || 300);
const TARGETS = { getRatio: 0.5, listP95Ms: 30 };

const FIRST = ['Lucía', 'Martín', 'Nerea', 'Pablo', 'Ana', 'José', 'María', 'John', 'Emily', 'Íñigo', 'Carmen', 'David', 'Sarah', 'Jorge'];
const LAST = ['García', 'Fernández', 'Ibáñez', 'Souto', 'Muñoz', 'López', 'Smith', 'Johnson', 'Martínez', 'Núñez', 'Pérez', 'Brown'];
const COMPANIES = [
  'Aceros del Norte',
  'Transportes Ebro',
  'Bodegas Rías Baixas',
  'Innova Software',
  'Acme Ltd',
  'Northwind',
  'Iberia Logística',
];
const STATUSES = ['not_contacted', 'attempted', 'contacted', 'qualified', 'unqualified'];
const pick = (list, i) => list[i % list.length];

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function timed(port, method, url, options) {
  const started = performance.now();
  const res = await request(port, method, url, options);
  if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return performance.now() - started;
}

async function main() {
  if (!fs.existsSync(path.join(root, 'server/dist/app.js'))) {
    console.error('No built server: run `npm run build -w server` first.');
    process.exit(1);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-records-bench-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const reuse = process.env.BENCH_REUSE === '1';
  if (reuse && !process.env.DATABASE_URL) throw new Error('BENCH_REUSE=1 needs DATABASE_URL: the database bench/generate.mjs filled.');
  const databaseUrl = process.env.DATABASE_URL
    ? reuse
      ? process.env.DATABASE_URL
      : await preparePostgres(process.env.DATABASE_URL)
    : undefined;
  const [port, barePort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    PORT: String(port),
    BARE_PORT: String(barePort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const server = await startAndWait({
    label: 'server',
    args: [path.join(root, 'bench/records-server.mjs')],
    env,
    port,
    readyPath: '/readyz',
  });
  const { auth, ids, orgSchema } = reuse ? await reuseGenerated(databaseUrl) : await setUpAndLoad(port);
  console.log(
    `${databaseUrl ? 'PostgreSQL' : 'embedded database'}, ${reuse ? 'generated' : LEADS} leads, ${CONNECTIONS} connections, ${SECONDS} s per round\n`,
  );

  // (a) GET one record vs the bare primary-key SELECT, alternating rounds.
  let i = 0;
  const nextId = () => ids[(i = (i * 7919 + 1) % ids.length)];
  const apiRounds = [];
  const bareRounds = [];
  for (let round_ = 0; round_ < 3; round_++) {
    apiRounds.push(await loadIds(port, () => `/api/v1/records/leads/${nextId()}`, auth));
    bareRounds.push(await loadIds(barePort, () => `/bare/${orgSchema}/leads/${nextId()}`, {}));
  }
  const best = (rounds) => Math.max(...rounds.map((r) => r.perSecond));
  const apiRps = best(apiRounds);
  const bareRps = best(bareRounds);

  // (b) List view: one filter, a sort, 50 rows, the total-count estimate; one request at a time.
  const listBody = {
    filter: { field: 'lead_status', op: 'eq', value: 'contacted' },
    sort: [{ field: 'created_at', direction: 'desc' }],
    limit: 50,
    count: true,
  };
  const list = [];
  const health = [];
  for (let s = 0; s < SAMPLES; s++) {
    list.push(await timed(port, 'POST', '/api/v1/records/leads/query', { headers: auth, body: listBody }));
    health.push(await timed(port, 'GET', '/healthz', {}));
  }
  const firstPage = (await request(port, 'POST', '/api/v1/records/leads/query', { headers: auth, body: listBody })).json;

  console.log('\nfigure                         | value          | baseline (same run)     | ratio  | target');
  console.log('-------------------------------|----------------|-------------------------|--------|--------------');
  console.log(
    `GET one record (req/s)         | ${round(apiRps).toString().padEnd(14)} | bare PK SELECT ${round(bareRps).toString().padEnd(8)} | ${round(
      apiRps / bareRps,
      2,
    )
      .toString()
      .padEnd(6)} | ≥ ${TARGETS.getRatio}`,
  );
  console.log(
    `list view p95 (ms)             | ${round(percentile(list, 95), 1).toString().padEnd(14)} | /healthz p95 ${round(percentile(health, 95), 1).toString().padEnd(10)} | ${round(
      percentile(list, 95) / percentile(health, 95),
      1,
    )
      .toString()
      .padEnd(6)} | ≤ ${TARGETS.listP95Ms} ms`,
  );
  console.log(`list view p50 (ms)             | ${round(percentile(list, 50), 1)}`);
  console.log(
    `list total                     | ${firstPage.total.value} (${firstPage.total.exact ? 'exact' : 'estimate'}), ${firstPage.data.length} rows`,
  );
  const errors = [...apiRounds, ...bareRounds].reduce((n, r) => n + r.errors, 0);
  console.log(`failed requests: ${errors}`);
  await server.stop();
}

/** Like load(), with a new URL for each request (random records). */
async function loadIds(port, nextUrl, headers) {
  let done = 0;
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await request(port, 'GET', nextUrl(), { headers }).catch(() => ({ status: 0 }));
      if (res.status === 200) done++;
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { perSecond: done / ((performance.now() - started) / 1000), errors };
}

await runBench(main);

/** A new organization with BENCH_LEADS leads made through the bulk API. */
async function setUpAndLoad(port) {
  const setup = await request(port, 'POST', '/api/v1/setup', {
    body: { organization: 'Bench SA', name: 'Bench Admin', email: 'bench@example.com', password: 'correct horse battery 7' },
  });
  if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${JSON.stringify(setup.json)}`);
  const cookie = String(setup.headers['set-cookie']?.[0] ?? '').split(';')[0];
  const csrf = setup.json?.csrfToken;
  const token = (await request(port, 'POST', '/api/v1/tokens', { headers: { cookie, 'x-csrf-token': csrf }, body: { name: 'bench' } })).json
    .token;
  const auth = { authorization: `Bearer ${token}` };
  const me = (await request(port, 'GET', '/api/v1/me', { headers: auth })).json;

  const loadStarted = performance.now();
  const ids = [];
  for (let start = 0; start < LEADS; start += 1000) {
    const records = Array.from({ length: Math.min(1000, LEADS - start) }, (_, k) => {
      const i = start + k;
      return {
        first_name: pick(FIRST, i),
        last_name: `${pick(LAST, i * 7)} ${pick(LAST, i * 13)}`,
        company: pick(COMPANIES, i * 3),
        email: `lead${i}@example.test`,
        lead_status: pick(STATUSES, i),
        employees: i % 500,
      };
    });
    const res = await request(port, 'POST', '/api/v1/records/leads/bulk', { headers: auth, body: { mode: 'create', records } });
    if (res.status !== 200) throw new Error(`bulk answered ${res.status}: ${JSON.stringify(res.json)}`);
    for (const result of res.json.data) if (result.id) ids.push(result.id);
  }
  console.log(`loaded ${ids.length} leads through the bulk API in ${round((performance.now() - loadStarted) / 1000, 1)} s`);
  // Organization schemas are named after the organization's id (see organization.service.ts).
  return { auth, ids, orgSchema: `org_${me.organization.id.replace(/-/g, '')}` };
}

/** The organization bench/generate.mjs filled: a token for this run (removed at the end) and a sample of lead ids. */
async function reuseGenerated(databaseUrl) {
  const pg = loadPg();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const org = (await db.query('SELECT id, schema_name FROM platform.organizations WHERE name = $1', ['Search Bench SL'])).rows[0];
  if (!org) throw new Error('No generated organization: run bench/generate.mjs on this database first.');
  const user = (await db.query('SELECT id FROM platform.users WHERE org_id = $1 ORDER BY created_at LIMIT 1', [org.id])).rows[0];
  const token = await insertBenchToken(db, user.id, 'records bench');
  const sample = await db.query(`SELECT id FROM ${org.schema_name}.leads TABLESAMPLE SYSTEM (0.5) LIMIT 5000`);
  return { auth: { authorization: `Bearer ${token}` }, ids: sample.rows.map((row) => row.id), orgSchema: org.schema_name };
}
