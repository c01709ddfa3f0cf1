import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Executor, Trx } from '../../db/database.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { mailLanguage } from '../mail/link-mail.js';
import { assertEmailFree, emailTakenError, isEmailTakenViolation, normalizeEmail } from '../orgs/organization.service.js';
import { assertCurrentPassword } from '../auth/reauthenticate.js';
import { createAttemptThrottle } from '../auth/attempt-throttle.js';
import {
  consumeOneTimeToken,
  deleteOneTimeTokensOf,
  findLatestTokenIssue,
  findOneTimeToken,
  issueOneTimeToken,
} from '../auth/one-time-token.repository.js';
import { deadTokenError, tokenState } from '../auth/one-time-token.js';
import { primaryChangedMail, verificationMail } from './email.mails.js';

/** How long a verification link works. */
export const VERIFICATION_HOURS = 48;
/** Addresses one user may hold (each one can receive mail from Clave). */
export const MAX_EMAILS_PER_USER = 10;
/** Minimum wait between two verification mails to the same address. */
export const RESEND_SECONDS = 60;
/**
 * Verification mails (new addresses and resends) one user may have sent per
 * hour: each goes to an address nobody has confirmed yet, and a 409 on adding
 * says that someone verified the address, so both are worth slowing down.
 */
export const VERIFICATION_MAILS_PER_HOUR = 5;

interface EmailRow {
  id: string;
  email: string;
  is_primary: boolean;
  verified_at: Date | null;
  created_at: Date;
}

