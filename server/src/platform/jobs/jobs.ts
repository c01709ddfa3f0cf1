import PgBoss from 'pg-boss';
import { CompiledQuery, sql } from 'kysely';
import type { Database, Trx } from '../../db/database.js';
import { afterCommit } from '../../db/database.js';
import { newId } from '../ids.js';

/**
 * Job names and their payloads. Each module adds its own jobs by augmenting
 * this interface, so `send`, `work` and `schedule` are type-checked:
 *
 *     declare module '../platform/jobs/jobs.js' {
 *       interface JobPayloads { 'crm.recalculate-score': { orgId: string; recordId: string } }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string;

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  /** Aborted when this node stops its workers: a long handler stops at a safe point and leaves the rest to be picked up again. */
  signal: AbortSignal;
  /** Retries left if this run throws (0: the last attempt, so record the failure for good). */
  retriesLeft: number;
}

export interface SendOptions {
  /** Not before this moment (a Date) or this many seconds from now. */
  startAfter?: Date | number;
  /** At most one queued job with this key per queue (pg-boss singletonKey). */
  singletonKey?: string;
  /** Attempts after the first failure (default 3), the delay before the first retry in seconds (default 10), doubling when `retryBackoff` (default true). */
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A run that takes longer fails (default 15 minutes, at most 23 hours). */
  expireInSeconds?: number;
  /** Insert the job in this transaction: it exists only if the transaction commits. */
  trx?: Trx;
}

export interface WorkOptions {
  /** How often an idle worker looks for jobs. Keep it slow: a job sent by this process wakes its worker anyway. */
  pollingIntervalSeconds?: number;
}

