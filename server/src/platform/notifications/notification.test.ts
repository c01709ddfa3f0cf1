import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { openEventStream } from '../../test/sse-client.js';
import { waitFor } from '../../test/wait-for.js';
import { createNotifier, type NotifyInput } from './notifier.js';

let t: TestContext;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestContext();
  await t.app.ctx.jobs.start();
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t.close());

let counter = 0;
async function notify(user: TestUser, overrides: Partial<NotifyInput> = {}): Promise<string> {
  const notifier = createNotifier(t.app.ctx);
  return t.database.transaction('test-notify', (trx) =>
    notifier.notify(trx, {
      orgId: user.orgId,
      userId: user.userId,
      kind: 'task.assigned',
      title: `Notification ${counter++}`,
      body: 'Details',
      link: '/deals/1',
      ...overrides,
    }),
  );
}

const row = (id: string) => t.database.db.selectFrom('platform.notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const snoozeJobs = (id: string) =>
  t.database
    .query<{ start_after: Date; data: { notificationId: string; snoozedUntil: string } }>(
      `SELECT start_after, data FROM pgboss.job WHERE name = 'notifications.snooze-due' AND data->>'notificationId' = $1`,
      [id],
    )
    .then((r) => r.rows);

describe('GET /notifications', () => {
  it('lists my feed newest first with the unread count, page by page', async () => {
    const admin = await t.make.org();
    const ids = [
      await notify(admin, { title: 'First' }),
      await notify(admin, { title: 'Second', body: null, link: null }),
      await notify(admin, { title: 'Third' }),
    ];

    const page1 = await t.request('GET', '/api/v1/notifications?limit=2', { as: admin });
    expect(page1.statusCode).toBe(200);
    expect(page1.data.unreadCount).toBe(3);
    expect(page1.data.data.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    expect(page1.data.data[1]).toEqual({
      id: ids[1],
      kind: 'task.assigned',
      title: 'Second',
      body: null,
      link: null,
      createdAt: expect.any(String),
      readAt: null,
      snoozedUntil: null,
    });
    expect(page1.data.nextCursor).toBe(ids[1]);

    const page2 = await t.request('GET', `/api/v1/notifications?limit=2&cursor=${page1.data.nextCursor}`, { as: admin, via: 'cookie' });
    expect(page2.data.data.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
    expect(page2.data.data[0]).toMatchObject({ title: 'First', body: 'Details', link: '/deals/1' });
    expect(page2.data.nextCursor).toBeNull();

    await t.request('POST', `/api/v1/notifications/${ids[0]}/read`, { as: admin });
    const unread = await t.request('GET', '/api/v1/notifications?unread=true', { as: admin });
    expect(unread.data.data.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    expect(unread.data.unreadCount).toBe(2);
    expect((await t.request('GET', '/api/v1/notifications/unread-count', { as: admin })).data).toEqual({ unreadCount: 2 });
  });

  it('shows only my own notifications: not a colleague’s, not another organization’s', async () => {
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    const stranger = await t.make.org();
    await notify(colleague);
    await notify(stranger);
    const mine = await notify(admin);
    const list = await t.request('GET', '/api/v1/notifications', { as: admin });
    expect(list.data.data.map((n: { id: string }) => n.id)).toEqual([mine]);
    expect(list.data.unreadCount).toBe(1);
  });

  it('answers 400 naming the parameter for a bad limit, unread flag or cursor, and 401 without a session', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const othersNotification = await notify(other);
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['unread=maybe', 'unread'],
      ['cursor=not-an-id', 'cursor'],
      [`cursor=${othersNotification}`, 'cursor'],
    ]) {
      const response = await t.request('GET', `/api/v1/notifications?${query}`, { as: admin });
      expect(response.statusCode, query).toBe(400);
      expect(JSON.stringify(response.data.error), query).toContain(field);
    }
    expect((await t.request('GET', '/api/v1/notifications', { as: null })).statusCode).toBe(401);
    expect((await t.request('GET', '/api/v1/notifications/unread-count', { as: null })).statusCode).toBe(401);
  });
});

describe('POST /notifications/{id}/read and /read-all', () => {
  it('marks one read (idempotently) and the count drops', async () => {
    const admin = await t.make.org();
    const id = await notify(admin);
    const read = await t.request('POST', `/api/v1/notifications/${id}/read`, { as: admin, via: 'cookie' });
    expect(read.statusCode).toBe(200);
    expect(read.data).toMatchObject({ id, readAt: expect.any(String), snoozedUntil: null });
    const again = await t.request('POST', `/api/v1/notifications/${id}/read`, { as: admin });
    expect(again.data.readAt).toBe(read.data.readAt);
    expect((await t.request('GET', '/api/v1/notifications/unread-count', { as: admin })).data.unreadCount).toBe(0);
  });

  it('answers 404 for a colleague’s or another organization’s notification and changes nothing; 400 for a bad id; 403 without the CSRF header', async () => {
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    const stranger = await t.make.org();
    const colleagues = await notify(colleague);
    const strangers = await notify(stranger);
    for (const id of [colleagues, strangers]) {
      for (const action of ['read', 'ignore']) {
        const response = await t.request('POST', `/api/v1/notifications/${id}/${action}`, { as: admin });
        expect(response.statusCode).toBe(404);
        expect(response.data.error.code).toBe('not_found');
      }
      const snooze = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 15 } });
      expect(snooze.statusCode).toBe(404);
      expect(await row(id)).toMatchObject({ read_at: null, ignored_at: null, snoozed_until: null });
      expect(await snoozeJobs(id)).toEqual([]);
    }
    expect((await t.request('POST', '/api/v1/notifications/not-an-id/read', { as: admin })).statusCode).toBe(400);
    const mine = await notify(admin);
    const noCsrf = await t.request('POST', `/api/v1/notifications/${mine}/read`, { headers: { cookie: `clave_session=${admin.cookie}` } });
    expect(noCsrf.statusCode).toBe(403);
    expect((await row(mine)).read_at).toBeNull();
  });

  it('read-all marks every unread one in my feed, leaves snoozed ones and other people alone', async () => {
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    const [a, b, snoozed] = [await notify(admin), await notify(admin), await notify(admin)];
    const colleagues = await notify(colleague);
    await t.request('POST', `/api/v1/notifications/${snoozed}/snooze`, { as: admin, body: { minutes: 60 } });
    const response = await t.request('POST', '/api/v1/notifications/read-all', { as: admin, via: 'cookie' });
    expect(response.statusCode).toBe(200);
    expect(response.data).toEqual({ updated: 2 });
    expect((await row(a)).read_at).not.toBeNull();
    expect((await row(b)).read_at).not.toBeNull();
    expect((await row(snoozed)).read_at).toBeNull();
    expect((await row(colleagues)).read_at).toBeNull();
    expect((await t.request('POST', '/api/v1/notifications/read-all', { as: admin })).data).toEqual({ updated: 0 });
  });
});

