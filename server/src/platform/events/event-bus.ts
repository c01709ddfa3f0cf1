import { sql } from 'kysely';
import type { Database, Trx } from '../../db/database.js';
import { afterCommit } from '../../db/database.js';
import { newId } from '../ids.js';

export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  orgId: string | null;
  payload: P;
  createdAt: Date;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface EventBus {
  /** Writes the event in the caller's transaction (transactional outbox); handlers run after commit. */
  emit(trx: Trx, type: string, orgId: string | null, payload: Record<string, unknown>): Promise<string>;
  /** Subscribes a handler to a type ('*' for all). Handlers must be idempotent: an event may be delivered twice after a crash. */
  on(type: string, handler: EventHandler): void;
  /** Handles pending events now; returns how many were handled. */
  drain(): Promise<number>;
  /** Starts handling events after each commit, and polling as a safety net (crashes, other nodes). */
  start(): void;
  stop(): Promise<void>;
}

const BATCH = 50;
const MAX_ATTEMPTS = 10;
const CLAIM_SECONDS = 60;

export function createEventBus(options: { database: Database; log?: (msg: string, err?: unknown) => void; pollMs?: number }): EventBus {
  const { database } = options;
  const handlers = new Map<string, EventHandler[]>();
  let timer: NodeJS.Timeout | null = null;
  let draining: Promise<number> | null = null;
  let again = false;

  /** Claims a batch so that another node does not handle the same events at the same time. */
  async function claimBatch() {
    const result = await sql<{ id: string; type: string; org_id: string | null; payload: Record<string, unknown>; created_at: Date; attempts: number }>`
      UPDATE platform.outbox SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM platform.outbox
        WHERE processed_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, type, org_id, payload, created_at, attempts`.execute(database.db);
    return result.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async function handleBatch(): Promise<number> {
    const rows = await claimBatch();
    for (const row of rows) {
      const event: DomainEvent = { id: row.id, type: row.type, orgId: row.org_id, payload: row.payload, createdAt: row.created_at };
      const list = [...(handlers.get(row.type) ?? []), ...(handlers.get('*') ?? [])];
      try {
        for (const handler of list) await handler(event);
        await database.db.updateTable('platform.outbox').set({ processed_at: new Date(), claimed_until: null }).where('id', '=', row.id).execute();
      } catch (error) {
        options.log?.(`event ${row.type} ${row.id} failed (attempt ${row.attempts})`, error);
        // Retry later with a growing delay.
        const delaySeconds = Math.min(3600, 2 ** row.attempts * 5);
        await sql`UPDATE platform.outbox SET last_error = ${String((error as Error)?.message ?? error)},
                  claimed_until = now() + make_interval(secs => ${delaySeconds}) WHERE id = ${row.id}`.execute(database.db);
      }
    }
    return rows.length;
  }

  async function drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await handleBatch();
      total += count;
      if (count < BATCH) return total;
    }
  }

  function drain(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = drainAll().finally(() => {
      draining = null;
      if (again) {
        again = false;
        void drain().catch((error) => options.log?.('outbox drain failed', error));
      }
    });
    return draining;
  }

  return {
    async emit(trx, type, orgId, payload) {
      const id = newId();
      await trx.insertInto('platform.outbox').values({ id, org_id: orgId, type, payload: JSON.stringify(payload) }).execute();
      afterCommit(() => {
        if (timer) setImmediate(() => void drain().catch((error) => options.log?.('outbox drain failed', error)));
      });
      return id;
    },
    on(type, handler) {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
    },
    drain,
    start() {
      if (timer) return;
      timer = setInterval(() => void drain().catch((error) => options.log?.('outbox drain failed', error)), options.pollMs ?? 2000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (draining) await draining.catch(() => undefined);
    },
  };
}
