import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../db/database.js';
import { openTestDatabase, testDatabaseKind } from '../../test/test-databases.js';
import { waitFor } from '../../test/wait-for.js';
import { createCluster, type Cluster } from './cluster.js';
import { createEventBus, MAX_ATTEMPTS, retryDelaySeconds, type DomainEvent, type EventBus } from './event-bus.js';

let database: Database;
const buses: EventBus[] = [];
const clusters: Cluster[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const bus of buses) await bus.stop();
  for (const cluster of clusters) await cluster.close();
  await database.close();
});

/** A bus on `db` that is not started unless asked (pollMs long: only commits and NOTIFY make it work promptly). */
function makeBus(db: Database = database, pollMs = 60_000) {
  const cluster = createCluster({ database: db });
  clusters.push(cluster);
  const bus = createEventBus({ database: db, cluster, pollMs });
  buses.push(bus);
  return bus;
}

let typeCounter = 0;
/** Every test uses its own event type, so handlers of other tests never see its events. */
const uniqueType = (name: string) => `test.${name}.${typeCounter++}`;

const outboxRow = (id: string) =>
  database.db
    .selectFrom('platform.outbox')
    .select(['processed_at', 'attempts', 'handled', 'last_error', 'claimed_until'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('the outbox', () => {
  it('a stop lets the event being handled finish and gives the rest back at once, unclaimed and with no attempt spent', async () => {
    const type = uniqueType('stop');
    const seen: number[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const bus = makeBus();
    bus.on(type, async (event) => {
      seen.push(event.payload.n as number);
      if (event.payload.n === 1) await blocked;
    });
    bus.start();
    const ids = await database.transaction('three', (trx) => bus.emitMany(trx, type, null, [{ n: 1 }, { n: 2 }, { n: 3 }]));
    await waitFor(() => seen.includes(1), 'the first event to be handled');
    const stopped = bus.stop();
    release();
    await stopped;
    expect(seen).toEqual([1]);
    expect(await outboxRow(ids[0]!)).toMatchObject({ processed_at: expect.any(Date), claimed_until: null });
    for (const id of ids.slice(1)) expect(await outboxRow(id)).toMatchObject({ processed_at: null, claimed_until: null, attempts: 0 });
    // The next node to look (here a drain) handles them at once.
    await bus.drain();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('never handles an event whose transaction rolled back, and handles a committed one once', async () => {
    const type = uniqueType('once');
    const seen: string[] = [];
    const bus = makeBus();
    bus.on(type, async (event) => void seen.push(event.payload.n as string));
    bus.start();

    await expect(
      database.transaction('rolled-back', async (trx) => {
        await bus.emit(trx, type, null, { n: 'rolled back' });
        throw new Error('change refused');
      }),
    ).rejects.toThrow('change refused');
    const id = await database.transaction('committed', (trx) => bus.emit(trx, type, null, { n: 'committed' }));

    // Handled after commit without waiting for the (one-minute) poll.
    await waitFor(async () => (await outboxRow(id)).processed_at, 'the committed event to be handled (the poll is a minute)', 10_000);
    // Several drains at once (a second node, a poll…) still handle it once.
    const other = makeBus();
    other.on(type, async (event) => void seen.push(`other:${event.payload.n}`));
    await Promise.all([bus.drain(), bus.drain(), other.drain()]);

    expect(seen).toEqual(['committed']);
    const rows = await database.db.selectFrom('platform.outbox').select('payload').where('type', '=', type).execute();
    expect(rows.map((row) => row.payload)).toEqual([{ n: 'committed' }]);
    await bus.stop();
  });

  it('handles each committed event once when two nodes drain the same outbox at the same time', async () => {
    const type = uniqueType('race');
    const seen: string[] = [];
    const nodeA = makeBus();
    const nodeB = makeBus();
    nodeA.on(type, async (event) => void seen.push(`${event.id}`));
    nodeB.on(type, async (event) => void seen.push(`${event.id}`));
    const ids = await database.transaction('many', async (trx) => {
      const list: string[] = [];
      for (let i = 0; i < 60; i++) list.push(await nodeA.emit(trx, type, null, { i }));
      return list;
    });
    await Promise.all([nodeA.drain(), nodeB.drain(), nodeA.drain(), nodeB.drain()]);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('retries a failing handler alone, with a growing delay, while the other handlers run once', async () => {
    const type = uniqueType('retry');
    const bus = makeBus();
    const calls = { steady: 0, flaky: 0 };
    let failuresLeft = 2;
    bus.on(
      type,
      async () => {
        calls.flaky++;
        if (failuresLeft-- > 0) throw new Error('mail server down');
      },
      { name: 'flaky' },
    );
    bus.on(type, async () => void calls.steady++, { name: 'steady' });

    const id = await database.transaction('emit', (trx) => bus.emit(trx, type, null, {}));
    const beforeFirst = Date.now();
    await bus.drain();
    let row = await outboxRow(id);
    expect(calls).toEqual({ steady: 1, flaky: 1 });
    expect(row.processed_at).toBeNull();
    expect(row.handled).toEqual(['steady']);
    expect(row.last_error).toContain('flaky: mail server down');
    // Not picked up again before its delay (10 s after the first attempt).
    const firstDelay = row.claimed_until!.getTime() - beforeFirst;
    expect(firstDelay).toBeGreaterThan(retryDelaySeconds(1) * 1000 - 2000);
    expect(firstDelay).toBeLessThan(retryDelaySeconds(1) * 1000 + 2000);
    await bus.drain();
    expect(calls.flaky).toBe(1);

    // Time passes: the retry runs only the failed handler, and the next delay is longer.
    await database.db
      .updateTable('platform.outbox')
      .set({ claimed_until: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const beforeSecond = Date.now();
    await bus.drain();
    row = await outboxRow(id);
    expect(calls).toEqual({ steady: 1, flaky: 2 });
    expect(row.attempts).toBe(2);
    expect(row.claimed_until!.getTime() - beforeSecond).toBeGreaterThan(retryDelaySeconds(2) * 1000 - 2000);
    expect(retryDelaySeconds(2)).toBeGreaterThan(retryDelaySeconds(1));

    await database.db
      .updateTable('platform.outbox')
      .set({ claimed_until: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    await bus.drain();
    row = await outboxRow(id);
    expect(calls).toEqual({ steady: 1, flaky: 3 });
    expect(row.processed_at).not.toBeNull();
    expect(row.handled.sort()).toEqual(['flaky', 'steady']);
    expect(row.last_error).toBeNull();
  });

  it('gives up after the last attempt and keeps the error for someone to look at', async () => {
    const type = uniqueType('poison');
    const bus = makeBus();
    let calls = 0;
    bus.on(
      type,
      async () => {
        calls++;
        throw new Error('always broken');
      },
      { name: 'broken' },
    );
    const id = await database.transaction('emit', (trx) => bus.emit(trx, type, null, {}));
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await database.db.updateTable('platform.outbox').set({ claimed_until: null }).where('id', '=', id).execute();
      await bus.drain();
    }
    const row = await outboxRow(id);
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.processed_at).toBeNull();
    expect(row.last_error).toContain('always broken');
  });

  it('delivers at least once: an event whose node died mid-way is handled again once its claim expires (hence idempotent handlers)', async () => {
    const type = uniqueType('crash');
    const bus = makeBus();
    const seen: DomainEvent[] = [];
    bus.on(type, async (event) => void seen.push(event));
    const id = await database.transaction('emit', (trx) => bus.emit(trx, type, 'f0000000-0000-7000-8000-000000000000', { n: 1 }));
    // A node claimed the event and crashed before recording the result.
    await sql`UPDATE platform.outbox SET attempts = 1, claimed_until = now() + interval '5 minutes' WHERE id = ${id}`.execute(database.db);
    await bus.drain();
    expect(seen).toHaveLength(0);
    await sql`UPDATE platform.outbox SET claimed_until = now() - interval '1 second' WHERE id = ${id}`.execute(database.db);
    await bus.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id, type, orgId: 'f0000000-0000-7000-8000-000000000000', payload: { n: 1 }, attempt: 2 });
  });

  it('a node running workers claims its own events as it writes them and handles them from memory after commit', async () => {
    const type = uniqueType('local');
    const bus = makeBus();
    const other = makeBus(); // another node draining the same outbox meanwhile
    const seen: DomainEvent[] = [];
    bus.on(type, async (event) => void seen.push(event));
    other.on(type, async (event) => void seen.push(event));
    bus.start();
    let ids: string[] = [];
    await database.transaction('emit', async (trx) => {
      ids = await bus.emitMany(trx, type, null, [{ n: 1, at: new Date('2026-01-02T03:04:05Z') as unknown as string }, { n: 2 }]);
      // Written claimed by this node: nobody else takes them, even before the commit is handled.
      const row = await trx
        .selectFrom('platform.outbox')
        .select(['attempts', 'claimed_until'])
        .where('id', '=', ids[0]!)
        .executeTakeFirstOrThrow();
      expect(row.attempts).toBe(1);
      expect(row.claimed_until!.getTime()).toBeGreaterThan(Date.now());
    });
    await other.drain();
    await waitFor(() => seen.length === 2, 'the node to handle its own events');
    await other.drain();
    expect(seen.map((event) => event.id)).toEqual(ids);
    // The payload is what the table holds (a Date became its JSON text), the attempt the first.
    expect(seen[0]).toMatchObject({ type, payload: { n: 1, at: '2026-01-02T03:04:05.000Z' }, attempt: 1 });
    await waitFor(async () => (await outboxRow(ids[1]!)).processed_at !== null, 'the events to be recorded as handled');
    expect(await outboxRow(ids[0]!)).toMatchObject({ attempts: 1, last_error: null, claimed_until: null });
    await bus.stop();
  });

  it('a rolled-back transaction leaves nothing for the node to handle from memory', async () => {
    const type = uniqueType('local-rollback');
    const bus = makeBus();
    const seen: string[] = [];
    bus.on(type, async (event) => void seen.push(event.id));
    bus.start();
    await expect(
      database.transaction('rolled-back', async (trx) => {
        await bus.emit(trx, type, null, {});
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const id = await database.transaction('committed', (trx) => bus.emit(trx, type, null, {}));
    await waitFor(() => seen.length > 0, 'the committed event');
    await bus.drain();
    expect(seen).toEqual([id]);
    await bus.stop();
  });

  it('a batch handler takes the events together, after the handlers registered before it; an event it fails is retried alone', async () => {
    const type = uniqueType('batch');
    const calls: string[][] = [];
    const order: string[] = [];
    const bus = makeBus();
    bus.on(type, async (event) => void order.push(`first:${event.payload.n}`));
    bus.onBatch(
      type,
      async (events) => {
        calls.push(events.map((event) => String(event.payload.n)));
        for (const event of events) order.push(`batch:${event.payload.n}`);
        return new Map(events.filter((event) => event.payload.n === 2).map((event) => [event.id, new Error('two is refused')]));
      },
      { name: 'test.batch' },
    );
    const ids = await database.transaction('three', (trx) => bus.emitMany(trx, type, null, [{ n: 1 }, { n: 2 }, { n: 3 }]));
    await bus.drain();
    expect(calls).toEqual([['1', '2', '3']]);
    // Every event met the plain handler before the batch handler.
    expect(order).toEqual(['first:1', 'first:2', 'first:3', 'batch:1', 'batch:2', 'batch:3']);
    expect(await outboxRow(ids[0]!)).toMatchObject({ processed_at: expect.any(Date), handled: [`${type}:handler`, 'test.batch'] });
    const refused = await outboxRow(ids[1]!);
    expect(refused).toMatchObject({ processed_at: null, handled: [`${type}:handler`], last_error: 'test.batch: two is refused' });
  });

  it('works on two batches at once on PostgreSQL when more events wait than one batch (one loop on the embedded database)', async () => {
    const type = uniqueType('parallel');
    let inFlight = 0;
    let mostInFlight = 0;
    const handled = new Set<number>();
    const bus = makeBus();
    bus.onBatch(
      type,
      async (events) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (const event of events) handled.add(event.payload.n as number);
        inFlight--;
      },
      { name: 'test.parallel' },
    );
    const payloads = Array.from({ length: 400 }, (_, n) => ({ n }));
    await database.transaction('many', (trx) => bus.emitMany(trx, type, null, payloads));
    // Not started: the events are written unclaimed and taken from the table, 100 per claim.
    expect(await bus.drain()).toBeGreaterThanOrEqual(400);
    expect(handled.size).toBe(400);
    expect(mostInFlight).toBe(testDatabaseKind() === 'postgres' ? 2 : 1);
    // Nothing is left waiting: a drain of an idle bus claims nothing.
    expect(await bus.drain()).toBe(0);
  });

  it('a batch handler that throws has each event of the call tried alone, so only the bad one fails', async () => {
    const type = uniqueType('batch-throws');
    const calls: number[] = [];
    const bus = makeBus();
    bus.onBatch(
      type,
      async (events) => {
        calls.push(events.length);
        if (events.some((event) => event.payload.n === 2)) throw new Error('a bad event in the batch');
      },
      { name: 'test.batch-throws' },
    );
    const ids = await database.transaction('three', (trx) => bus.emitMany(trx, type, null, [{ n: 1 }, { n: 2 }, { n: 3 }]));
    await bus.drain();
    expect(calls).toEqual([3, 1, 1, 1]);
    expect((await outboxRow(ids[0]!)).processed_at).toEqual(expect.any(Date));
    expect(await outboxRow(ids[1]!)).toMatchObject({ processed_at: null, last_error: 'test.batch-throws: a bad event in the batch' });
    expect((await outboxRow(ids[2]!)).processed_at).toEqual(expect.any(Date));
  });

  it('refuses two handlers with the same explicit name for one type (their bookkeeping would mix)', () => {
    const bus = makeBus();
    bus.on('test.named', async () => undefined, { name: 'same' });
    expect(() => bus.on('test.named', async () => undefined, { name: 'same' })).toThrow(/already registered/);
  });
});

describe.skipIf(testDatabaseKind() !== 'postgres')('between app nodes on PostgreSQL', () => {
  it('another node handles a committed event promptly through LISTEN/NOTIFY, not by polling', async () => {
    const second = await openDatabase({ databaseUrl: database.connectionString!, poolSize: 2 });
    try {
      const type = uniqueType('nodes');
      const emitter = makeBus(database); // node A: emits, runs no workers
      const worker = makeBus(second); // node B: polls once a minute
      const seen: string[] = [];
      worker.on(type, async (event) => void seen.push(event.id));
      worker.start();
      await new Promise((resolve) => setTimeout(resolve, 300)); // B is listening

      const id = await database.transaction('emit-on-a', (trx) => emitter.emit(trx, type, null, {}));
      // B polls once a minute: handling within seconds is the NOTIFY.
      await waitFor(() => seen.includes(id), 'node B to handle the event', 10_000);
      await worker.stop();
    } finally {
      await second.close();
    }
  });

  it('sends no NOTIFY for a transaction that rolls back', async () => {
    const second = await openDatabase({ databaseUrl: database.connectionString!, poolSize: 2 });
    const cluster = createCluster({ database: second });
    try {
      const messages: string[] = [];
      await cluster.subscribe('clave_outbox', (payload) => messages.push(payload));
      const bus = makeBus(database);
      await expect(
        database.transaction('rolled-back', async (trx) => {
          await bus.emit(trx, uniqueType('nonotify'), null, {});
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(messages).toHaveLength(0);
      await database.transaction('committed', (trx) => bus.emit(trx, uniqueType('notify'), null, {}));
      await waitFor(() => messages.length === 1, 'the NOTIFY of the committed event', 3000);
    } finally {
      await cluster.close();
      await second.close();
    }
  });
});
