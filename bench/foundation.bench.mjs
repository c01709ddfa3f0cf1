#!/usr/bin/env node
/**
 * Foundation benchmark (issue 2, item 12). Starts the built server
 * (server/dist/main.js) as a child process on loopback and prints:
 *   (a) time from spawn to /readyz answering 200, on the first start (empty
 *       DATA_DIR: the database is created) and on a later start (same folder);
 *   (b) idle RSS of the server process after start and a few requests;
 *   (c) requests/s of GET /api/v1/me (Bearer token) beside GET /healthz.
 * Each figure comes with a baseline from the same run (a bare Node HTTP
 * server, or /healthz) and with its target, as ratios: absolute times move
 * with the machine's load, ratios much less.
 *
 * Usage: npm run build -w server && npm run bench
 * Settings (environment): DATABASE_URL (run against PostgreSQL: a scratch
 * database is created and dropped), BENCH_SECONDS (load per endpoint, default
 * 6), BENCH_CONNECTIONS (default 8), BENCH_LOG_LEVEL (server log level,
 * default warn), BENCH_JSON=1 (also print the figures as one JSON line).
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
const SECONDS = Number(process.env.BENCH_SECONDS || 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
const READY_TIMEOUT_MS = 120_000;
const TARGETS = { firstStartMs: 10_000, laterStartMs: 3_000, idleRssMb: 300, meRatio: 0.5 };

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

/**
 * Keeps CONNECTIONS requests in flight on keep-alive sockets for `seconds`;
 * returns requests/s. Any answer other than 200 counts as an error.
 */
async function load(port, url, headers, seconds) {
  let done = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const res = await request(port, 'GET', url, { headers });
        if (res.status === 200) done++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: done / elapsed, requests: done, errors, elapsed };
}

/** With DATABASE_URL, a scratch database for this run (created empty, dropped at the end). */
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

const BARE_SERVER = `
  const http = require('node:http');
  http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"ok"}'); })
    .listen(Number(process.env.PORT), '127.0.0.1');
`;

