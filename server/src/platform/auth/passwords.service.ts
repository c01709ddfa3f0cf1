import type { AppContext } from '../context.js';
import type { AuthContext } from './auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { mailLanguage } from '../mail/link-mail.js';
import { normalizeEmail } from '../orgs/organization.service.js';
import { createAttemptThrottle } from './attempt-throttle.js';
import { findUserByPrimaryEmail } from './auth.repository.js';
import {
  consumeOneTimeToken,
  deleteOneTimeTokensOf,
  findLatestTokenIssue,
  findOneTimeToken,
  issueOneTimeToken,
} from './one-time-token.repository.js';
import { deadTokenError, tokenState } from './one-time-token.js';
import { assertPasswordAcceptable, hashPassword } from './password.js';
import { passwordResetMail } from './passwords.mails.js';
import { assertCurrentPassword } from './reauthenticate.js';
import { endAllSessions } from './session.service.js';
import { createSignInThrottle } from './sign-in-throttle.js';

declare module '../jobs/jobs.js' {
  interface JobPayloads {
    /** A reset request let through the throttle: look the address up, issue a link and mail it (passwords.service). */
    'auth.password-reset': { email: string; ip: string; requestedAt: string };
  }
}
export const PASSWORD_RESET_JOB = 'auth.password-reset';

/** How long a reset link works. */
export const RESET_MINUTES = 60;
/** Reset mails per typed address, and requests per client address, before delays start (per quiet hour). */
export const RESET_FREE_PER_EMAIL = 3;
export const RESET_FREE_PER_IP = 20;

export const RESET_ACCEPTED_MESSAGE = 'If an account signs in with this address, we have sent it a link to choose a new password.';

/** The password policy, reported against the request's own field name. */
function assertAcceptableAs(field: string, password: string, email: string) {
  try {
    assertPasswordAcceptable(password, email);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, error.message, { field });
    throw error;
  }
}

