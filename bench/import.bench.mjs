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
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const serverEntry = path.join(root, 'server/dist/main.js');
const CONNECTIONS = 4;
const ROWS = Number(process.env.BENCH_ROWS || 100_000);
const TARGET_ROWS_PER_SECOND = 5_000;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
const READY_TIMEOUT_MS = 120_000;

const children = new Set();
const cleanups = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 0) => Number(value.toFixed(digits));

/** A free loopback port: listen on 0, read the port, close. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** Memory and CPU time of a process, from /proc. */
function processFigures(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name "(...)": utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, plus cutime + cstime: the CPU of children it waited for (the server creates a new database in one).
  const cpuMs = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuMs };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** One HTTP request on the keep-alive agent; resolves with status and parsed JSON (if any). */
function request(port, method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, json });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Spawns a process and waits until GET <readyPath> answers 200; returns the child and the time it took. */
async function startAndWait({ label, args, env, port, readyPath }) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let exitedEarly = null;
  exited.then((result) => {
    exitedEarly = result;
    children.delete(child);
  });
  const deadline = started + READY_TIMEOUT_MS;
  for (;;) {
    if (exitedEarly) throw new Error(`${label} exited (${JSON.stringify(exitedEarly)}) before it was ready:\n${output}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    const ok = await request(port, 'GET', readyPath, { headers: { connection: 'close' } }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(20);
  }
  const readyMs = performance.now() - started;
  const cpuMs = processFigures(child.pid).cpuMs;
  return {
    child,
    readyMs,
    cpuMs,
    output: () => output,
    /** SIGTERM, then wait for the exit; returns the exit code and how long the stop took. */
    async stop() {
      if (exitedEarly) return { ...exitedEarly, stopMs: 0 };
      const stopStarted = performance.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, stopMs: performance.now() - stopStarted };
    },
  };
}

async function preparePostgres(databaseUrl) {
  const require = createRequire(path.join(root, 'server/package.json'));
  const pg = require('pg');
  const name = `clave_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: databaseUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A CSV of `rows` leads written to `file` (streamed, a few with accents and quotes). */
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

  const server = await startAndWait({ label: 'server', args: [serverEntry], env, port, readyPath: '/readyz' });
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

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    agent.destroy();
  });
