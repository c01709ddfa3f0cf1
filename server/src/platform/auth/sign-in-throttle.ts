import type { Db } from '../../db/database.js';
import { createAttemptThrottle, type ThrottleKey } from './attempt-throttle.js';

/** Failures allowed per account before delays start; then 2, 4, 8 … seconds, up to 15 minutes. */
const FREE_FAILURES = 4;
/** An address is often a whole office behind one router: it gets more room than one account. */
const FREE_FAILURES_PER_ADDRESS = 20;
/** The longest delay: throttling slows guessing down, it never locks anyone out for good. */
const MAX_DELAY_SECONDS = 15 * 60;

const emailKey = (email: string): ThrottleKey => ({ key: `email:${email.trim().toLowerCase()}`, free: FREE_FAILURES + 1 });
const addressKey = (ip: string): ThrottleKey => ({ key: `ip:${ip}`, free: FREE_FAILURES_PER_ADDRESS + 1 });
const keysFor = (email: string, ip: string): ThrottleKey[] => [emailKey(email), addressKey(ip)];

/**
 * Sign-in throttling by account and by address. Keys are the e-mail typed (known
 * or not), so the answer never reveals whether an account exists.
 */
export function createSignInThrottle(db: Db, now: () => Date) {
  const attempts = createAttemptThrottle(db, now, { baseSeconds: 2, maxSeconds: MAX_DELAY_SECONDS, message: 'Too many failed sign-ins.' });
  return {
    /** Counts the attempt before the password is checked; 429 while the account or the address is waiting out a delay. */
    attempt: (email: string, ip: string) => attempts.consume(keysFor(email, ip)),
    /** The attempt was right: the account's count starts again and the address's attempt is taken back. */
    async succeeded(email: string, ip: string): Promise<void> {
      await attempts.clear(emailKey(email).key);
      await attempts.release([addressKey(ip)]);
    },
    /** Clears the account's count without an attempt (after a password reset). */
    forgetAccount: (email: string) => attempts.clear(emailKey(email).key),
  };
}