describe('POST /notifications/{id}/snooze and /ignore', () => {
  it('snoozes for 15 minutes: hidden and not counted until then, with a reminder job at that moment', async () => {
    const admin = await t.make.org();
    const id = await notify(admin);
    await t.request('POST', `/api/v1/notifications/${id}/read`, { as: admin });
    const before = Date.now();
    const response = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, via: 'cookie', body: { minutes: 15 } });
    expect(response.statusCode).toBe(200);
    const until = new Date(response.data.snoozedUntil).getTime();
    expect(until - before).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
    expect(until - before).toBeLessThan(15 * 60_000 + 5000);
    // Snoozing a read one makes it come back unread: it is a reminder.
    expect(response.data.readAt).toBeNull();

    const list = await t.request('GET', '/api/v1/notifications', { as: admin });
    expect(list.data.data).toEqual([]);
    expect(list.data.unreadCount).toBe(0);
    const jobs = await snoozeJobs(id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.start_after.getTime()).toBe(until);
    expect(jobs[0]!.data.snoozedUntil).toBe(response.data.snoozedUntil);

    const hour = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 60 } });
    expect(new Date(hour.data.snoozedUntil).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
  });

  it('answers 400 naming `minutes` for anything but 15 or 60, and changes nothing', async () => {
    const admin = await t.make.org();
    const id = await notify(admin);
    for (const body of [{ minutes: 30 }, { minutes: '15' }, {}, { minutes: 15, extra: true }]) {
      const response = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.data.error), JSON.stringify(body)).toMatch(/minutes|extra/);
    }
    expect((await row(id)).snoozed_until).toBeNull();
    expect(await snoozeJobs(id)).toEqual([]);
  });

  it('ignore takes it out of the feed and the count for good; an ignored one cannot be snoozed (409)', async () => {
    const admin = await t.make.org();
    const id = await notify(admin);
    const ignored = await t.request('POST', `/api/v1/notifications/${id}/ignore`, { as: admin, via: 'cookie' });
    expect(ignored.statusCode).toBe(200);
    expect(ignored.data.id).toBe(id);
    expect((await t.request('POST', `/api/v1/notifications/${id}/ignore`, { as: admin })).statusCode).toBe(200);
    const list = await t.request('GET', '/api/v1/notifications', { as: admin });
    expect(list.data).toEqual({ data: [], nextCursor: null, unreadCount: 0 });
    const snooze = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 15 } });
    expect(snooze.statusCode).toBe(409);
    expect(await snoozeJobs(id)).toEqual([]);
  });

  it('brings a snoozed notification back when due: on top of the feed, unread, and pushed again on the stream', async () => {
    const admin = await t.make.org();
    const id = await notify(admin, { title: 'Call Acme back' });
    const newer = await notify(admin, { title: 'Newer' });
    const snoozed = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 15 } });
    const stream = await openEventStream(`${baseUrl}/api/v1/events/stream`, { authorization: `Bearer ${admin.token}` });
    try {
      expect((await stream.next((f) => f.event === 'unread-count')).data).toEqual({ unreadCount: 1 });

      // 16 minutes pass (moved back in time instead): the snooze and its reminder job are both due.
      const due = new Date(new Date(snoozed.data.snoozedUntil).getTime() - 16 * 60_000);
      await t.database.query(
        `UPDATE platform.notifications SET created_at = created_at - interval '16 minutes', snoozed_until = snoozed_until - interval '16 minutes' WHERE user_id = $1`,
        [admin.userId],
      );
      expect((await row(id)).snoozed_until).toEqual(due);
      await t.database.query(
        `UPDATE pgboss.job SET start_after = $2, data = jsonb_set(data, '{snoozedUntil}', to_jsonb($3::text)) WHERE name = 'notifications.snooze-due' AND data->>'notificationId' = $1`,
        [id, due, due.toISOString()],
      );
      t.app.ctx.jobs.wake('notifications.snooze-due');

      const pushed = await stream.next((f) => f.event === 'notification');
      expect(pushed.data).toMatchObject({ id, title: 'Call Acme back', readAt: null, snoozedUntil: due.toISOString() });
      expect((await stream.next((f) => f.event === 'unread-count')).data).toEqual({ unreadCount: 2 });
      const list = await t.request('GET', '/api/v1/notifications', { as: admin });
      // It came back after `newer` was created, so it is on top.
      expect(list.data.data.map((n: { id: string }) => n.id)).toEqual([id, newer]);
      expect(list.data.unreadCount).toBe(2);
    } finally {
      stream.close();
    }
  });

  it('does not remind about a snoozed notification that was read or snoozed again meanwhile', async () => {
    const admin = await t.make.org();
    const id = await notify(admin);
    const first = await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 15 } });
    await t.request('POST', `/api/v1/notifications/${id}/snooze`, { as: admin, body: { minutes: 60 } });
    const stream = await openEventStream(`${baseUrl}/api/v1/events/stream`, { authorization: `Bearer ${admin.token}` });
    try {
      await stream.next((f) => f.event === 'unread-count');
      // The first reminder comes due, but the notification is now snoozed for an hour.
      await t.database.query(
        `UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = 'notifications.snooze-due' AND data->>'snoozedUntil' = $1`,
        [first.data.snoozedUntil],
      );
      t.app.ctx.jobs.wake('notifications.snooze-due');
      await waitFor(
        async () =>
          (
            await t.database.query<{ state: string }>(
              `SELECT state::text FROM pgboss.job WHERE name = 'notifications.snooze-due' AND data->>'snoozedUntil' = $1`,
              [first.data.snoozedUntil],
            )
          ).rows[0]?.state === 'completed',
        'the stale reminder to run',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(stream.frames.filter((f) => f.event === 'notification')).toEqual([]);
    } finally {
      stream.close();
    }
  });
});

