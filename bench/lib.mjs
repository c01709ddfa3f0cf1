/**
 * Pieces the benchmarks share: free ports, child processes started and waited
 * for (the built server on a PostgreSQL database among them), keep-alive HTTP
 * requests, load with N requests in flight, /proc figures, scratch PostgreSQL
 * databases, bench API tokens. Children are killed and cleanups run however a
 * benchmark run through runBench() ends.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);
export const READY_TIMEOUT_MS = 120_000;

export const children = new Set();
export const cleanups = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (value, digits = 0) => Number(value.toFixed(digits));

/** A free loopback port: listen on 0, read the port, close. */
export function freePort() {
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

export const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** Memory and CPU time of a process, from /proc. */
export function processFigures(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name "(...)": utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, plus cutime + cstime: the CPU of children it waited for (the server creates a new database in one).
  const cpuMs = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuMs };
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/**
 * One HTTP request, on the shared keep-alive agent unless another is given;
 * resolves with status, headers, parsed JSON (if any), the text and the time in ms.
 */
export function request(port, method, url, { headers = {}, body, agent: via = agent, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent: via,
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
          resolve({ status: res.statusCode, headers: res.headers, json, text, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Spawns a process and waits until GET <readyPath> answers 200; returns the child and the time it took. */
export async function startAndWait({ label, args, env, port, readyPath }) {
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
 * Starts the built server (server/dist/main.js) on a PostgreSQL database, its
 * output shown, and waits until GET /readyz answers 200. DATA_DIR is `dataDir`,
 * or `<tmp>/<dataDirPrefix>-<pid>`. A cleanup stops it (SIGTERM) if still running.
 */
export async function startServerOnDatabase(
  databaseUrl,
  { label = 'server', dataDir, dataDirPrefix, readyTimeoutMs = READY_TIMEOUT_MS } = {},
) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir ?? path.join(os.tmpdir(), `${dataDirPrefix}-${process.pid}`),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  let running = true;
  const exited = new Promise((resolve) =>
    child.on('exit', () => {
      running = false;
      children.delete(child);
      resolve();
    }),
  );
  const stop = async () => {
    if (running) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!running) throw new Error(`${label} exited before it was ready`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${label} was not ready within ${readyTimeoutMs / 1000} s`);
    }
    const ok = await request(port, 'GET', '/readyz', { headers: { connection: 'close' } }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(200);
  }
  return { port, child, stop };
}

/** A personal API token for `userId`, inserted by SQL through `db`; a cleanup deletes it. Returns the token. */
export async function insertBenchToken(db, userId, name) {
  const token = `clv_${crypto.randomBytes(24).toString('base64url')}`;
  const tokenId = crypto.randomUUID();
  await db.query('INSERT INTO platform.api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, now())', [
    tokenId,
    userId,
    name,
    crypto.createHash('sha256').update(token).digest('hex'),
    token.slice(0, 10),
  ]);
  cleanups.push(() => db.query('DELETE FROM platform.api_tokens WHERE id = $1', [tokenId]));
  return token;
}

/** Creates the database DATABASE_URL names when it is missing (for the generators). */
export async function ensureDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Use a plain database name in DATABASE_URL (got ${name})`);
  url.pathname = '/postgres';
  const admin = new (loadPg().Client)({ connectionString: url.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/** Starts the built server once on the database (it migrates), sets up the organization with `admin`, and stops it. */
export async function setUpOrganization(databaseUrl, admin, { dataDir }) {
  const server = await startServerOnDatabase(databaseUrl, { dataDir, readyTimeoutMs: 180_000 });
  try {
    const setup = await request(server.port, 'POST', '/api/v1/setup', { body: admin, headers: { connection: 'close' } });
    if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${setup.text}`);
  } finally {
    await server.stop();
  }
}

/** The `pg` package the server depends on. */
export function loadPg() {
  return createRequire(path.join(root, 'server/package.json'))('pg');
}

/**
 * Keeps CONNECTIONS requests in flight on keep-alive sockets for `seconds`;
 * returns requests/s. Any answer other than 200 counts as an error.
 */
export async function load(port, url, headers, seconds) {
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
export async function preparePostgres(databaseUrl) {
  const pg = loadPg();
  const name = `clave_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    if (process.env.BENCH_KEEP_DATABASE) return console.log(`kept the scratch database ${name} (BENCH_KEEP_DATABASE)`);
    const dropper = new pg.Client({ connectionString: databaseUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Where PostgreSQL spends its time (BENCH_PG_STATEMENTS=1; needs pg_stat_statements in shared_preload_libraries):
 * `reset()` before the measured phase, `print()` after it lists the statements that took the most time.
 */
export function statementStatistics(databaseUrl, top = 20) {
  const enabled = Boolean(process.env.BENCH_PG_STATEMENTS);
  const run = async (query) => {
    const client = new (loadPg().Client)({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      return (await client.query(query)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    reset: async () => enabled && (await run('SELECT pg_stat_statements_reset()')),
    async print() {
      if (!enabled) return;
      const rows = await run(`SELECT round(total_exec_time::numeric / 1000, 2) AS seconds, calls, rows,
          left(regexp_replace(query, '\\s+', ' ', 'g'), 150) AS query
        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT ${Number(top)}`);
      const total = await run(
        'SELECT round(sum(total_exec_time)::numeric / 1000, 1) AS seconds, sum(calls) AS calls FROM pg_stat_statements',
      );
      console.log(`\nPostgreSQL: ${total[0].seconds} s in ${total[0].calls} statements; the ${top} that took longest:`);
      for (const row of rows)
        console.log(
          `${String(row.seconds).padStart(8)} s ${String(row.calls).padStart(7)} calls ${String(row.rows).padStart(8)} rows  ${row.query}`,
        );
    },
  };
}

/** Runs a benchmark's main(): on any end, children are killed, cleanups run (last first) and sockets closed. */
export async function runBench(main) {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
    agent.destroy();
  }
}
