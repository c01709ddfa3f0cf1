import { sql } from 'kysely';
import { afterCommit, type Database, type Trx } from '../../db/database.js';
import { newId } from '../ids.js';
import { createCluster, type Cluster } from './cluster.js';

/**
 * Domain events through a transactional outbox.
 *
 * `emit(trx, …)` writes the event row in the caller's transaction, so the event
 * exists if and only if the change that caused it commits. After the commit the
 * event is handled by the nodes that run workers (`start()`): right away on
 * this node, promptly on the others (PostgreSQL NOTIFY, sent on commit), and by
 * a poll as the safety net (crashes, a lost LISTEN connection, retries).
 *
 * The contract for handlers (`on`):
 * - **At least once.** A handler runs once per event in the normal case, but it
 *   may run again for the same event: after a crash between the handler and the
 *   bookkeeping, or when a claim expires while it is still running. Handlers
 *   must be idempotent: use `event.id` as the idempotency key (a unique column,
 *   `ON CONFLICT DO NOTHING`), or make the effect naturally repeatable (set a
 *   state, push a message that clients de-duplicate by id).
 * - **Independent.** Each handler of an event runs even when another one fails.
 *   A failing handler is retried alone, with a growing delay (10 s, 20 s, 40 s…
 *   at most 1 hour), up to MAX_ATTEMPTS claims of the event; the handlers that
 *   succeeded are not run again. After the last attempt the event stays in
 *   `platform.outbox` with `last_error` for someone to look at.
 * - **Named.** Which handlers succeeded is stored by name, so a handler's name
 *   must stay the same across deployments (`on(type, fn, {name})`; the default
 *   is the type plus the function's name).
 * - **Outside any transaction, after commit,** in no guaranteed order between
 *   events. A handler opens its own transaction when it writes.
 */
export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  orgId: string | null;
  payload: P;
  createdAt: Date;
  /** 1 on the first delivery, 2 on the first retry… */
  attempt: number;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;
/** Handles several events; resolves with those that failed (event id → error). */
export type BatchEventHandler = (events: DomainEvent[]) => Promise<Map<string, unknown> | void>;

export interface EventBus {
  /** Writes the event in the caller's transaction (transactional outbox); handlers run after commit. Returns the event id. */
  emit(trx: Trx, type: string, orgId: string | null, payload: Record<string, unknown>): Promise<string>;
  /** Writes several events of one type in one statement (imports, bulk writes); returns their ids in order. */
  emitMany(trx: Trx, type: string, orgId: string | null, payloads: Array<Record<string, unknown>>): Promise<string[]>;
  /** Subscribes a handler to a type ('*' for all). Read the contract above: handlers must be idempotent. */
  on(type: string, handler: EventHandler, options?: { name?: string }): void;
  /**
   * Subscribes a handler that takes the events of a type several at a time (up to 500, in id order), for work that
   * is cheaper set-wise (one query for many records). Same contract as `on`, per event: it resolves with the events
   * that failed (id → error); the others count as handled. Should it throw, each event of the call is tried alone.
   */
  onBatch(type: string, handler: BatchEventHandler, options: { name: string }): void;
  /** Handles every pending event now (this node); resolves with how many events were claimed. */
  drain(): Promise<number>;
  /** Starts handling events on this node: after each commit, on NOTIFY from other nodes, and by polling. */
  start(): void;
  stop(): Promise<void>;
}

/** Events claimed per query. */
const BATCH = 100;
/** Events of this node's own handled per bookkeeping statement. */
const LOCAL_BATCH = 500;
/** Claims per event before giving up (also in the outbox indexes' predicates, migration 0017). */
export const MAX_ATTEMPTS = 10;
/** How long a claim keeps other nodes away; longer than a batch takes (OUTBOX_CLAIM_SECONDS). */
const CLAIM_SECONDS = 300;
/**
 * Events a node that runs workers handles from memory, without reading them
 * back: written already claimed by this node for LOCAL_CLAIM_SECONDS (another
 * node takes them over after a crash). Beyond this many waiting, events are
 * written unclaimed and go through the ordinary claim.
 */