describe('notify() for other features', () => {
  it('writes nothing when the caller’s transaction rolls back', async () => {
    const admin = await t.make.org();
    const notifier = createNotifier(t.app.ctx);
    await expect(
      t.database.transaction('rolled-back', async (trx) => {
        await notifier.notify(trx, { orgId: admin.orgId, userId: admin.userId, kind: 'deal.won', title: 'Won' });
        throw new Error('the deal update failed');
      }),
    ).rejects.toThrow('the deal update failed');
    expect(await t.database.db.selectFrom('platform.notifications').select('id').where('user_id', '=', admin.userId).execute()).toEqual([]);
    expect(
      await t.database.db
        .selectFrom('platform.outbox')
        .select('id')
        .where('org_id', '=', admin.orgId)
        .where('type', '=', 'notification.created')
        .execute(),
    ).toEqual([]);
  });

  it('refuses a kind that is not a code, an unsafe link and a user of another organization; shortens a long title', async () => {
    const admin = await t.make.org();
    const stranger = await t.make.org();
    await expect(notify(admin, { kind: 'Task Assigned!' })).rejects.toThrow(/kind/);
    await expect(notify(admin, { link: 'javascript:alert(1)' })).rejects.toThrow(/link/);
    await expect(notify(admin, { link: '//evil.test/x' })).rejects.toThrow(/link/);
    await expect(notify(admin, { userId: stranger.userId })).rejects.toThrow(/not in organization/);
    const id = await notify(admin, { title: 'x'.repeat(500), link: 'https://example.test/a' });
    expect((await row(id)).title).toHaveLength(200);
    expect(await t.database.db.selectFrom('platform.notifications').select('id').where('user_id', '=', stranger.userId).execute()).toEqual(
      [],
    );
  });
});
