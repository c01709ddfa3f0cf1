import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { AppError } from '../http/app-error.js';

/** Failures allowed before delays start. */
const FREE_FAILURES = 4;
/** The longest delay: throttling slows guessing down, it never locks anyone out for good. */
const MAX_DELAY_SECONDS = 15 * 60;

export function delayAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_FAILURES));
}

const keysFor = (email: string, ip: string) => [`email:${email.trim().toLowerCase()}`, `ip:${ip}`];

/**
 * Sign-in throttling by account and by address. Keys are the e-mail typed (known
 * or not), so the answer never reveals whether an account exists.
 */
export function createSignInThrottle(db: Db, now: () => Date) {
  return {
    async assertAllowed(email: string, ip: string): Promise<void> {
      const rows = await db.selectFrom('platform.sign_in_throttle').select(['blocked_until']).where('key', 'in', keysFor(email, ip)).execute();
      const until = Math.max(0, ...rows.map((row) => new Date(row.blocked_until).getTime()));
      const waitMs = until - now().getTime();
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${seconds} seconds.`, { retryAfter: seconds }, {
          'retry-after': String(seconds),
        });
      }
    },
    async recordFailure(email: string, ip: string): Promise<void> {
      const at = now();
      for (const key of keysFor(email, ip)) {
        // Counts reset after a quiet hour.
        await sql`
          INSERT INTO platform.sign_in_throttle (key, failures, last_failure_at, blocked_until)
          VALUES (${key}, 1, ${at}, ${at})
          ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN platform.sign_in_throttle.last_failure_at < ${at}::timestamptz - interval '1 hour' THEN 1
                            ELSE platform.sign_in_throttle.failures + 1 END,
            last_failure_at = ${at}`.execute(db);
        await sql`
          UPDATE platform.sign_in_throttle
          SET blocked_until = ${at}::timestamptz + make_interval(secs => CASE WHEN failures <= ${FREE_FAILURES} THEN 0
                               ELSE least(${MAX_DELAY_SECONDS}, power(2, failures - ${FREE_FAILURES})) END)
          WHERE key = ${key}`.execute(db);
      }
    },
    async recordSuccess(email: string): Promise<void> {
      await db.deleteFrom('platform.sign_in_throttle').where('key', '=', keysFor(email, '')[0]!).execute();
    },
  };
}
