import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { AppError } from '../http/app-error.js';

export interface ThrottleKey {
  /** Prefixed so that it never meets a sign-in key in the shared table, e.g. `reset:email:ana@acme.test`. */
  key: string;
  /** Attempts allowed within a quiet hour before delays start. */
  free: number;
}

/**
 * Throttles an action that is not a sign-in (password-reset mails) the way
 * sign-ins are throttled: every attempt counts, after `free` attempts each
 * one waits twice as long as the last (from `baseSeconds`, at most
 * `maxSeconds`), and counts reset after a quiet hour. Rows live in
 * platform.sign_in_throttle under their own key prefix.
 */
export function createAttemptThrottle(db: Db, now: () => Date, options: { baseSeconds: number; maxSeconds: number; message: string }) {
  const tooMany = (seconds: number) =>
    new AppError(
      'rate_limited',
      `${options.message} Try again in ${seconds} seconds.`,
      { retryAfter: seconds },
      { 'retry-after': String(seconds) },
    );
  return {
    async assertAllowed(keys: ThrottleKey[]): Promise<void> {
      const rows = await db
        .selectFrom('platform.sign_in_throttle')
        .select('blocked_until')
        .where(
          'key',
          'in',
          keys.map((k) => k.key),
        )
        .execute();
      const until = Math.max(0, ...rows.map((row) => new Date(row.blocked_until).getTime()));
      const waitMs = until - now().getTime();
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new AppError(
          'rate_limited',
          `${options.message} Try again in ${seconds} seconds.`,
          { retryAfter: seconds },
          { 'retry-after': String(seconds) },
        );
      }
    },
    /**
     * Counts one attempt on every key and refuses it (429) when any key was
     * already waiting out a delay — in one statement per key, so attempts sent
     * at the same moment are counted one by one and cannot slip past the limit
     * by all checking before any of them is recorded. Count first, verify after;
     * call `release` when the attempt turns out to be legitimate.
     */
    async consume(keys: ThrottleKey[]): Promise<void> {
      const at = now();
      let waitUntil = 0;
      for (const { key, free } of keys) {
        // The row lock orders simultaneous attempts on one key (PostgreSQL); on the embedded database transactions never overlap anyway.
        const previous = await db.transaction().execute(async (trx) => {
          await sql`INSERT INTO platform.sign_in_throttle (key, failures, last_failure_at, blocked_until)
                    VALUES (${key}, 0, ${at}, to_timestamp(0)) ON CONFLICT (key) DO NOTHING`.execute(trx);
          const { rows } = await sql<{ failures: number; last_failure_at: Date; blocked_until: Date }>`
            SELECT failures, last_failure_at, blocked_until FROM platform.sign_in_throttle WHERE key = ${key} FOR UPDATE`.execute(trx);
          const row = rows[0]!;
          const quietHour = new Date(row.last_failure_at).getTime() < at.getTime() - 3600_000;
          const failures = quietHour ? 1 : row.failures + 1;
          const blockedBefore = new Date(row.blocked_until).getTime();
          const delaySeconds = failures >= free ? Math.min(options.maxSeconds, options.baseSeconds * 2 ** (failures - free)) : 0;
          // No delay leaves the block as it was (an attempt timed earlier may still be waiting for this row).
          const blockedUntil = new Date(delaySeconds > 0 ? Math.max(blockedBefore, at.getTime() + delaySeconds * 1000) : blockedBefore);
          await sql`UPDATE platform.sign_in_throttle SET failures = ${failures}, last_failure_at = ${at}, blocked_until = ${blockedUntil}
                    WHERE key = ${key}`.execute(trx);
          return blockedBefore;
        });
        waitUntil = Math.max(waitUntil, previous);
      }
      const waitMs = waitUntil - at.getTime();
      if (waitMs > 0) throw tooMany(Math.ceil(waitMs / 1000));
    },
    /** Takes back one counted attempt (it succeeded), so legitimate use never adds up to a delay. */
    async release(keys: ThrottleKey[]): Promise<void> {
      for (const { key } of keys) {
        await sql`UPDATE platform.sign_in_throttle SET failures = greatest(failures - 1, 0) WHERE key = ${key}`.execute(db);
      }
    },
    /** Forgets a key altogether (a successful sign-in clears the account's count). */
    async clear(key: string): Promise<void> {
      await db.deleteFrom('platform.sign_in_throttle').where('key', '=', key).execute();
    },
    async record(keys: ThrottleKey[]): Promise<void> {
      const at = now();
      for (const { key, free } of keys) {
        await sql`
          INSERT INTO platform.sign_in_throttle (key, failures, last_failure_at, blocked_until)
          VALUES (${key}, 1, ${at}, ${at})
          ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN platform.sign_in_throttle.last_failure_at < ${at}::timestamptz - interval '1 hour' THEN 1
                            ELSE platform.sign_in_throttle.failures + 1 END,
            last_failure_at = ${at}`.execute(db);
        await sql`
          UPDATE platform.sign_in_throttle
          SET blocked_until = ${at}::timestamptz + make_interval(secs => CASE WHEN failures < ${free} THEN 0
                               ELSE least(${options.maxSeconds}, ${options.baseSeconds} * power(2, failures - ${free})) END)
          WHERE key = ${key}`.execute(db);
      }
    },
  };
}
