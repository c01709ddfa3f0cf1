#!/usr/bin/env node
/**
 * Import benchmark (CRM-7). Starts the built server (server/dist/main.js) on
 * loopback, generates a CSV of BENCH_ROWS leads (default 100,000), imports it
 * through the API (POST /api/v1/imports, then GET /api/v1/imports/{id} until
 * done) and prints rows/s and the server's peak RSS. Baseline from the same
 * run: parsing the same file with csv-parse alone (rows/s), as a ratio; the
 * target is at least 5,000 rows/s. Not run in CI.
 *
 * Usage: npm run build -w server && node bench/import.bench.mjs
 * Settings (environment): DATABASE_URL (run against PostgreSQL: a scratch
 * database is created and dropped), BENCH_ROWS, BENCH_LOG_LEVEL (default warn).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { root, cleanups, sleep, round, freePort, processFigures, request, startAndWait, preparePostgres, runBench } from './lib.mjs';

const serverEntry = path.join(root, 'server/dist/main.js');
const ROWS = Number(process.env.BENCH_ROWS || 100_000);
const TARGET_ROWS_PER_SECOND = 5_000;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
/** Extra Node flags for the server, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile it. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function writeCsv(file, rows) {
  const out = fs.createWriteStream(file);
  const write = (line) => (out.write(line) ? undefined : new Promise((resolve) => out.once('drain', resolve)));
  await write('First Name,Last Name,Company,Email,Phone,Lead Source,Lead Status,No. of Employees,Annual Revenue,City,Description\n');
  const sources = ['Web', 'Trade Show', 'Cold Call', 'Partner Referral'];
  for (let i = 1; i <= rows; i++) {
    await write(
      `Nombre ${i},Apellido Núñez ${i},"Empresa ${i % 997}, S.L.",lead${i}@bench.example,+34 600 ${String(i % 1_000_000).padStart(6, '0')},${sources[i % 4]},Not Contacted,${i % 500},${(i % 90) * 1000}.50,Zaragoza,"Notas ""${i}"""\n`,
    );
  }
  await new Promise((resolve) => out.end(resolve));
}

/** Baseline: rows/s of csv-parse alone over the same file. */
async function parseBaseline(file) {
  const require = createRequire(path.join(root, 'server/package.json'));
  const { parse } = require('csv-parse');
  const started = performance.now();
  let count = 0;
  for await (const _ of fs.createReadStream(file).pipe(parse({ bom: true }))) count++;
  return (count - 1) / ((performance.now() - started) / 1000);
}

async function main() {
  if (!fs.existsSync(serverEntry)) {
    console.error(`No built server at ${serverEntry}: run \`npm run build -w server\` first.`);
    process.exit(1);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-import-bench-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const databaseUrl = process.env.DATABASE_URL ? await preparePostgres(process.env.DATABASE_URL) : undefined;
  const kind = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: LOG_LEVEL,
    IMPORT_MAX_BYTES: String(1024 * 1024 * 1024),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  console.log(
    `Clave import benchmark — ${kind}, ${ROWS} rows, Node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const csv = path.join(dataDir, 'bench-leads.csv');
  await writeCsv(csv, ROWS);
  const baseline = await parseBaseline(csv);

  const server = await startAndWait({ label: 'server', args: [...nodeArgs, serverEntry], env, port, readyPath: '/readyz' });
  try {
    const setup = await request(port, 'POST', '/api/v1/setup', {
      body: { organization: 'Bench Co', name: 'Bench Admin', email: 'bench@example.com', password: 'correct horse battery 7' },
    });
    if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${JSON.stringify(setup.json)}`);
    const cookie = String(setup.headers['set-cookie']?.[0] ?? '').split(';')[0];
    const created = await request(port, 'POST', '/api/v1/tokens', {
      headers: { cookie, 'x-csrf-token': setup.json.csrfToken },
      body: { name: 'bench' },
    });
    if (created.status !== 201) throw new Error(`POST /api/v1/tokens answered ${created.status}`);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    const rssBefore = processFigures(server.child.pid).rssMb;

    const form = new FormData();
    form.append('module', 'leads');
    form.append('mode', 'create');
    form.append('file', await fs.openAsBlob(csv, { type: 'text/csv' }), 'bench-leads.csv');
    const started = performance.now();
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/imports`, { method: 'POST', headers: bearer, body: form });
    if (answer.status !== 202) throw new Error(`POST /api/v1/imports answered ${answer.status}: ${await answer.text()}`);
    const { id } = await answer.json();
    const accepted = performance.now();
    let state;
    let peakRss = 0;
    for (;;) {
      await sleep(500);
      peakRss = Math.max(peakRss, processFigures(server.child.pid).rssMb);
      state = (await request(port, 'GET', `/api/v1/imports/${id}`, { headers: bearer })).json;
      if (state.status === 'done' || state.status === 'failed') break;
    }
    const seconds = (performance.now() - started) / 1000;
    if (state.status !== 'done') throw new Error(`The import failed: ${state.message}`);
    const rowsPerSecond = state.counts.created / seconds;
    const figures = {
      database: kind,
      rows: ROWS,
      created: state.counts.created,
      failed: state.counts.failed,
      uploadSeconds: round((accepted - started) / 1000, 2),
      totalSeconds: round(seconds, 1),
      rowsPerSecond: round(rowsPerSecond),
      baselineParseRowsPerSecond: round(baseline),
      ratioToParse: round(rowsPerSecond / baseline, 3),
      ratioToTarget: round(rowsPerSecond / TARGET_ROWS_PER_SECOND, 2),
      rssBeforeMb: round(rssBefore),
      peakRssMb: round(Math.max(peakRss, processFigures(server.child.pid).peakRssMb)),
    };
    console.log(
      `\nimport: ${figures.created} created, ${figures.failed} failed in ${figures.totalSeconds} s (upload ${figures.uploadSeconds} s)`,
    );
    console.log(
      `rows/s: ${figures.rowsPerSecond} — baseline csv-parse alone ${figures.baselineParseRowsPerSecond} rows/s (ratio ${figures.ratioToParse})`,
    );
    console.log(
      `target ≥ ${TARGET_ROWS_PER_SECOND} rows/s: ×${figures.ratioToTarget} ${rowsPerSecond >= TARGET_ROWS_PER_SECOND ? '(met)' : '(NOT met)'}`,
    );
    console.log(`server RSS: ${figures.rssBeforeMb} MB before, peak ${figures.peakRssMb} MB`);
    if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
  } finally {
    await server.stop();
  }
}

await runBench(main);