const LOCAL_CAPACITY = 2_000;
/** OUTBOX_LOCAL_CLAIM_SECONDS. */
const LOCAL_CLAIM_SECONDS = 60;
/** A handler that takes longer counts as failed (it would otherwise hold the whole batch). */
const HANDLER_TIMEOUT_MS = 60_000;
/** The delay before retry number `attempt` (1-based): 10 s, 20 s, 40 s… at most an hour. */
export const retryDelaySeconds = (attempt: number) => Math.min(3600, 5 * 2 ** attempt);

export const OUTBOX_CHANNEL = 'clave_outbox';

interface NamedHandler {
  name: string;
  type: string;
  fn?: EventHandler;
  batch?: BatchEventHandler;
}

/** A claimed event on its way through its handlers: those done, and why others failed. */
interface Progress {
  row: ClaimedRow;
  handled: string[];
  failures: string[];
}

interface ClaimedRow {
  id: string;
  type: string;
  org_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
  handled: string[];
}

export function createEventBus(options: {
  database: Database;
  cluster?: Cluster;
  log?: (msg: string, err?: unknown) => void;
  pollMs?: number;
  /** Drain loops at once (default: 2 on PostgreSQL, 1 on the embedded database, which has one connection). */
  workers?: number;
  /** After a crash, a node's claimed events wait this long for another node (default CLAIM_SECONDS). */
  claimSeconds?: number;
  /** The same for the events a node claimed as it wrote them (default LOCAL_CLAIM_SECONDS). */
  localClaimSeconds?: number;
}): EventBus {
  const { database } = options;
  const claimSeconds = options.claimSeconds ?? CLAIM_SECONDS;
  const localClaimSeconds = options.localClaimSeconds ?? LOCAL_CLAIM_SECONDS;
  const workers = Math.max(1, options.workers ?? (database.kind === 'embedded' ? 1 : 2));
  const cluster = options.cluster ?? createCluster({ database, log: options.log });
  const log = (message: string, error?: unknown) => options.log?.(message, error);
  /** In registration order: an event's handlers run in this order ('*' handlers after the typed ones). */
  const handlers: NamedHandler[] = [];
  /** Transactions that already sent the NOTIFY (one per transaction is enough). */
  const notified = new WeakSet<Trx>();
  let timer: NodeJS.Timeout | null = null;
  /** Committed events this node claimed when writing them, waiting for their handlers. */
  const local: ClaimedRow[] = [];
  let unsubscribe: (() => void) | null = null;
  /** Drain loops running now, and how many events they claimed since none was running. */
  const loops = new Set<Promise<void>>();
  let claimedSinceIdle = 0;
  /** Drains asked for so far: a loop that found nothing ends only if none was asked for while it looked. */
  let requests = 0;
  const idleWaiters: Array<{ resolve: (claimed: number) => void }> = [];
  /** stop() was called: a drain hands back what it has not begun instead of finishing it. */
  let stopping = false;

  /** Claims a batch so that another node does not handle the same events at the same time. */
  async function claimBatch(): Promise<ClaimedRow[]> {
    // Two index ranges (migration 0017): unclaimed events by id, expired claims by expiry. The attempts
    // limit is written as a literal so that the partial indexes' predicates visibly hold.
    const attemptsLeft = sql.raw(`attempts < ${MAX_ATTEMPTS}`);
    const result = await sql<ClaimedRow>`
      WITH unclaimed AS (
        SELECT id FROM platform.outbox WHERE processed_at IS NULL AND claimed_until IS NULL AND ${attemptsLeft}
        ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED),
      expired AS (
        SELECT id FROM platform.outbox WHERE processed_at IS NULL AND claimed_until IS NOT NULL AND claimed_until < now()
          AND ${attemptsLeft}
        ORDER BY claimed_until LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      UPDATE platform.outbox SET claimed_until = now() + make_interval(secs => ${claimSeconds}), attempts = attempts + 1
      WHERE id IN (SELECT id FROM unclaimed UNION ALL SELECT id FROM expired)
      RETURNING id, type, org_id, payload, created_at, attempts, handled`.execute(database.db);
    return result.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Runs `work` with the handler time limit. */
  async function withTimeout<T>(work: Promise<T>): Promise<T> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`timed out after ${HANDLER_TIMEOUT_MS} ms`)), HANDLER_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timeout);
    }
  }

  const toEvent = (row: ClaimedRow): DomainEvent => ({
    id: row.id,
    type: row.type,
    orgId: row.org_id,
    payload: row.payload,
    createdAt: row.created_at,
    attempt: row.attempts,
  });

  function recordFailure(progress: Progress, handler: NamedHandler, error: unknown) {
    const { row } = progress;
    progress.failures.push(`${handler.name}: ${String((error as Error)?.message ?? error)}`);
    const final = row.attempts >= MAX_ATTEMPTS;
    log(
      `event ${row.type} ${row.id}: handler ${handler.name} failed (attempt ${row.attempts} of ${MAX_ATTEMPTS}${final ? ', giving up' : ''})`,
      error,
    );
  }

  /** One event through one handler (a batch handler gets a batch of one). */
  async function runOne(handler: NamedHandler, progress: Progress): Promise<void> {
    const event = toEvent(progress.row);
    try {
      if (handler.fn) await withTimeout(handler.fn(event));
      else {
        const errors = await withTimeout(handler.batch!([event]));
        if (errors?.has(event.id)) throw errors.get(event.id);
      }
      progress.handled.push(handler.name);
    } catch (error) {
      recordFailure(progress, handler, error);
    }
  }

  /** A batch handler over several events; should it throw, each event is tried alone, so that one bad event fails alone. */
  async function runBatch(handler: NamedHandler, batch: Progress[]): Promise<void> {
    let errors: Map<string, unknown> | void;
    try {
      errors = await withTimeout(handler.batch!(batch.map((progress) => toEvent(progress.row))));
    } catch (error) {
      if (batch.length === 1) return recordFailure(batch[0]!, handler, error);
      log(`handler ${handler.name} failed on a batch of ${batch.length} events; trying them one by one`, error);
      for (const progress of batch) await runOne(handler, progress);
      return;
    }
    for (const progress of batch) {
      if (errors?.has(progress.row.id)) recordFailure(progress, handler, errors.get(progress.row.id));
      else progress.handled.push(handler.name);
    }
  }

  const appliesTo = (handler: NamedHandler, type: string) => handler.type === type || handler.type === '*';

  /**
   * Runs the handlers of claimed events handler by handler (a batch handler takes its events together), so that each
   * event still meets its handlers in registration order. When the bus is stopping, it stops between two calls and
   * returns false.
   */
  async function runHandlers(states: Progress[]): Promise<boolean> {
    for (const handler of [...handlers.filter((h) => h.type !== '*'), ...handlers.filter((h) => h.type === '*')]) {
      const due = states.filter((progress) => appliesTo(handler, progress.row.type) && !progress.handled.includes(handler.name));
      if (handler.batch) {
        for (let start = 0; start < due.length; start += LOCAL_BATCH) {
          if (stopping) return false;
          await runBatch(handler, due.slice(start, start + LOCAL_BATCH));
        }
      } else
        for (const progress of due) {
          if (stopping) return false;
          await runOne(handler, progress);
        }
    }
    return true;
  }

  /** Marks handled events done in one statement (a batch of an import is one update, not a hundred). */
  async function markProcessed(done: Array<{ id: string; handled: string[] }>): Promise<void> {
    if (done.length === 0) return;
    await sql`UPDATE platform.outbox o SET processed_at = now(), claimed_until = NULL, last_error = NULL,
                handled = ARRAY(SELECT jsonb_array_elements_text(d.handled::jsonb))
              FROM unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => JSON.stringify(d.handled))}::text[]) AS d(id, handled)
              WHERE o.id = d.id`.execute(database.db);
  }

  async function markFailed(row: ClaimedRow, handled: string[], failures: string[]): Promise<void> {
    // Only the failed handlers run again, after a growing delay.
    await sql`UPDATE platform.outbox SET handled = ${handled}::text[], last_error = ${failures.join('\n').slice(0, 4000)},
              claimed_until = now() + make_interval(secs => ${retryDelaySeconds(row.attempts)}) WHERE id = ${row.id}`.execute(database.db);
  }

  /**
   * Gives claimed events this node will not finish (it is stopping) back at once, as if never claimed, with the
   * handlers already done, so that the next node to look (this one after a restart) takes them without waiting for
   * the claim to run out, and runs only the rest.
   */
  async function release(rows: Array<{ id: string; handled: string[] }>): Promise<void> {
    if (rows.length === 0) return;
    await sql`UPDATE platform.outbox o SET claimed_until = NULL, attempts = greatest(o.attempts - 1, 0),
                handled = ARRAY(SELECT jsonb_array_elements_text(d.handled::jsonb))
              FROM unnest(${rows.map((row) => row.id)}::uuid[], ${rows.map((row) => JSON.stringify(row.handled))}::text[]) AS d(id, handled)
              WHERE o.id = d.id AND o.processed_at IS NULL`
      .execute(database.db)
      .catch((error) => log(`${rows.length} events could not be given back; they wait for their claim to run out`, error));
  }

  /** Handles claimed rows (when stopping, what is not finished is given back). */
  async function handleClaimed(rows: ClaimedRow[]): Promise<void> {
    const states: Progress[] = rows.map((row) => ({ row, handled: [...row.handled], failures: [] }));
    const finished = await runHandlers(states);
    const done: Array<{ id: string; handled: string[] }> = [];
    const unfinished: Array<{ id: string; handled: string[] }> = [];
    for (const { row, handled, failures } of states) {
      if (failures.length > 0)
        await markFailed(row, handled, failures).catch((error) => log(`event ${row.type} ${row.id} could not be recorded`, error));
      else if (finished || handlers.every((handler) => !appliesTo(handler, row.type) || handled.includes(handler.name)))
        done.push({ id: row.id, handled });
      else unfinished.push({ id: row.id, handled });
    }
    await release(unfinished);
    try {
      await markProcessed(done);
    } catch (error) {
      // The bookkeeping failed (database gone?): the claims expire and the events are handled again (handlers are idempotent).
      log(`${done.length} events could not be recorded as handled`, error);
    }
  }

  /**
   * One drain loop: this node's own events first (no claim, no read back), then claimed ones, until none is left and
   * no drain was asked for since it last looked.
   */
  async function drainLoop(): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopping) return total;
      const asked = requests;
      const rows = local.length > 0 ? local.splice(0, LOCAL_BATCH) : await claimBatch();
      // More waiting than this batch: another loop takes the next batch meanwhile.
      if (local.length > 0 || rows.length === BATCH) startLoop();
      if (rows.length > 0) await handleClaimed(rows);
      total += rows.length;
      if (rows.length === 0 && asked === requests && local.length === 0) return total;
    }
  }

  /** Starts a drain loop unless `workers` run already. */
  function startLoop(): void {
    if (loops.size >= workers) return;
    const loop: Promise<void> = drainLoop()
      .then((claimed) => {
        claimedSinceIdle += claimed;
      })
      .finally(() => {
        loops.delete(loop);
        if (loops.size > 0) return;
        const claimed = claimedSinceIdle;
        claimedSinceIdle = 0;
        for (const waiter of idleWaiters.splice(0)) waiter.resolve(claimed);
      });
    // A failing loop ends like any other (its error is logged); the drain still resolves.
    loop.catch((error: unknown) => log('outbox drain failed', error));
    loops.add(loop);
  }

  /**
   * Handles what is pending and resolves, once no drain loop runs any more, with how many events were claimed
   * meanwhile. One loop runs while it keeps up; when events wait while it works (more than the batch it took, or
   * committed since), a second one (up to `workers`) takes them, so the database works on one batch while this
   * process prepares the other; an idle node makes no extra claim query. A drain
   * asked for while loops run is taken by a running loop, so nothing committed meanwhile waits for the poll.
   */
  function drain(): Promise<number> {
    requests++;
    if (loops.size === 0 || local.length > 0) startLoop();
    return new Promise<number>((resolve) => idleWaiters.push({ resolve }));
  }

  const drainInBackground = () => void drain();

  const emitMany: EventBus['emitMany'] = async (trx, type, orgId, payloads) => {
    if (payloads.length === 0) return [];
    const rows = payloads.map((payload) => ({ id: newId(), org_id: orgId, type, payload: JSON.stringify(payload) }));
    // While this node runs workers and keeps up, it claims its own events as it writes them.
    const claimed = timer ? Math.max(0, Math.min(rows.length, LOCAL_CAPACITY - local.length)) : 0;
    // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
    for (let start = 0; start < rows.length; start += 1000) {
      const chunk = rows.slice(start, start + 1000);
      const own = chunk.slice(0, Math.max(0, claimed - start));
      const others = chunk.slice(own.length);
      if (own.length > 0)
        await trx
          .insertInto('platform.outbox')
          .values(
            own.map((row) => ({ ...row, attempts: 1, claimed_until: sql<Date>`now() + make_interval(secs => ${localClaimSeconds})` })),
          )
          .execute();
      if (others.length > 0) await trx.insertInto('platform.outbox').values(others).execute();
    }
    if (claimed > 0) {
      const createdAt = new Date();
      const own: ClaimedRow[] = rows
        .slice(0, claimed)
        // Parsed back from the stored text: handlers see exactly what a read from the table would give.
        .map((row) => ({
          id: row.id,
          type,
          org_id: orgId,
          payload: JSON.parse(row.payload),
          created_at: createdAt,
          attempts: 1,
          handled: [],
        }));
      afterCommit(() => {
        local.push(...own);
        drainInBackground();
      });
    }
    if (!notified.has(trx)) {
      notified.add(trx);
      await cluster.publish(OUTBOX_CHANNEL, '', trx);
    }
    return rows.map((row) => row.id);
  };

  return {
    async emit(trx, type, orgId, payload) {
      const [id] = await emitMany(trx, type, orgId, [payload]);
      return id!;
    },
    emitMany,
    on(type, handler, handlerOptions) {
      let name = handlerOptions?.name ?? `${type}:${handler.name || 'handler'}`;
      const sameType = handlers.filter((h) => h.type === type);
      if (sameType.some((h) => h.name === name)) {
        if (handlerOptions?.name) throw new Error(`An event handler named "${name}" is already registered for ${type}`);
        name = `${name}#${sameType.length + 1}`;
      }
      handlers.push({ name, type, fn: handler });
    },
    onBatch(type, handler, handlerOptions) {
      if (handlers.some((h) => h.type === type && h.name === handlerOptions.name))
        throw new Error(`An event handler named "${handlerOptions.name}" is already registered for ${type}`);
      handlers.push({ name: handlerOptions.name, type, batch: handler });
    },
    drain,
    start() {
      if (timer) return;
      // The poll is a safety net (retries, a lost LISTEN connection): on the embedded database every commit already triggers a drain in-process.
      timer = setInterval(drainInBackground, options.pollMs ?? (database.kind === 'embedded' ? 15_000 : 5_000));
      timer.unref();
      cluster
        .subscribe(OUTBOX_CHANNEL, drainInBackground)
        .then((off) => {
          if (timer) unsubscribe = off;
          else off();
        })
        .catch((error) => log('could not listen for outbox notifications; polling only', error));
      cluster.onReconnect(() => timer && drainInBackground());
      // Events committed while no node was running workers.
      setImmediate(() => timer && drainInBackground());
    },
    async stop() {
      if (timer) clearInterval(timer);
      const started = timer !== null;
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      // The event being handled finishes; the rest is given back for the next node (or this one after a restart).
      if (started) stopping = true;
      await Promise.all([...loops].map((loop) => loop.catch(() => undefined)));
      if (started) await release(local.splice(0));
      stopping = false;
    },
  };
}