async function main() {
  if (!fs.existsSync(serverEntry)) {
    console.error(`No built server at ${serverEntry}: run \`npm run build -w server\` first.`);
    process.exit(1);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-bench-'));
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
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  console.log(
    `Clave foundation benchmark — ${kind}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`DATA_DIR ${dataDir}, port ${port}, ${CONNECTIONS} connections, ${SECONDS} s per endpoint\n`);

  // Baseline: a bare Node HTTP server, started and measured the same way.
  const bare = await startAndWait({
    label: 'bare Node server',
    args: ['-e', BARE_SERVER],
    env: { PATH: process.env.PATH, PORT: String(port) },
    port,
    readyPath: '/',
  });
  const bareFigures = processFigures(bare.child.pid);
  await bare.stop();

  // (a) First start: empty folder, the database is created and migrated.
  const first = await startAndWait({ label: 'first start', args: [serverEntry], env, port, readyPath: '/readyz' });
  const firstIdle = await idleFigures(first.child.pid);
  const firstStop = await first.stop();
  if (firstStop.code !== 0) throw new Error(`The first server exited with ${JSON.stringify(firstStop)} on SIGTERM:\n${first.output()}`);

  // (a) Later start: same folder.
  const later = await startAndWait({ label: 'later start', args: [serverEntry], env, port, readyPath: '/readyz' });
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
    if (created.status !== 201) throw new Error(`POST /api/v1/tokens answered ${created.status}: ${JSON.stringify(created.json)}`);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    const me = await request(port, 'GET', '/api/v1/me', { headers: bearer });
    if (me.status !== 200 || me.json?.organization?.name !== 'Bench Co')
      throw new Error(`GET /api/v1/me answered ${me.status}: ${JSON.stringify(me.json)}`);
    for (let i = 0; i < 20; i++) {
      await request(port, 'GET', '/healthz');
      await request(port, 'GET', '/api/v1/me', { headers: bearer });
    }

    // (b) Idle memory, after start and a few requests.
    const idle = await idleFigures(later.child.pid);

    // (c) Throughput: alternate the two endpoints in short rounds so that a
    // change in the machine's load hits both alike.
    await load(port, '/healthz', {}, 1); // warm-up
    await load(port, '/api/v1/me', bearer, 1);
    const rounds = 3;
    const totals = { healthz: { requests: 0, seconds: 0, errors: 0, cpuMs: 0 }, me: { requests: 0, seconds: 0, errors: 0, cpuMs: 0 } };
    for (let i = 0; i < rounds; i++) {
      for (const [key, url, headers] of [
        ['healthz', '/healthz', {}],
        ['me', '/api/v1/me', bearer],
      ]) {
        const cpuBefore = processFigures(later.child.pid).cpuMs;
        const result = await load(port, url, headers, SECONDS / rounds);
        totals[key].cpuMs += processFigures(later.child.pid).cpuMs - cpuBefore;
        totals[key].requests += result.requests;
        totals[key].seconds += result.elapsed;
        totals[key].errors += result.errors;
      }
    }
    const healthzRps = totals.healthz.requests / totals.healthz.seconds;
    const meRps = totals.me.requests / totals.me.seconds;
    const afterLoad = processFigures(later.child.pid);
    const laterStop = await later.stop();

    const figures = {
      database: databaseUrl ? 'postgres' : 'embedded',
      bareNodeReadyMs: round(bare.readyMs),
      firstStartReadyMs: round(first.readyMs),
      firstStartCpuMs: round(first.cpuMs),
      laterStartReadyMs: round(later.readyMs),
      laterStartCpuMs: round(later.cpuMs),
      bareNodeRssMb: round(bareFigures.rssMb, 1),
      firstStartIdleRssMb: round(firstIdle.rssMb, 1),
      idleRssMb: round(idle.rssMb, 1),
      peakRssMb: round(afterLoad.peakRssMb, 1),
      rssAfterLoadMb: round(afterLoad.rssMb, 1),
      healthzRps: round(healthzRps),
      meRps: round(meRps),
      meToHealthz: round(meRps / healthzRps, 2),
      // Server CPU per request: less sensitive to other load on the machine than requests/s.
      healthzCpuUsPerRequest: round((totals.healthz.cpuMs * 1000) / totals.healthz.requests),
      meCpuUsPerRequest: round((totals.me.cpuMs * 1000) / totals.me.requests),
      errors: totals.healthz.errors + totals.me.errors,
      stopMs: { first: round(firstStop.stopMs), later: round(laterStop.stopMs) },
      exitCodes: { first: firstStop.code, later: laterStop.code },
    };
    printReport(figures);
    if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
  } finally {
    if (later.child.exitCode === null) later.child.kill('SIGKILL');
  }
}

/** Lets the server settle (timers, GC) and reads its memory. */
async function idleFigures(pid) {
  await sleep(3000);
  return processFigures(pid);
}

function printReport(f) {
  const rows = [
    [
      '(a) first start → /readyz 200',
      `${f.firstStartReadyMs} ms (CPU ${f.firstStartCpuMs} ms)`,
      `${f.bareNodeReadyMs} ms bare Node`,
      `×${round(f.firstStartReadyMs / f.bareNodeReadyMs, 1)}`,
      `≤ ${TARGETS.firstStartMs} ms`,
      ratioToTarget(f.firstStartReadyMs, TARGETS.firstStartMs),
    ],
    [
      '(a) later start → /readyz 200',
      `${f.laterStartReadyMs} ms (CPU ${f.laterStartCpuMs} ms)`,
      `${f.bareNodeReadyMs} ms bare Node`,
      `×${round(f.laterStartReadyMs / f.bareNodeReadyMs, 1)}`,
      `≤ ${TARGETS.laterStartMs} ms`,
      ratioToTarget(f.laterStartReadyMs, TARGETS.laterStartMs),
    ],
    [
      '(b) idle RSS after later start',
      `${f.idleRssMb} MB`,
      `${f.bareNodeRssMb} MB bare Node`,
      `×${round(f.idleRssMb / f.bareNodeRssMb, 1)}`,
      `≤ ${TARGETS.idleRssMb} MB`,
      ratioToTarget(f.idleRssMb, TARGETS.idleRssMb),
    ],
    [
      '    idle RSS after first start',
      `${f.firstStartIdleRssMb} MB`,
      `${f.bareNodeRssMb} MB bare Node`,
      `×${round(f.firstStartIdleRssMb / f.bareNodeRssMb, 1)}`,
      `≤ ${TARGETS.idleRssMb} MB`,
      ratioToTarget(f.firstStartIdleRssMb, TARGETS.idleRssMb),
    ],
    [
      '(c) GET /api/v1/me (Bearer)',
      `${f.meRps} req/s`,
      `${f.healthzRps} req/s /healthz`,
      `×${f.meToHealthz}`,
      `≥ ×${TARGETS.meRatio}`,
      f.meToHealthz >= TARGETS.meRatio ? 'met' : 'MISSED',
    ],
  ];
  const header = ['figure', 'measured', 'baseline (same run)', 'ratio', 'target', 'vs target'];
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    `\nserver CPU per request: /healthz ${f.healthzCpuUsPerRequest} µs, /api/v1/me ${f.meCpuUsPerRequest} µs (healthz/me ×${round(f.healthzCpuUsPerRequest / f.meCpuUsPerRequest, 2)})`,
  );
  console.log(
    `peak RSS ${f.peakRssMb} MB, RSS after the load ${f.rssAfterLoadMb} MB; stop on SIGTERM took ${f.stopMs.first} / ${f.stopMs.later} ms (exit codes ${f.exitCodes.first} / ${f.exitCodes.later}); ${f.errors} failed requests during the load.`,
  );
}

function ratioToTarget(value, target) {
  return `${round(value / target, 2)} of it — ${value <= target ? 'met' : 'MISSED'}`;
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    agent.destroy();
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
  });
