import type { Trx } from '../../db/database.js';
import type { Cluster } from './cluster.js';

/** One message to a user's open streams: the SSE `event:` name and its JSON `data:`. */
export interface RealtimeEvent {
  type: string;
  data: unknown;
}

type Send = (event: RealtimeEvent) => void;

/**
 * Pushes events to the browsers of one user, on whichever app node holds their
 * streams. Publishing goes through the cluster (PostgreSQL NOTIFY between
 * nodes, memory on the embedded database); each node delivers to its own open
 * streams. No database connection is held per stream.
 *
 * Delivery is at most once and best effort (a node that was reconnecting
 * misses messages): streams start with a snapshot of the current state
 * (`addSnapshot`), and clients de-duplicate by id.
 */
export interface RealtimeHub {
  /** Sends an event to every open stream of the user, on every node; with `trx`, only once it commits. */
  publish(userId: string, event: RealtimeEvent, trx?: Trx): Promise<void>;
  /** Registers an open stream of the user on this node; returns the function that unregisters it. */
  connect(userId: string, send: Send): Promise<() => void>;
  /** Adds a provider of the events a new stream starts with (the current unread count…). */
  addSnapshot(provider: (userId: string) => Promise<RealtimeEvent[]>): void;
  /** The events a new stream of the user starts with. */
  snapshot(userId: string): Promise<RealtimeEvent[]>;
  /** Open streams on this node. */
  readonly connections: number;
  /** Open streams of one user on this node. */
  connectionsOf(userId: string): number;
  /** Stream settings (tests shorten them): the keep-alive comment interval (25 s); how long a stream lives
   *  before the server ends it and the browser reconnects, signing in again (15 min: a signed-out or
   *  deactivated user stops receiving within that); open streams allowed per user and node (20). */
  heartbeatMs: number;
  maxStreamMs: number;
  maxStreamsPerUser: number;
  close(): Promise<void>;
}

export const REALTIME_CHANNEL = 'clave_realtime';

export function createRealtimeHub(options: { cluster: Cluster; log?: (message: string, error?: unknown) => void }): RealtimeHub {
  const { cluster } = options;
  const streams = new Map<string, Set<Send>>();
  const snapshots: Array<(userId: string) => Promise<RealtimeEvent[]>> = [];
  let subscribed: Promise<() => void> | null = null;
  let count = 0;

  function deliver(payload: string) {
    let message: { u: string; t: string; d: unknown };
    try {
      message = JSON.parse(payload);
    } catch (error) {
      options.log?.('ignored a malformed real-time message', error);
      return;
    }
    for (const send of streams.get(message.u) ?? []) {
      try {
        send({ type: message.t, data: message.d });
      } catch (error) {
        options.log?.('a real-time stream failed to write', error);
      }
    }
  }

  return {
    heartbeatMs: 25_000,
    maxStreamMs: 15 * 60_000,
    maxStreamsPerUser: 20,
    get connections() {
      return count;
    },
    connectionsOf(userId) {
      return streams.get(userId)?.size ?? 0;
    },
    async publish(userId, event, trx) {
      await cluster.publish(REALTIME_CHANNEL, JSON.stringify({ u: userId, t: event.type, d: event.data }), trx);
    },
    async connect(userId, send) {
      // The node listens once, for all of its streams, from the first stream on.
      subscribed ??= cluster.subscribe(REALTIME_CHANNEL, deliver).catch((error) => {
        subscribed = null;
        throw error;
      });
      await subscribed;
      let set = streams.get(userId);
      if (!set) streams.set(userId, (set = new Set()));
      set.add(send);
      count++;
      let connected = true;
      return () => {
        if (!connected) return;
        connected = false;
        count--;
        set.delete(send);
        if (set.size === 0 && streams.get(userId) === set) streams.delete(userId);
      };
    },
    addSnapshot(provider) {
      snapshots.push(provider);
    },
    async snapshot(userId) {
      const events: RealtimeEvent[] = [];
      for (const provider of snapshots) events.push(...(await provider(userId)));
      return events;
    },
    async close() {
      const off = await subscribed?.catch(() => undefined);
      off?.();
      subscribed = null;
      streams.clear();
      count = 0;
    },
  };
}