/** Password reset by e-mail and password change (PLT-1). */
export function createPasswordService(ctx: Pick<AppContext, 'database' | 'mailer' | 'config' | 'jobs' | 'now'>) {
  const { database, mailer, config, jobs, now } = ctx;
  const throttle = createAttemptThrottle(database.db, now, {
    baseSeconds: 60,
    maxSeconds: 3600,
    message: 'Too many password-reset requests.',
  });

  return {
    /**
     * Accepts a reset request. The answer never says whether an account uses
     * the address, not even through its timing: after the throttle (per typed
     * address and per client address, known or not) it only queues a job, the
     * same for every address; the job looks the address up and mails the link
     * (sendResetLink).
     */
    async requestReset(rawEmail: string, ip: string): Promise<void> {
      const email = normalizeEmail(rawEmail);
      const keys = [
        { key: `reset:email:${email}`, free: RESET_FREE_PER_EMAIL },
        { key: `reset:ip:${ip}`, free: RESET_FREE_PER_IP },
      ];
      await throttle.assertAllowed(keys);
      await throttle.record(keys);
      await jobs.send(PASSWORD_RESET_JOB, { email, ip, requestedAt: now().toISOString() });
    },

    /**
     * The job behind requestReset: mails a reset link when the address is an
     * active user's primary address, and does nothing otherwise. Idempotent: a
     * run again after a link was issued for this request (or a newer one) sends
     * nothing more.
     */
    async sendResetLink(input: { email: string; ip: string; requestedAt: string }): Promise<void> {
      const { email, ip } = input;
      const user = await findUserByPrimaryEmail(database.db, email);
      if (!user || !user.active) return;
      const at = now();
      const issued = await database.transaction('request-password-reset', async (trx) => {
        const last = await findLatestTokenIssue(trx, 'password_reset', user.id);
        if (last && new Date(last).getTime() >= new Date(input.requestedAt).getTime()) return null;
        const details = await trx
          .selectFrom('platform.users as u')
          .innerJoin('platform.organizations as o', 'o.id', 'u.org_id')
          .select(['u.name', 'u.language', 'o.default_language'])
          .where('u.id', '=', user.id)
          .executeTakeFirstOrThrow();
        // Only the newest link works.
        await deleteOneTimeTokensOf(trx, 'password_reset', user.id);
        const token = await issueOneTimeToken(trx, {
          purpose: 'password_reset',
          orgId: user.org_id,
          userId: user.id,
          subjectId: user.id,
          expiresAt: new Date(at.getTime() + RESET_MINUTES * 60_000),
          now: at,
        });
        await recordAudit(trx, {
          orgId: user.org_id,
          actorId: null,
          action: 'auth.password_reset_requested',
          targetType: 'user',
          targetId: user.id,
          ip,
        });
        return { token, name: details.name, language: mailLanguage(details.language ?? details.default_language) };
      });
      if (!issued) return;
      const link = `${config.publicUrl}/reset-password?token=${encodeURIComponent(issued.token)}`;
      const mail = passwordResetMail(issued.language, { name: issued.name, link, minutes: RESET_MINUTES });
      // The mailer records a failed delivery in the mail outbox itself.
      await mailer.send({ orgId: user.org_id, to: email, ...mail });
    },

    /**
     * Sets a new password from a reset link (single use), ends every session
     * of the user and revokes their API tokens: whoever reset the password may
     * be recovering the account from someone who knew the old one (and could
     * have made tokens with it). A change from My account (changePassword)
     * keeps the tokens: the user proved the current password.
     */
    async confirmReset(input: { token: string; password: string }, ip: string): Promise<void> {
      const found = await findOneTimeToken(database.db, 'password_reset', input.token);
      if (!found || !found.user_id) throw deadTokenError('unknown');
      const state = tokenState(found, now());
      if (state !== 'usable') throw deadTokenError(state);
      const userId = found.user_id;
      const user = await database.db
        .selectFrom('platform.users as u')
        .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
        .select(['u.active', 'e.email'])
        .where('u.id', '=', userId)
        .executeTakeFirst();
      if (!user || !user.active) throw deadTokenError('unknown');
      assertPasswordAcceptable(input.password, user.email);
      const passwordHash = await hashPassword(input.password);
      const at = now();
      await database.transaction('confirm-password-reset', async (trx) => {
        if (!(await consumeOneTimeToken(trx, found.token_hash, at))) {
          const current = await findOneTimeToken(trx, 'password_reset', input.token);
          throw deadTokenError(current ? (tokenState(current, at) === 'expired' ? 'expired' : 'used') : 'unknown');
        }
        await trx.updateTable('platform.users').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', userId).execute();
        await deleteOneTimeTokensOf(trx, 'password_reset', userId, found.token_hash);
        await endAllSessions(trx, userId, { revokeTokens: true, now: at });
        await recordAudit(trx, {
          orgId: found.org_id,
          actorId: userId,
          action: 'auth.password_reset',
          targetType: 'user',
          targetId: userId,
          after: { sessionsEnded: true, tokensRevoked: true },
          ip,
        });
      });
      // Failed sign-ins before the reset should not hold the new password back.
      await createSignInThrottle(database.db, now).forgetAccount(user.email);
    },

    /** Changes the caller's password after checking the current one; every other session ends, API tokens stay. */
    async changePassword(auth: AuthContext, input: { currentPassword: string; newPassword: string }, ip: string): Promise<void> {
      assertAcceptableAs('newPassword', input.newPassword, auth.email);
      if (input.newPassword === input.currentPassword) {
        throw new AppError('validation_failed', 'The new password must differ from the current one.', { field: 'newPassword' });
      }
      await assertCurrentPassword(ctx, auth, input.currentPassword, ip, 'currentPassword');
      const passwordHash = await hashPassword(input.newPassword);
      const at = now();
      await database.transaction('change-password', async (trx) => {
        await trx
          .updateTable('platform.users')
          .set({ password_hash: passwordHash, updated_at: at })
          .where('id', '=', auth.userId)
          .execute();
        await deleteOneTimeTokensOf(trx, 'password_reset', auth.userId);
        await endAllSessions(trx, auth.userId, { keepSessionId: auth.sessionId, revokeTokens: false, now: at });
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'auth.password_changed',
          targetType: 'user',
          targetId: auth.userId,
          after: { otherSessionsEnded: true },
          ip,
        });
      });
    },
  };
}
