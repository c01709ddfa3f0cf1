#!/usr/bin/env node
/**
 * Search benchmark (CRM-6): p50/p95/p99 of GET /api/v1/search over HTTP on a
 * large data set (bench/generate.mjs: 1.6 M records), beside a baseline from
 * the same run — GET /api/v1/records/leads/{id} (a primary-key read through
 * the same auth, access and metadata path) and /healthz — as ratios.
 *
 * Usage:
 *   npm run build -w server
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_search_bench node bench/generate.mjs   # once
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_search_bench node bench/search.bench.mjs
 *
 * Settings: BENCH_REQUESTS (per endpoint and round, default 300), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (requests in flight, default 4), BENCH_JSON=1 (figures as one JSON line).
 * Target: search p95 ≤ 100 ms.
 */
import http from 'node:http';
import os from 'node:os';
import { cleanups, insertBenchToken, loadPg, runBench, startServerOnDatabase } from './lib.mjs';

const pg = loadPg();
const REQUESTS = Number(process.env.BENCH_REQUESTS || 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 4);
const TARGET_P95_MS = 100;
const ORGANIZATION = 'Search Bench SL';

/** What people type: surnames and names with and without accents, typos, e-mail and phone fragments, companies, prefixes. */
const QUERIES = [
  'munoz',
  'Muñoz',
  'munos',
  'jose munoz',
  'Jose Munos',
  'garcia',
  'garsia',
  'maria lopez',
  'Fernández',
  'fernandes',
  'rodriguez gomez',
  'zubizarreta',
  'goikoetxea',
  'echeverria',
  'ibanez',
  'iñigo',
  'nunez',
  'smith',
  'smyth',
  'johnson',
  'pemberton',
  'whitaker',
  'holoway',
  'christopher',
  'jennifer ward',
  'acero',
  'conservas del norte',
  'transportes levante',
  'Laboratorios',
  'bluewater',
  'ironbridge dynamics',
  'jose.munoz',
  'maria.garcia12',
  'telefonica.net',
  'hotmail',
  '@proton',
  '+34 612',
  '600 123',
  '555-12',
  'CU-000123',
  'renovacion',
  'expansion summit',
  'pilot',
  'mar',
  'jo',
  'an',
  'ped',
  'carm',
  'alv',
  'Álvaro',
  'concepcion',
  'montse',
  'raquel serrano',
];

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function get(port, url, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: url, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** `count` requests from `urls` (in turn), CONNECTIONS in flight; latencies in ms. */
async function measure(port, urls, headers, count) {
  const times = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const url = urls[next++ % urls.length];
      const res = await get(port, url, headers).catch(() => ({ status: 0, ms: 0 }));
      if (res.status === 200) times.push(res.ms);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { times, errors };
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to the database bench/generate.mjs filled.');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const org = (await db.query('SELECT id, schema_name FROM platform.organizations WHERE name = $1', [ORGANIZATION])).rows[0];
  if (!org) throw new Error('No bench organization: run bench/generate.mjs first.');
  const user = (await db.query('SELECT id FROM platform.users WHERE org_id = $1 ORDER BY created_at LIMIT 1', [org.id])).rows[0];
  const counts = {};
  for (const module of ['leads', 'contacts', 'accounts', 'deals'])
    counts[module] = Number(
      (await db.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = '${org.schema_name}.${module}'::regclass`)).rows[0].n,
    );
  const leadIds = (await db.query(`SELECT id FROM ${org.schema_name}.leads TABLESAMPLE SYSTEM (0.1) LIMIT 200`)).rows.map((r) => r.id);
  // A token for this run (removed at the end).
  const token = await insertBenchToken(db, user.id, 'search bench');

  const { port, stop } = await startServerOnDatabase(databaseUrl, { label: 'The server', dataDirPrefix: 'clave-search-bench' });
  try {
    const headers = { authorization: `Bearer ${token}` };
    const searchUrls = QUERIES.map((q) => `/api/v1/search?q=${encodeURIComponent(q)}&limit=10`);
    const pkUrls = leadIds.map((id) => `/api/v1/records/leads/${id}`);
    // Sanity: the queries answer, and "Jose Munos" finds a José Muñoz.
    const check = JSON.parse((await get(port, `/api/v1/search?q=${encodeURIComponent('Jose Munos')}&limit=5`, headers)).body);
    if (!check.data?.some((hit) => /Jos[ée] Mu[ñn]oz/.test(hit.name)))
      throw new Error(`"Jose Munos" found no José Muñoz: ${JSON.stringify(check).slice(0, 500)}`);
    // Warm-up: the first requests load metadata and pages of the indexes.
    await measure(port, searchUrls, headers, QUERIES.length * 2);
    await measure(port, pkUrls, headers, 100);

    console.log(
      `Clave search benchmark — PostgreSQL, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `Records: ${Object.entries(counts)
        .map(([m, n]) => `${m} ${n.toLocaleString('en')}`)
        .join(', ')}; ${QUERIES.length} queries; ${CONNECTIONS} connections; ${ROUNDS} rounds × ${REQUESTS} requests\n`,
    );
    const all = { search: [], pk: [], health: [] };
    let errors = 0;
    // Rounds alternate the endpoints so that a change in the machine's load hits all alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, urls, h] of [
        ['search', searchUrls, headers],
        ['pk', pkUrls, headers],
        ['health', ['/healthz'], {}],
      ]) {
        const result = await measure(port, urls, h, REQUESTS);
        all[name].push(...result.times);
        errors += result.errors;
      }
    }
    // Per query (sequential, one connection), to see which ones cost most.
    const perQuery = [];
    for (const url of searchUrls) {
      const times = [];
      for (let i = 0; i < 5; i++) times.push((await get(port, url, headers)).ms);
      perQuery.push({ q: decodeURIComponent(url.split('q=')[1].split('&')[0]), median: times.sort((a, b) => a - b)[2] });
    }
    const figures = { search: summary(all.search), pkGet: summary(all.pk), healthz: summary(all.health) };
    const f = (v) => `${v.toFixed(1)} ms`;
    for (const [name, s] of Object.entries(figures))
      console.log(`${name.padEnd(8)} n=${s.n}  p50 ${f(s.p50)}  p95 ${f(s.p95)}  p99 ${f(s.p99)}  max ${f(s.max)}`);
    const ratio = figures.search.p95 / figures.pkGet.p95;
    console.log(
      `\nsearch p95 / primary-key GET p95 = ${ratio.toFixed(2)}; search p95 / healthz p95 = ${(figures.search.p95 / figures.healthz.p95).toFixed(1)}`,
    );
    console.log(
      `target: search p95 ≤ ${TARGET_P95_MS} ms → ${figures.search.p95 <= TARGET_P95_MS ? 'met' : 'NOT met'}; failed requests ${errors}`,
    );
    perQuery.sort((a, b) => b.median - a.median);
    console.log(
      `slowest queries (median of 5, alone): ${perQuery
        .slice(0, 8)
        .map((p) => `"${p.q}" ${p.median.toFixed(0)} ms`)
        .join(', ')}`,
    );
    if (process.env.BENCH_JSON) console.log(JSON.stringify({ counts, figures, ratio, errors, perQuery }));
  } finally {
    await stop();
  }
}

await runBench(main);