function present(row: EmailRow) {
  return {
    id: row.id,
    email: row.email,
    isPrimary: row.is_primary,
    verified: row.verified_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function listRows(executor: Executor, userId: string) {
  return executor
    .selectFrom('platform.user_emails')
    .select(['id', 'email', 'is_primary', 'verified_at', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** Whether another user has verified this address (then it can be neither added, verified nor mailed). */
async function isVerifiedByAnother(executor: Executor, userId: string, email: string): Promise<boolean> {
  const row = await executor
    .selectFrom('platform.user_emails')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(email)))
    .where('verified_at', 'is not', null)
    .where('user_id', '!=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** One of the caller's addresses; anyone else's is a 404. */
async function getOwnEmail(executor: Executor, auth: AuthContext, id: string, options: { lock?: boolean } = {}): Promise<EmailRow> {
  let query = executor
    .selectFrom('platform.user_emails')
    .select(['id', 'email', 'is_primary', 'verified_at', 'created_at'])
    .where('id', '=', id)
    .where('user_id', '=', auth.userId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('The e-mail address');
  return row;
}

/**
 * Account e-mail addresses (PLT-2). An address is never edited in place: the
 * user adds a secondary address, verifies it through a mailed link, then makes
 * it primary with their password. Sign-in uses the primary address only.
 */
export function createEmailService(ctx: Pick<AppContext, 'database' | 'mailer' | 'config' | 'now'>) {
  const { database, mailer, config, now } = ctx;
  const mailThrottle = createAttemptThrottle(database.db, now, {
    baseSeconds: 3600,
    maxSeconds: 3600,
    message: 'You have asked for too many verification links this hour.',
  });

  const verificationKey = (auth: AuthContext) => ({ key: `email-verification:user:${auth.userId}`, free: VERIFICATION_MAILS_PER_HOUR });

  async function issueVerification(trx: Trx, auth: AuthContext, emailId: string, at: Date) {
    await deleteOneTimeTokensOf(trx, 'email_verification', emailId);
    const expiresAt = new Date(at.getTime() + VERIFICATION_HOURS * 3_600_000);
    return issueOneTimeToken(trx, {
      purpose: 'email_verification',
      orgId: auth.orgId,
      userId: auth.userId,
      subjectId: emailId,
      expiresAt,
      now: at,
    });
  }

  async function sendVerification(auth: AuthContext, email: string, token: string) {
    const link = `${config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
    const mail = verificationMail(mailLanguage(auth.language), { name: auth.name, email, link, hours: VERIFICATION_HOURS });
    await mailer.send({ orgId: auth.orgId, to: email, ...mail });
  }

  return {
    async list(auth: AuthContext) {
      return (await listRows(database.db, auth.userId)).map(present);
    },

    /**
     * Adds an unverified secondary address and mails it a verification link.
     * 409 `email_taken` when another user has verified the address or the
     * caller already has it; an address others only added is no obstacle.
     * Every attempt counts against the hourly allowance of verification mails.
     */
    async add(auth: AuthContext, rawEmail: string, ip: string) {
      const email = normalizeEmail(rawEmail);
      const keys = [verificationKey(auth)];
      await mailThrottle.assertAllowed(keys);
      // Counted before the answer is known: probing which addresses are taken costs the allowance too.
      await mailThrottle.record(keys);
      const at = now();
      let created;
      try {
        created = await database.transaction('add-email', async (trx) => {
          // Lock the user's row so two simultaneous adds cannot both pass the limit.
          await trx.selectFrom('platform.users').select('id').where('id', '=', auth.userId).forUpdate().executeTakeFirstOrThrow();
          const count = await trx
            .selectFrom('platform.user_emails')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .where('user_id', '=', auth.userId)
            .executeTakeFirstOrThrow();
          if (Number(count.count) >= MAX_EMAILS_PER_USER) {
            throw new AppError('conflict', `You can have at most ${MAX_EMAILS_PER_USER} addresses. Remove one first.`, { field: 'email' });
          }
          await assertEmailFree(trx, email);
          const own = await trx
            .selectFrom('platform.user_emails')
            .select('id')
            .where('user_id', '=', auth.userId)
            .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
            .executeTakeFirst();
          if (own) throw emailTakenError();
          const row = await trx
            .insertInto('platform.user_emails')
            .values({ id: newId(), user_id: auth.userId, email, is_primary: false, verified_at: null, created_at: at })
            .returning(['id', 'email', 'is_primary', 'verified_at', 'created_at'])
            .executeTakeFirstOrThrow();
          const token = await issueVerification(trx, auth, row.id, at);
          await recordAudit(trx, {
            orgId: auth.orgId,
            actorId: auth.userId,
            action: 'email.added',
            targetType: 'user_email',
            targetId: row.id,
            after: { email, isPrimary: false, verified: false },
            ip,
          });
          return { row, token };
        });
      } catch (error) {
        if (isEmailTakenViolation(error)) throw emailTakenError();
        throw error;
      }
      await sendVerification(auth, email, created.token);
      return present(created.row);
    },

    /**
     * A new verification link for an unverified address; the previous link
     * stops working. 409 `email_taken` (and no mail) once another user has
     * verified the address.
     */
    async resendVerification(auth: AuthContext, id: string, ip: string) {
      const at = now();
      const keys = [verificationKey(auth)];
      await mailThrottle.assertAllowed(keys);
      const result = await database.transaction('resend-email-verification', async (trx) => {
        const row = await getOwnEmail(trx, auth, id, { lock: true });
        if (row.verified_at) throw new AppError('conflict', 'This address is already verified.');
        if (await isVerifiedByAnother(trx, auth.userId, row.email)) throw emailTakenError();
        const last = await findLatestTokenIssue(trx, 'email_verification', id);
        const waitSeconds = last ? Math.ceil((new Date(last).getTime() + RESEND_SECONDS * 1000 - at.getTime()) / 1000) : 0;
        if (waitSeconds > 0) {
          throw new AppError(
            'rate_limited',
            `A link was sent moments ago. Try again in ${waitSeconds} seconds.`,
            { retryAfter: waitSeconds },
            { 'retry-after': String(waitSeconds) },
          );
        }
        const token = await issueVerification(trx, auth, id, at);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'email.verification_sent',
          targetType: 'user_email',
          targetId: id,
          after: { email: row.email },
          ip,
        });
        return { email: row.email, token };
      });
      await mailThrottle.record(keys);
      await sendVerification(auth, result.email, result.token);
    },

    /**
     * Opens a verification link (no session needed): the address becomes
     * verified; the link is single-use. 409 `email_taken` when another user
     * verified the same address first (the link then stays unused).
     */
    async verify(token: string, ip: string) {
      const at = now();
      try {
        return await database.transaction('verify-email', async (trx) => {
          const tokenRow = await findOneTimeToken(trx, 'email_verification', token, { lock: true });
          if (!tokenRow || !tokenRow.user_id) throw deadTokenError('unknown');
          const state = tokenState(tokenRow, at);
          if (state !== 'usable') throw deadTokenError(state);
          const row = await trx
            .selectFrom('platform.user_emails')
            .select(['id', 'email', 'is_primary', 'verified_at', 'created_at'])
            .where('id', '=', tokenRow.subject_id)
            .where('user_id', '=', tokenRow.user_id)
            .forUpdate()
            .executeTakeFirst();
          if (!row) throw deadTokenError('unknown');
          if (!(await consumeOneTimeToken(trx, tokenRow.token_hash, at))) throw deadTokenError('used');
          const updated = await trx
            .updateTable('platform.user_emails')
            .set({ verified_at: row.verified_at ?? at })
            .where('id', '=', row.id)
            .returning(['id', 'email', 'is_primary', 'verified_at', 'created_at'])
            .executeTakeFirstOrThrow();
          await recordAudit(trx, {
            orgId: tokenRow.org_id,
            actorId: tokenRow.user_id,
            action: 'email.verified',
            targetType: 'user_email',
            targetId: row.id,
            before: { email: row.email, verified: row.verified_at !== null },
            after: { email: row.email, verified: true },
            ip,
          });
          return present(updated);
        });
      } catch (error) {
        // Another user verified the address first: the unique index of verified addresses refuses it.
        if (isEmailTakenViolation(error)) throw emailTakenError();
        throw error;
      }
    },

    /**
     * Makes a verified address the primary (sign-in) address, after the
     * password. Refused with nothing changed: unverified → 409
     * `email_unverified`; wrong password → 403 `wrong_password` (the session
     * stays). The former primary address gets a notice.
     */
    async makePrimary(auth: AuthContext, id: string, password: string, ip: string) {
      const target = await getOwnEmail(database.db, auth, id);
      if (!target.verified_at) {
        throw new AppError('email_unverified', 'Verify this address first: open the link we sent to it.');
      }
      await assertCurrentPassword(ctx, auth, password, ip);
      const result = await database.transaction('make-email-primary', async (trx) => {
        const rows = await trx
          .selectFrom('platform.user_emails')
          .select(['id', 'email', 'is_primary', 'verified_at'])
          .where('user_id', '=', auth.userId)
          .forUpdate()
          .execute();
        const chosen = rows.find((row) => row.id === id);
        if (!chosen) throw notFound('The e-mail address');
        if (!chosen.verified_at) throw new AppError('email_unverified', 'Verify this address first: open the link we sent to it.');
        const previous = rows.find((row) => row.is_primary);
        if (chosen.is_primary) return { changed: false as const };
        // Clear the old primary first: one primary per user is a unique index.
        await trx
          .updateTable('platform.user_emails')
          .set({ is_primary: false })
          .where('user_id', '=', auth.userId)
          .where('is_primary', '=', true)
          .execute();
        await trx.updateTable('platform.user_emails').set({ is_primary: true }).where('id', '=', id).execute();
        await trx.updateTable('platform.users').set({ updated_at: now() }).where('id', '=', auth.userId).execute();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'email.primary_changed',
          targetType: 'user',
          targetId: auth.userId,
          before: { primary: previous?.email ?? null },
          after: { primary: chosen.email },
          ip,
        });
        return { changed: true as const, previous: previous?.email, current: chosen.email };
      });
      if (result.changed && result.previous) {
        const mail = primaryChangedMail(mailLanguage(auth.language), { name: auth.name, newEmail: result.current });
        await mailer.send({ orgId: auth.orgId, to: result.previous, ...mail });
      }
      return (await listRows(database.db, auth.userId)).map(present);
    },

    /** Removes a secondary address; the primary cannot be removed (409 `email_is_primary`). */
    async remove(auth: AuthContext, id: string, ip: string) {
      await database.transaction('remove-email', async (trx) => {
        const row = await getOwnEmail(trx, auth, id, { lock: true });
        if (row.is_primary)
          throw new AppError('email_is_primary', 'This is your primary address. Make another address primary before removing it.');
        await deleteOneTimeTokensOf(trx, 'email_verification', id);
        await trx.deleteFrom('platform.user_emails').where('id', '=', id).execute();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'email.removed',
          targetType: 'user_email',
          targetId: id,
          before: { email: row.email, isPrimary: false, verified: row.verified_at !== null },
          ip,
        });
      });
    },
  };
}
