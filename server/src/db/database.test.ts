import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from './database.js';
import { openTestDatabase } from '../test/test-databases.js';
import { QueryEscapedTransactionError } from './transaction-guard.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
  await sql`CREATE TABLE public.counter (id int PRIMARY KEY, value int NOT NULL)`.execute(database.db);
  await sql`INSERT INTO public.counter VALUES (1, 0)`.execute(database.db);
});
afterAll(() => database.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('transactions', () => {
  it('never lets a simultaneous request see uncommitted work', async () => {
    const seen: number[] = [];
    const writer = database.transaction('writer', async (trx) => {
      await sql`UPDATE public.counter SET value = 999 WHERE id = 1`.execute(trx);
      await sleep(50); // the reader below runs while this transaction is open
      await sql`UPDATE public.counter SET value = 0 WHERE id = 1`.execute(trx);
    });
    const reader = (async () => {
      await sleep(10);
      const { rows } = await sql<{ value: number }>`SELECT value FROM public.counter WHERE id = 1`.execute(database.db);
      seen.push(rows[0]!.value);
    })();
    await Promise.all([writer, reader]);
    expect(seen).toEqual([0]);
  });

  it('never interleaves two transactions: concurrent read-modify-write increments are all kept', async () => {
    await sql`UPDATE public.counter SET value = 0 WHERE id = 1`.execute(database.db);
    const increments = Array.from({ length: 20 }, () =>
      database.transaction('increment', async (trx) => {
        const { rows } = await sql<{ value: number }>`SELECT value FROM public.counter WHERE id = 1 FOR UPDATE`.execute(trx);
        await sleep(1);
        await sql`UPDATE public.counter SET value = ${rows[0]!.value + 1} WHERE id = 1`.execute(trx);
      }),
    );
    await Promise.all(increments);
    const { rows } = await sql<{ value: number }>`SELECT value FROM public.counter WHERE id = 1`.execute(database.db);
    expect(rows[0]!.value).toBe(20);
  });

  it('rolls back everything when the transaction fails', async () => {
    await expect(
      database.transaction('fails', async (trx) => {
        await sql`UPDATE public.counter SET value = 12345 WHERE id = 1`.execute(trx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await sql<{ value: number }>`SELECT value FROM public.counter WHERE id = 1`.execute(database.db);
    expect(rows[0]!.value).not.toBe(12345);
  });

  it('catches a query that escapes its transaction instead of deadlocking or running outside it', async () => {
    const escaped = database.transaction('escape', async () => {
      // Wrong on purpose: the shared handle instead of trx.
      await sql`SELECT 1`.execute(database.db);
    });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('deadlocked')), 3000));
    await expect(Promise.race([escaped, timeout])).rejects.toBeInstanceOf(QueryEscapedTransactionError);
    // The database is still usable afterwards.
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
    expect(rows[0]!.one).toBe(1);
  });
});
