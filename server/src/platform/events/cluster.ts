import pg from 'pg';
import { sql } from 'kysely';
import type { Database, Trx } from '../../db/database.js';
import { afterCommit } from '../../db/database.js';

/**
 * Messages between the app nodes that share one database.
 *
 * On PostgreSQL this is LISTEN/NOTIFY: `publish` runs `pg_notify` (inside the
 * caller's transaction when one is given, so PostgreSQL delivers it only on
 * commit), and one dedicated connection per node LISTENs for every channel —
 * never one connection per subscriber. On the embedded database there is one
 * process, so messages stay in memory (after commit when a transaction is given).
 *
 * Delivery is best effort: a node that is reconnecting misses messages. Users
 * of the cluster keep a safety net (the outbox polls; the SSE stream sends the
 * current unread count on every connect) and can listen to `onReconnect`.
 */
export interface Cluster {
  readonly kind: 'memory' | 'postgres';
  /** Sends `payload` on `channel` to every node, this one included. With `trx`, only once it commits. */
  publish(channel: string, payload: string, trx?: Trx): Promise<void>;
  /** Calls `listener` for every message on `channel`; returns the function that unsubscribes. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<() => void>;
  /** Called after the LISTEN connection came back: messages sent meanwhile were missed. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

type Log = (message: string, error?: unknown) => void;

export function createCluster(options: { database: Database; log?: Log }): Cluster {
  const { database } = options;
  return database.connectionString ? createPostgresCluster(database, database.connectionString, options.log) : createMemoryCluster();
}

function assertChannel(channel: string) {
  if (!CHANNEL.test(channel)) throw new Error(`Invalid cluster channel name "${channel}"`);
}

function createListeners() {
  const byChannel = new Map<string, Set<(payload: string) => void>>();
  return {
    byChannel,
    add(channel: string, listener: (payload: string) => void) {
      let set = byChannel.get(channel);
      if (!set) byChannel.set(channel, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    deliver(channel: string, payload: string, log?: Log) {
      for (const listener of byChannel.get(channel) ?? []) {
        try {
          listener(payload);
        } catch (error) {
          log?.(`cluster listener on ${channel} failed`, error);
        }
      }
    },
  };
}

/** One process: messages are delivered in memory, after commit when sent from a transaction. */
function createMemoryCluster(): Cluster {
  const listeners = createListeners();
  const send = (channel: string, payload: string) => setImmediate(() => listeners.deliver(channel, payload));
  return {
    kind: 'memory',
    async publish(channel, payload, trx) {
      assertChannel(channel);
      if (trx) afterCommit(() => send(channel, payload));
      else send(channel, payload);
    },
    async subscribe(channel, listener) {
      assertChannel(channel);
      return listeners.add(channel, listener);
    },
    onReconnect() {
      // Nothing to reconnect in one process.
    },
    async close() {
      listeners.byChannel.clear();
    },
  };
}

function createPostgresCluster(database: Database, connectionString: string, log?: Log): Cluster {
  const listeners = createListeners();
  const reconnectListeners: Array<() => void> = [];
  let client: pg.Client | null = null;
  /** Channels the current connection LISTENs to. */
  let listening = new Set<string>();
  let connecting: Promise<void> | null = null;
  let closed = false;
  let retryMs = 500;
  let retryTimer: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString, application_name: 'clave-listen' });
    next.on('notification', (message) => listeners.deliver(message.channel, message.payload ?? '', log));
    next.on('error', (error) => {
      log?.('the LISTEN connection failed; reconnecting', error);
      if (client === next) scheduleReconnect();
    });
    next.on('end', () => {
      if (client === next && !closed) scheduleReconnect();
    });
    await next.connect();
    const channels = new Set(listeners.byChannel.keys());
    for (const channel of channels) await next.query(`LISTEN ${channel}`);
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    listening = channels;
    retryMs = 500;
  }

  function ensureConnected(): Promise<void> {
    if (client) return Promise.resolve();
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  function scheduleReconnect() {
    const lost = client;
    client = null;
    lost?.end().catch(() => undefined);
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      ensureConnected()
        .then(() => {
          for (const listener of reconnectListeners) listener();
        })
        .catch((error) => {
          log?.('the LISTEN connection could not reconnect; trying again', error);
          retryMs = Math.min(retryMs * 2, 30_000);
          scheduleReconnect();
        });
    }, retryMs);
    retryTimer.unref();
  }

  return {
    kind: 'postgres',
    async publish(channel, payload, trx) {
      assertChannel(channel);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        throw new Error(
          `A cluster message on ${channel} is ${Buffer.byteLength(payload)} bytes; the limit is ${MAX_PAYLOAD_BYTES}. Send an id and load the rest.`,
        );
      }
      // NOTIFY inside a transaction is delivered when it commits, and never if it rolls back.
      if (trx) await sql`SELECT pg_notify(${channel}, ${payload})`.execute(trx);
      else await database.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async subscribe(channel, listener) {
      assertChannel(channel);
      const unsubscribe = listeners.add(channel, listener);
      await ensureConnected();
      if (client && !listening.has(channel)) {
        listening.add(channel);
        await client.query(`LISTEN ${channel}`);
      }
      return unsubscribe;
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => undefined);
      const current = client;
      client = null;
      listeners.byChannel.clear();
      await current?.end().catch(() => undefined);
    },
  };
}
