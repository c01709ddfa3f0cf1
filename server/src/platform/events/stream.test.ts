import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { openDatabase } from '../../db/database.js';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { testDatabaseKind } from '../../test/test-databases.js';
import { openEventStream, type SseClient } from '../../test/sse-client.js';
import { waitFor } from '../../test/wait-for.js';
import { createNotifier } from '../notifications/index.js';

let t: TestContext;
let baseUrl: string;
const streams: SseClient[] = [];
beforeAll(async () => {
  t = await createTestContext();
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await t.close();
});

async function open(user: TestUser | null, via: 'token' | 'cookie' = 'token', url = baseUrl) {
  const headers: Record<string, string> = !user
    ? {}
    : via === 'token'
      ? { authorization: `Bearer ${user.token}` }
      : { cookie: `clave_session=${user.cookie}` };
  const stream = await openEventStream(`${url}/api/v1/events/stream`, headers);
  streams.push(stream);
  return stream;
}

const notify = (ctx: App['ctx'], user: TestUser, title: string) =>
  ctx.database.transaction('notify', (trx) =>
    createNotifier(ctx).notify(trx, { orgId: user.orgId, userId: user.userId, kind: 'task.assigned', title, link: '/tasks/1' }),
  );

describe('GET /events/stream', () => {
  it('streams text/event-stream to a signed-in user (Bearer or session cookie), starting with the unread count; 401 without', async () => {
    const admin = await t.make.org();
    await notify(t.app.ctx, admin, 'Already there');
    for (const via of ['token', 'cookie'] as const) {
      const stream = await open(admin, via);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers.get('cache-control')).toContain('no-store');
      await waitFor(() => stream.frames.length >= 2, 'the first frames');
      expect(stream.frames.slice(0, 2)).toEqual([
        { event: 'retry', data: '5000' },
        { event: 'unread-count', data: { unreadCount: 1 } },
      ]);
      stream.close();
    }
    const anonymous = await open(null);
    expect(anonymous.status).toBe(401);
    const wrongToken = await openEventStream(`${baseUrl}/api/v1/events/stream`, { authorization: 'Bearer clv_wrong' });
    expect(wrongToken.status).toBe(401);
  });

  it('pushes a new notification and the new count to that user only', async () => {
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    const mine = await open(admin);
    const theirs = await open(colleague);
    await mine.next((f) => f.event === 'unread-count');
    await theirs.next((f) => f.event === 'unread-count');

    const id = await notify(t.app.ctx, admin, 'Deal won');
    const pushed = await mine.next((f) => f.event === 'notification');
    expect(pushed.data).toEqual({
      id,
      kind: 'task.assigned',
      title: 'Deal won',
      body: null,
      link: '/tasks/1',
      createdAt: expect.any(String),
      readAt: null,
      snoozedUntil: null,
    });
    expect((await mine.next((f) => f.event === 'unread-count')).data).toEqual({ unreadCount: 1 });

    // Reading it elsewhere (another tab, the API) updates the count on the stream.
    await t.request('POST', `/api/v1/notifications/${id}/read`, { as: admin });
    expect((await mine.next((f) => f.event === 'unread-count')).data).toEqual({ unreadCount: 0 });

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(theirs.frames.filter((f) => f.event !== 'unread-count' && f.event !== 'retry')).toEqual([]);
    expect(theirs.frames.filter((f) => f.event === 'unread-count')).toHaveLength(1);
  });

  it('shortens a long body in the pushed copy (NOTIFY carries under 8 kB); the feed has it whole', async () => {
    const admin = await t.make.org();
    const stream = await open(admin);
    await stream.next((f) => f.event === 'unread-count');
    const body = '€'.repeat(1000) + '\u0001'.repeat(1000); // 9,000 bytes as JSON: over PostgreSQL's NOTIFY limit
    const id = await t.database.transaction('notify', (trx) =>
      createNotifier(t.app.ctx).notify(trx, { orgId: admin.orgId, userId: admin.userId, kind: 'note.long', title: 'Long', body }),
    );
    const pushed = (await stream.next((f) => f.event === 'notification')).data as { id: string; body: string };
    expect(pushed.id).toBe(id);
    expect(Buffer.byteLength(JSON.stringify(pushed))).toBeLessThan(6000);
    expect(body.startsWith(pushed.body.slice(0, -1))).toBe(true);
    const list = await t.request('GET', '/api/v1/notifications', { as: admin });
    expect(list.data.data[0].body).toBe(body);
    stream.close();
  });

  it('sends a heartbeat comment at the configured interval (25 s by default)', async () => {
    expect(t.app.ctx.realtime.heartbeatMs).toBe(25_000);
    const admin = await t.make.org();
    t.app.ctx.realtime.heartbeatMs = 100;
    try {
      const stream = await open(admin);
      expect((await stream.next((f) => f.event === 'comment', 3000)).data).toBe('heartbeat');
      stream.close();
    } finally {
      t.app.ctx.realtime.heartbeatMs = 25_000;
    }
  });

  it('ends a stream after its maximum age, so the browser reconnects and signs in again', async () => {
    expect(t.app.ctx.realtime.maxStreamMs).toBe(15 * 60_000);
    const admin = await t.make.org();
    t.app.ctx.realtime.maxStreamMs = 300;
    try {
      const stream = await open(admin);
      await stream.next((f) => f.event === 'unread-count');
      const ended = await Promise.race([
        stream.ended.then(() => 'ended'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), 3000)),
      ]);
      expect(ended).toBe('ended');
    } finally {
      t.app.ctx.realtime.maxStreamMs = 15 * 60_000;
    }
  });

  it('refuses more streams per user than allowed with 429, and lets other users in', async () => {
    expect(t.app.ctx.realtime.maxStreamsPerUser).toBe(20);
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    t.app.ctx.realtime.maxStreamsPerUser = 3;
    try {
      const three = [await open(admin), await open(admin), await open(admin)];
      expect(three.map((s) => s.status)).toEqual([200, 200, 200]);
      const fourth = await open(admin);
      expect(fourth.status).toBe(429);
      expect(fourth.headers.get('retry-after')).toBe('30');
      expect((await open(colleague)).status).toBe(200);
      three[0]!.close();
      await waitFor(() => t.app.ctx.realtime.connectionsOf(admin.userId) === 2, 'the closed stream to be released');
      expect((await open(admin)).status).toBe(200);
    } finally {
      t.app.ctx.realtime.maxStreamsPerUser = 20;
    }
  });

  it('holds no database connection per stream: with more streams open than connections, the API still answers', async () => {
    const admin = await t.make.org();
    for (const stream of streams) stream.close();
    await waitFor(() => t.app.ctx.realtime.connections === 0, 'earlier streams to be released');
    const many: SseClient[] = [];
    // More than the pool (1 connection embedded, 5 in the PostgreSQL tests).
    for (let i = 0; i < 8; i++) many.push(await open(admin));
    for (const stream of many) await stream.next((f) => f.event === 'unread-count');
    expect(t.app.ctx.realtime.connections).toBe(8);

    const started = Date.now();
    const response = await t.request('GET', '/api/v1/notifications', { as: admin });
    expect(response.statusCode).toBe(200);
    // A stream holding the connection would make this wait until the test times out.
    expect(Date.now() - started).toBeLessThan(10_000);
    await notify(t.app.ctx, admin, 'Seen by every tab');
    for (const stream of many)
      expect((await stream.next((f) => f.event === 'notification')).data).toMatchObject({ title: 'Seen by every tab' });

    for (const stream of many) stream.close();
    await waitFor(() => t.app.ctx.realtime.connections === 0, 'the closed streams to be released');
  });

  it('releases the slot of a client that leaves while its first snapshot is still being read', async () => {
    const admin = await t.make.org();
    t.app.ctx.realtime.addSnapshot(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return [];
    });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const pending = fetch(`${baseUrl}/api/v1/events/stream`, {
        headers: { authorization: `Bearer ${admin.token}` },
        signal: controller.signal,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await pending;
    }
    await waitFor(() => t.app.ctx.realtime.connectionsOf(admin.userId) === 0 || undefined, 'the stream slots to be released', 3000).catch(
      () => undefined,
    );
    expect(t.app.ctx.realtime.connectionsOf(admin.userId)).toBe(0);
  });
});

describe.skipIf(testDatabaseKind() !== 'postgres')('between app nodes on PostgreSQL', () => {
  it('a notification created on one node reaches the user’s stream on another node (LISTEN/NOTIFY)', async () => {
    const admin = await t.make.org();
    // Node B: the same database, its own pool, HTTP server and LISTEN connection; it runs no workers.
    const secondDatabase = await openDatabase({ databaseUrl: t.database.connectionString!, poolSize: 2 });
    const nodeB = await buildApp({ config: t.app.ctx.config, database: secondDatabase, logger: false });
    try {
      const urlB = await nodeB.listen({ port: 0, host: '127.0.0.1' });
      const stream = await open(admin, 'token', urlB);
      await stream.next((f) => f.event === 'unread-count');
      // Node A (the test app, whose outbox runs) creates it; node B pushes it.
      const id = await notify(t.app.ctx, admin, 'From node A');
      expect((await stream.next((f) => f.event === 'notification', 5000)).data).toMatchObject({ id, title: 'From node A' });
      expect((await stream.next((f) => f.event === 'unread-count')).data).toEqual({ unreadCount: 1 });
      stream.close();
    } finally {
      await nodeB.close();
      await secondDatabase.close();
    }
  });
});
