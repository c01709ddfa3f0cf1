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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  root,
  CONNECTIONS,
  children,
  cleanups,
  sleep,
  round,
  freePort,
  processFigures,
  agent,
  request,
  startAndWait,
  load,
  preparePostgres,
} from './lib.mjs';

const serverEntry = path.join(root, 'server/dist/main.js');
const SECONDS = Number(process.env.BENCH_SECONDS || 6);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
const TARGETS = { firstStartMs: 10_000, laterStartMs: 3_000, idleRssMb: 300, meRatio: 0.5 };

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