export interface Jobs {
  /** Queues a job; returns its id (null when a singleton key suppressed it). Works on nodes that run no workers too. */
  send<N extends JobName>(name: N, data: JobPayloads[N], options?: SendOptions): Promise<string | null>;
  /**
   * Declares the handler of a queue. Workers start with `start()` (only on nodes
   * that run workers). A job that throws is retried; handlers must be idempotent
   * (a job can run twice after a crash or an expiry).
   */
  work<N extends JobName>(name: N, handler: (job: Job<JobPayloads[N]>) => Promise<void>, options?: WorkOptions): Promise<void>;
  /** A recurring job (cron, 5 fields, in `tz`, default UTC); stored in the database, so one node sends it. Re-scheduling replaces it. */
  schedule<N extends JobName>(
    name: N,
    cron: string,
    data?: JobPayloads[N],
    options?: { tz?: string; expireInSeconds?: number },
  ): Promise<void>;
  unschedule(name: JobName): Promise<void>;
  /**
   * A recurring job a feature declares at plugin registration: applied (`schedule`) when this node starts its
   * background work, so only nodes that run workers write schedules.
   */
  scheduleOnStart<N extends JobName>(
    name: N,
    cron: string,
    data?: JobPayloads[N],
    options?: { tz?: string; expireInSeconds?: number },
  ): void;
  /** Makes this node's worker of `name` look for due jobs now. */
  wake(name: JobName): void;
  /**
   * A task of this node while its workers run: once right after `start()`, then every `seconds` (a run still going
   * makes the next one wait). Every node that runs workers runs it: keep it cheap and safe side by side (claim rows
   * with `FOR UPDATE SKIP LOCKED`…). Declare it at registration, like `work`.
   */
  every(name: string, seconds: number, task: () => Promise<void>): void;
  /** Starts pg-boss (schema check, maintenance, schedules) and the declared workers. Resolves with the milliseconds it took. */
  start(): Promise<number>;
  /** Stops the workers, waiting for running jobs (at most `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  readonly started: boolean;
}

type Log = (message: string, error?: unknown) => void;
type SqlResult = { rows: unknown[] };

export const JOBS_SCHEMA = 'pgboss';
/** How often something taken for stopped after `staleSeconds` of silence beats: a quarter of it, at most every 15 s. */
export const beatSeconds = (staleSeconds: number) => Math.max(1, Math.min(15, staleSeconds / 4));
/** setTimeout's limit is ~24.8 days; later wake-ups are left to polling. */
const MAX_WAKE_MS = 24 * 3600_000;

/**
 * pg-boss's database adapter: every statement through our database handle, on
 * one connection together with its ROLLBACK when it fails. pg-boss sends
 * `BEGIN; …; COMMIT;` as one string, and a failure inside it would leave the
 * session in an aborted transaction — on PGlite, the only session there is.
 */
export function createPgBossDb(database: Database) {
  let inFlight = 0;
  return {
    /** Statements started and not finished yet. */
    inFlight: () => inFlight,
    async executeSql(text: string, values?: unknown[]): Promise<SqlResult> {
      inFlight++;
      try {
        return await database.db.connection().execute(async (connection) => {
          try {
            const result = await connection.executeQuery(CompiledQuery.raw(text, values ?? []));
            return { rows: result.rows as unknown[] };
          } catch (error) {
            if (/^\s*BEGIN\b/i.test(text)) await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
            throw error;
          }
        });
      } finally {
        inFlight--;
      }
    },
  };
}

/**
 * Background jobs on the application database with pg-boss 10, on PostgreSQL
 * and on the embedded database alike. pg-boss gets no pool of its own: every
 * statement goes through our database handle (on PGlite there is one session).
 */
export function createJobs(options: {
  database: Database;
  log?: Log;
  /** A node silent this long is taken for stopped, and the jobs it had started are retried (WORKER_STALE_SECONDS). */
  staleSeconds?: number;
}): Jobs {
  const { database } = options;
  const staleSeconds = options.staleSeconds ?? 60;
  const log: Log = (message, error) => options.log?.(message, error);
  const embedded = database.kind === 'embedded';
  const adapter = createPgBossDb(database);

  const inTransaction = (trx: Trx) => ({
    executeSql: async (text: string, values?: unknown[]): Promise<SqlResult> => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values ?? []))).rows as unknown[],
    }),
  });

  const boss = new PgBoss({
    db: { executeSql: adapter.executeSql as PgBoss.Db['executeSql'] },
    schema: JOBS_SCHEMA,
    migrate: true,
    supervise: true,
    schedule: true,
    // Modest polling: on the embedded database every query waits its turn.
    maintenanceIntervalSeconds: embedded ? 600 : 120,
    cronMonitorIntervalSeconds: 30,
    cronWorkerIntervalSeconds: embedded ? 30 : 10,
    clockMonitorIntervalMinutes: 10,
    pollingIntervalSeconds: embedded ? 30 : 10,
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    deleteAfterDays: 7,
  });
  boss.on('error', (error) => log('background jobs: error', error));

  const knownQueues = new Set<string>();
  const declared = new Map<string, { handler: (job: Job<never>) => Promise<void>; options: WorkOptions }>();
  const workerIds = new Map<string, string>();
  const startSchedules = new Map<string, { cron: string; data: unknown; options: { tz?: string; expireInSeconds?: number } }>();
  const wakeTimers = new Set<NodeJS.Timeout>();
  let started = false;
  let starting: Promise<number> | null = null;
  /** Aborted when the workers stop (Job.signal). */
  let stopSignal = new AbortController();
  const periodic = new Map<string, { seconds: number; task: () => Promise<void> }>();
  const periodicTimers = new Set<NodeJS.Timeout>();
  const periodicRuns = new Map<string, Promise<void>>();
  /** This node in platform.worker_nodes while its workers run. */
  const nodeId = newId();

  function runPeriodic(name: string) {
    if (periodicRuns.has(name)) return;
    const run = periodic
      .get(name)!
      .task()
      .catch((error) => log(`background jobs: ${name} failed`, error))
      .finally(() => periodicRuns.delete(name));
    periodicRuns.set(name, run);
  }

  /**
   * A job pg-boss marked active stays so until it expires (15 minutes by default, hours for some) when the node
   * running it dies. Nodes that run workers beat on their row of platform.worker_nodes; a row silent for
   * `staleSeconds` goes, and then every job still active that started before every node alive now started cannot be
   * any live node's: it is failed at once, so pg-boss retries it (handlers are idempotent). Jobs of a dead node that
   * started after a node still alive started are left to their expiry.
   */
  async function beat(): Promise<void> {
    await sql`INSERT INTO platform.worker_nodes (id, started_at, heartbeat_at) VALUES (${nodeId}, now(), now())
              ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`.execute(database.db);
    const gone = await sql<{ id: string }>`DELETE FROM platform.worker_nodes
              WHERE heartbeat_at < now() - make_interval(secs => ${staleSeconds}) RETURNING id`.execute(database.db);
    if (gone.rows.length === 0) return;
    const orphans = await sql<{ id: string; name: string }>`SELECT j.id, j.name FROM ${sql.raw(JOBS_SCHEMA)}.job j
              WHERE j.state = 'active' AND j.started_on < (SELECT min(started_at) FROM platform.worker_nodes)`.execute(database.db);
    const byName = new Map<string, string[]>();
    for (const job of orphans.rows) byName.set(job.name, [...(byName.get(job.name) ?? []), job.id]);
    for (const [name, ids] of byName)
      for (const id of ids) await boss.fail(name, id, { message: 'The node running this job stopped beating: tried again.' });
    if (orphans.rows.length > 0)
      log(`background jobs: ${gone.rows.length} node(s) stopped beating; ${orphans.rows.length} job(s) they had started are retried`);
  }
  periodic.set('platform.worker-nodes', { seconds: beatSeconds(staleSeconds), task: beat });

  async function ensureQueue(name: string, trx?: Trx): Promise<void> {
    if (knownQueues.has(name)) return;
    if (trx) {
      // Creating a queue is idempotent (ON CONFLICT DO NOTHING in pg-boss's function), so it may run in the caller's transaction.
      await trx.executeQuery(
        CompiledQuery.raw(`SELECT ${JOBS_SCHEMA}.create_queue($1, $2)`, [name, JSON.stringify({ policy: 'standard' })]),
      );
      afterCommit(() => knownQueues.add(name));
    } else {
      await boss.createQueue(name);
      knownQueues.add(name);
    }
  }

  async function startWorker(name: string): Promise<void> {
    const entry = declared.get(name)!;
    await ensureQueue(name);
    const id = await boss.work<object>(
      name,
      { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: entry.options.pollingIntervalSeconds ?? (embedded ? 30 : 10) },
      async (batch) => {
        try {
          for (const job of batch)
            await entry.handler({
              id: job.id,
              name: job.name,
              data: job.data as never,
              signal: stopSignal.signal,
              retriesLeft: Math.max(0, job.retryLimit - job.retryCount),
            });
        } finally {
          // pg-boss fetches the next batch only when notified or after the polling interval: jobs sent while this
          // batch ran would otherwise wait that long. Look again at once (an empty fetch then sleeps as usual).
          const workerId = workerIds.get(name);
          if (workerId) boss.notifyWorker(workerId);
        }
      },
    );
    workerIds.set(name, id);
  }

  function wakeLater(name: string, startAfter: Date | number | undefined) {
    const workerId = workerIds.get(name);
    if (!workerId) return;
    const delayMs = startAfter === undefined ? 0 : startAfter instanceof Date ? startAfter.getTime() - Date.now() : startAfter * 1000;
    if (delayMs <= 0) return boss.notifyWorker(workerId);
    if (delayMs > MAX_WAKE_MS) return;
    // pg-boss takes jobs whose start_after < now(): wake a little after it.
    const timer = setTimeout(() => {
      wakeTimers.delete(timer);
      boss.notifyWorker(workerId);
    }, delayMs + 250);
    timer.unref();
    wakeTimers.add(timer);
  }

  return {
    get started() {
      return started;
    },
    async send(name, data, sendOptions = {}) {
      const { trx, startAfter, ...rest } = sendOptions;
      await ensureQueue(name, trx);
      const pgBossOptions: PgBoss.SendOptions = { ...rest };
      if (startAfter !== undefined) pgBossOptions.startAfter = startAfter;
      if (trx) pgBossOptions.db = inTransaction(trx);
      const id = await boss.send(name, data as object, pgBossOptions);
      if (trx) afterCommit(() => wakeLater(name, startAfter));
      else wakeLater(name, startAfter);
      return id;
    },
    async work(name, handler, workOptions = {}) {
      if (declared.has(name)) throw new Error(`A handler for job ${name} is already declared`);
      declared.set(name, { handler: handler as (job: Job<never>) => Promise<void>, options: workOptions });
      if (started) await startWorker(name);
    },
    async schedule(name, cron, data, scheduleOptions = {}) {
      await ensureQueue(name);
      await boss.schedule(name, cron, (data ?? {}) as object, {
        tz: scheduleOptions.tz ?? 'UTC',
        ...(scheduleOptions.expireInSeconds ? { expireInSeconds: scheduleOptions.expireInSeconds } : {}),
      });
    },
    async unschedule(name) {
      await boss.unschedule(name);
    },
    scheduleOnStart(name, cron, data, scheduleOptions = {}) {
      startSchedules.set(name, { cron, data, options: scheduleOptions });
    },
    wake(name) {
      const workerId = workerIds.get(name);
      if (workerId) boss.notifyWorker(workerId);
    },
    every(name, seconds, task) {
      if (periodic.has(name)) throw new Error(`A task named ${name} is already declared`);
      periodic.set(name, { seconds, task });
    },
    start() {
      starting ??= (async () => {
        const startedAt = Date.now();
        // Queues that exist need no create_queue call (a plpgsql function: slow on a cold embedded database).
        const existing = await adapter.executeSql(`SELECT name FROM ${JOBS_SCHEMA}.queue`);
        for (const row of existing.rows as Array<{ name: string }>) knownQueues.add(row.name);
        // Registered before any job is fetched: every job this node starts starts after its row says it started.
        await sql`INSERT INTO platform.worker_nodes (id, started_at, heartbeat_at) VALUES (${nodeId}, now(), now())
                  ON CONFLICT (id) DO UPDATE SET started_at = now(), heartbeat_at = now()`.execute(database.db);
        stopSignal = new AbortController();
        await boss.start();
        for (const name of declared.keys()) await startWorker(name);
        for (const [name, entry] of startSchedules) {
          await ensureQueue(name);
          await boss.schedule(name, entry.cron, (entry.data ?? {}) as object, {
            tz: entry.options.tz ?? 'UTC',
            ...(entry.options.expireInSeconds ? { expireInSeconds: entry.options.expireInSeconds } : {}),
          });
        }
        started = true;
        for (const [name, entry] of periodic) {
          runPeriodic(name);
          const timer = setInterval(() => runPeriodic(name), entry.seconds * 1000);
          timer.unref();
          periodicTimers.add(timer);
        }
        return Date.now() - startedAt;
      })();
      return starting;
    },
    async stop(timeoutMs = 10_000) {
      await starting?.catch(() => undefined);
      for (const timer of wakeTimers) clearTimeout(timer);
      wakeTimers.clear();
      for (const timer of periodicTimers) clearInterval(timer);
      periodicTimers.clear();
      stopSignal.abort();
      await Promise.all(periodicRuns.values());
      if (started) await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      // Silent from now on: a job that did not finish in time is retried as soon as a node looks.
      if (started)
        await sql`UPDATE platform.worker_nodes SET heartbeat_at = '-infinity' WHERE id = ${nodeId}`
          .execute(database.db)
          .catch((error) => log('background jobs: could not sign this node off', error));
      started = false;
      starting = null;
      workerIds.clear();
      // pg-boss does not await every statement it starts (completions, the last poll): let them finish before the database closes.
      const until = Date.now() + 5000;
      while (adapter.inFlight() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
