import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.js';
import { openTestDatabase } from '../../test/test-databases.js';
import { waitFor } from '../../test/wait-for.js';
import { createJobs, createPgBossDb, type Jobs } from './jobs.js';

declare module './jobs.js' {
  interface JobPayloads {
    'test.echo': { n: number };
    'test.flaky': { n: number };
    'test.slow': { n: number };
    'test.orphan': { n: number };
  }
}

let database: Database;
let jobs: Jobs;
const echoed: number[] = [];
const flakyCalls: number[] = [];
const slowRuns: number[] = [];
const orphanRuns: number[] = [];
let ticks = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  // A node silent for 4 s is taken for stopped (this one beats every second).
  jobs = createJobs({ database, staleSeconds: 4 });
  await jobs.work('test.orphan', async (job) => void orphanRuns.push(job.data.n), { pollingIntervalSeconds: 1 });
  jobs.every('test.tick', 1, async () => void ticks++);
  // Polls every 5 minutes: only the wake-up of the sender can make a job run within seconds.
  await jobs.work('test.echo', async (job) => void echoed.push(job.data.n), { pollingIntervalSeconds: 300 });
  await jobs.work(
    'test.flaky',
    async (job) => {
      flakyCalls.push(job.data.n);
      if (flakyCalls.length === 1) throw new Error('first run fails');
    },
    { pollingIntervalSeconds: 1 },
  );
  await jobs.work(
    'test.slow',
    async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      slowRuns.push(job.data.n);
    },
    { pollingIntervalSeconds: 300 },
  );
  await jobs.start();
});
afterAll(async () => {
  await jobs.stop();
  await database.close();
});

const jobRows = (name: string) =>
  database
    .query<{ state: string; data: { n: number } }>(`SELECT state::text, data FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [name])
    .then((r) => r.rows);

describe('background jobs (pg-boss on the application database)', () => {
  it('runs a job sent from this node right away: the sender wakes its worker instead of waiting for the poll', async () => {
    const id = await jobs.send('test.echo', { n: 1 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => echoed.includes(1), 'the echo job to run (woken, not polled)', 10_000);
    await waitFor(async () => (await jobRows('test.echo')).some((row) => row.state === 'completed'), 'the job to be completed');
  });

  it('runs every job of a burst sent while its worker is busy, without waiting for the poll', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((n) => jobs.send('test.slow', { n })));
    await waitFor(() => slowRuns.length === 5, 'all five jobs to run (the worker looks again after each one)', 10_000);
    expect([...slowRuns].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('a job sent inside a transaction exists only if the transaction commits', async () => {
    await expect(
      database.transaction('rolled-back', async (trx) => {
        await jobs.send('test.echo', { n: 2 }, { trx });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await database.transaction('committed', (trx) => jobs.send('test.echo', { n: 3 }, { trx }));
    await waitFor(() => echoed.includes(3), 'the committed job to run', 10_000);
    expect(echoed).not.toContain(2);
    expect((await jobRows('test.echo')).map((row) => row.data.n)).not.toContain(2);
  });

  it('waits for startAfter', async () => {
    await jobs.send('test.echo', { n: 4 }, { startAfter: new Date(Date.now() + 1500) });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(echoed).not.toContain(4);
    await waitFor(() => echoed.includes(4), 'the delayed job to run at its time', 10_000);
  });

  it('retries a failing job', async () => {
    await jobs.send('test.flaky', { n: 5 }, { retryLimit: 2, retryDelay: 1, retryBackoff: false });
    await waitFor(() => flakyCalls.length >= 2, 'the retry', 10_000);
    expect(flakyCalls).toEqual([5, 5]);
    await waitFor(async () => (await jobRows('test.flaky')).some((row) => row.state === 'completed'), 'the retried job to complete');
  });

  it('stores schedules in the database; scheduling again replaces, unschedule removes', async () => {
    const schedules = () =>
      database
        .query<{ cron: string; timezone: string }>(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'test.echo'`)
        .then((r) => r.rows);
    await jobs.schedule('test.echo', '*/5 * * * *', { n: 0 });
    await jobs.schedule('test.echo', '0 4 * * *', { n: 0 }, { tz: 'Europe/Madrid' });
    expect(await schedules()).toEqual([{ cron: '0 4 * * *', timezone: 'Europe/Madrid' }]);
    await expect(jobs.schedule('test.echo', 'every day', { n: 0 })).rejects.toThrow();
    await jobs.unschedule('test.echo');
    expect(await schedules()).toEqual([]);
  });
});

describe('the database adapter pg-boss runs on', () => {
  it('rolls back a failed BEGIN … COMMIT string, so the session stays usable (on PGlite it is the only one)', async () => {
    const adapter = createPgBossDb(database);
    await expect(adapter.executeSql('BEGIN; SELECT 1/0; COMMIT;')).rejects.toThrow(/division by zero/);
    // The connection just released is the next one used (also on PostgreSQL's pool).
    const { rows } = await database.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows).toEqual([{ ok: 1 }]);
    expect(adapter.inFlight()).toBe(0);
  });

  it('runs a periodic task right after start and then on its interval', async () => {
    await waitFor(() => ticks >= 3, 'three ticks', 10_000);
    expect(() => jobs.every('test.tick', 1, async () => undefined)).toThrow(/already declared/);
  });

  it('retries at once a job left active by a node that stopped beating, and only one started before every live node', async () => {
    // A node that died half an hour ago, in the middle of a job; and a job of a live node (started after this one).
    await database.query(
      `INSERT INTO platform.worker_nodes (id, started_at, heartbeat_at) VALUES (gen_random_uuid(), now() - interval '1 hour', now() - interval '30 minutes')`,
    );
    const orphan = await jobs.send('test.orphan', { n: 1 }, { startAfter: 3600, retryDelay: 1, retryBackoff: false });
    const live = await jobs.send('test.orphan', { n: 2 }, { startAfter: 3600, retryDelay: 1, retryBackoff: false });
    await database.query(`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '30 minutes' WHERE id = $1`, [orphan]);
    await database.query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = $1`, [live]);
    await waitFor(() => orphanRuns.includes(1), 'the orphaned job to run again', 15_000);
    const states = await database.query<{ id: string; state: string }>(`SELECT id, state::text FROM pgboss.job WHERE name = 'test.orphan'`);
    expect(states.rows.find((row) => row.id === live)?.state).toBe('active');
    expect(orphanRuns).toEqual([1]);
    const nodes = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.worker_nodes`);
    expect(nodes.rows[0]!.n).toBe(1);
  });
});
