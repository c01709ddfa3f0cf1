import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';
import { testDatabaseKind } from '../../test/test-databases.js';
import { newId } from '../ids.js';
import { startBackgroundWork } from './background.js';
import { cleanUp, vacuumEmbedded } from './maintenance.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

describe('hourly cleanup', () => {
  it('deletes expired sessions, old used or expired one-time tokens, stale throttle rows and handled outbox events older than 7 days — and nothing else', async () => {
    const admin = await t.make.org();
    const db = t.database.db;
    // More expired sessions than one batch, to go round the batch loop.
    await t.database.query(
      `INSERT INTO platform.sessions (id, user_id, csrf_token, expires_at) SELECT 'expired-' || g, $1, 'x', now() - interval '1 hour' FROM generate_series(1, 2100) g`,
      [admin.userId],
    );
    await db
      .insertInto('platform.sessions')
      .values({ id: 'still-valid', user_id: admin.userId, csrf_token: 'x', expires_at: new Date(Date.now() + 3600_000) })
      .execute();

    const token = (hash: string, expires: Date, used: Date | null) => ({
      token_hash: hash,
      purpose: 'password_reset' as const,
      org_id: admin.orgId,
      user_id: admin.userId,
      subject_id: admin.userId,
      expires_at: expires,
      used_at: used,
    });
    await db
      .insertInto('platform.one_time_tokens')
      .values([
        token('used-long-ago', new Date(Date.now() + 3600_000), hoursAgo(48)),
        token('used-just-now', new Date(Date.now() + 3600_000), hoursAgo(1)),
        token('expired-long-ago', hoursAgo(48), null),
        token('expired-just-now', hoursAgo(1), null),
        token('valid', new Date(Date.now() + 3600_000), null),
      ])
      .execute();

    await db
      .insertInto('platform.sign_in_throttle')
      .values([
        { key: 'email:stale@x.test', failures: 3, last_failure_at: hoursAgo(2), blocked_until: hoursAgo(2) },
        { key: 'email:recent@x.test', failures: 3, last_failure_at: hoursAgo(0.1), blocked_until: hoursAgo(0.1) },
        { key: 'ip:10.0.0.1', failures: 12, last_failure_at: hoursAgo(2), blocked_until: new Date(Date.now() + 600_000) },
      ])
      .execute();

    const event = (processedHoursAgo: number | null, createdHoursAgo: number) => ({
      id: newId(),
      org_id: null,
      type: 'test.cleanup',
      payload: '{}',
      created_at: hoursAgo(createdHoursAgo),
      processed_at: processedHoursAgo === null ? null : hoursAgo(processedHoursAgo),
    });
    const [oldProcessed, recentProcessed, oldPending] = [event(8 * 24, 8 * 24), event(24, 24), event(null, 30 * 24)];
    await db
      .insertInto('platform.outbox')
      .values([oldProcessed, recentProcessed, { ...oldPending, attempts: 10, last_error: 'kept for inspection' }])
      .execute();

    const result = await cleanUp(t.database, new Date());
    expect(result).toEqual({ sessions: 2100, oneTimeTokens: 2, signInThrottle: 1, outbox: 1 });

    const sessions = (await db.selectFrom('platform.sessions').select('id').where('user_id', '=', admin.userId).execute()).map((r) => r.id);
    expect(sessions.filter((id) => id.startsWith('expired-'))).toEqual([]);
    expect(sessions).toContain('still-valid');
    expect(sessions).toHaveLength(2); // and the test user's own session
    expect(
      (
        await db
          .selectFrom('platform.one_time_tokens')
          .select('token_hash')
          .where('org_id', '=', admin.orgId)
          .orderBy('token_hash')
          .execute()
      ).map((r) => r.token_hash),
    ).toEqual(['expired-just-now', 'used-just-now', 'valid']);
    expect((await db.selectFrom('platform.sign_in_throttle').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual([
      'email:recent@x.test',
      'ip:10.0.0.1',
    ]);
    expect(
      (await db.selectFrom('platform.outbox').select('id').where('type', '=', 'test.cleanup').orderBy('id').execute())
        .map((r) => r.id)
        .sort(),
    ).toEqual([recentProcessed.id, oldPending.id].sort());

    // Nothing left to do: a second run deletes nothing.
    expect(await cleanUp(t.database, new Date())).toEqual({ sessions: 0, oneTimeTokens: 0, signInThrottle: 0, outbox: 0 });
  });
});

describe('VACUUM ANALYZE', () => {
  it.runIf(testDatabaseKind() === 'embedded')('vacuums and analyzes every table of the embedded database, one at a time', async () => {
    const { tables } = await vacuumEmbedded(t.database);
    expect(tables).toBeGreaterThan(20);
    const { rows } = await t.database.query<{ relname: string; vacuumed: boolean; analyzed: boolean }>(
      `SELECT relname, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
        WHERE schemaname = 'platform' AND relname IN ('outbox', 'notifications') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'notifications', vacuumed: true, analyzed: true },
      { relname: 'outbox', vacuumed: true, analyzed: true },
    ]);
  });

  it.runIf(testDatabaseKind() === 'postgres')('does nothing on PostgreSQL, which has autovacuum', async () => {
    expect(await vacuumEmbedded(t.database)).toEqual({ tables: 0 });
  });
});

describe('startBackgroundWork', () => {
  it('starts pg-boss and the outbox, schedules the cleanup hourly and VACUUM nightly on the embedded database only, and stops cleanly', async () => {
    const background = await startBackgroundWork(t.app.ctx, t.app.log);
    expect(t.app.ctx.jobs.started).toBe(true);
    const { rows } = await t.database.query<{ name: string; cron: string }>(
      `SELECT name, cron FROM pgboss.schedule WHERE name LIKE 'platform.%' ORDER BY name`,
    );
    if (t.database.kind === 'embedded') {
      expect(rows).toEqual([
        { name: 'platform.cleanup', cron: '17 * * * *' },
        { name: 'platform.vacuum', cron: '30 3 * * *' },
      ]);
    } else {
      expect(rows).toEqual([{ name: 'platform.cleanup', cron: '17 * * * *' }]);
    }
    // The scheduled job runs through its worker.
    await t.app.ctx.jobs.send('platform.cleanup', {});
    const done = async () =>
      (
        await t.database.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'platform.cleanup' AND state = 'completed'`,
        )
      ).rows[0]!.n;
    const until = Date.now() + 5000;
    while ((await done()) === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await done()).toBe(1);

    await background.stop();
    expect(t.app.ctx.jobs.started).toBe(false);
    // The database is still usable (nothing left half-done on the one embedded session).
    expect((await t.database.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});
