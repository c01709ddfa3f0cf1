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
