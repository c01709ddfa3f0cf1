import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import type { AppContext } from '../context.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { createOrganization } from '../orgs/organization.service.js';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './password.js';
import { createSignInThrottle } from './sign-in-throttle.js';
import { createSession, endAllSessions } from './session.service.js';
import { claimTotpStep, findUserByPrimaryEmail } from './auth.repository.js';
import { spendRecoveryCode } from './recovery-codes.repository.js';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export function totpFor(secret: string, label = 'Clave'): TOTP {
  return new TOTP({ issuer: 'Clave', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/**
 * The time step (30-second period since 1970) of a correct code, accepting the
 * step before and after `at` for clocks that drift; null for a wrong code.
 * Callers record the step (claimTotpStep) so that a code works only once.
 */
export function matchTotpStep(secret: string, code: string, at: Date): number | null {
  const totp = totpFor(secret);
  const delta = totp.validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : totp.counter({ timestamp: at.getTime() }) + delta;
}

export function createAuthService(ctx: Pick<AppContext, 'database' | 'config' | 'now'>) {
  const { database, config, now } = ctx;
  const throttle = createSignInThrottle(database.db, now);

  async function countOrganizations(): Promise<number> {
    const row = await database.db
      .selectFrom('platform.organizations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async function startSession(userId: string, client: ClientInfo) {
    return createSession(database.db, { userId, hours: config.sessionHours, ip: client.ip, userAgent: client.userAgent, now: now() });
  }

  return {
    countOrganizations,

    /** The one-time set-up: the first organization and its administrator. */
    async setup(input: { organization: string; name: string; email: string; password: string; language?: string }, client: ClientInfo) {
      assertPasswordAcceptable(input.password, input.email);
      const passwordHash = await hashPassword(input.password);
      const created = await database.transaction('setup', async (trx) => {
        // Serialize concurrent set-ups: only the first may win.
        await sql`SELECT pg_advisory_xact_lock(7202612)`.execute(trx);
        const existing = await trx.selectFrom('platform.organizations').select('id').limit(1).executeTakeFirst();
        if (existing) throw new AppError('already_set_up', 'Clave is already set up. Sign in instead.');
        return createOrganization(trx, { ...input, passwordHash });
      });
      const session = await startSession(created.userId, client);
      return { ...created, session };
    },

    /** ALLOW_SIGNUP: anyone may create a further organization. */
    async signup(input: { organization: string; name: string; email: string; password: string; language?: string }, client: ClientInfo) {
      if (!config.allowSignup)
        throw new AppError('forbidden', 'Sign-up is turned off on this installation. Ask an administrator for an invitation.');
      assertPasswordAcceptable(input.password, input.email);
      const passwordHash = await hashPassword(input.password);
      const created = await database
        .transaction('signup', (trx) => createOrganization(trx, { ...input, passwordHash }))
        .catch((error: unknown) => {
          // Two sign-ups with one address at the same moment: the second meets the unique index, not the check before it.
          if (isUniqueViolation(error)) throw new AppError('email_taken', 'This e-mail address is already in use.', { field: 'email' });
          throw error;
        });
      const session = await startSession(created.userId, client);
      return { ...created, session };
    },

    /** Password (and two-factor) sign-in, throttled per account and per address. */
    async login(input: { email: string; password: string; code?: string }, client: ClientInfo) {
      await throttle.attempt(input.email, client.ip);
      const user = await findUserByPrimaryEmail(database.db, input.email);
      const passwordOk = await verifyPassword(user?.password_hash ?? null, input.password);
      if (!user || !passwordOk || !user.active) {
        await database.transaction('audit-failed-sign-in', (trx) =>
          recordAudit(trx, {
            orgId: user?.org_id ?? null,
            actorId: user?.id ?? null,
            action: 'auth.sign_in_failed',
            targetType: 'user',
            targetId: user?.id,
            after: { email: input.email.toLowerCase() },
            ip: client.ip,
          }),
        );
        throw new AppError('invalid_credentials', 'The e-mail or the password is wrong.');
      }
      if (user.totp_enabled && user.totp_secret) {
        if (!input.code)
          throw new AppError('two_factor_required', 'Enter the six-digit code from your authenticator app.', { field: 'code' });
        const isRecoveryCode = !/^[0-9]{6}$/.test(input.code);
        if (isRecoveryCode) {
          if (!(await spendRecoveryCode(database.db, user.id, input.code, now()))) {
            throw new AppError('invalid_credentials', 'The recovery code is wrong or has been used.', { field: 'code' });
          }
          await database.transaction('audit-recovery-code', (trx) =>
            recordAudit(trx, {
              orgId: user.org_id,
              actorId: user.id,
              action: 'two_factor.recovery_code_used',
              targetType: 'user',
              targetId: user.id,
              ip: client.ip,
            }),
          );
        }
        const step = isRecoveryCode ? 0 : matchTotpStep(user.totp_secret, input.code, now());
        // A code seen once (or one older than the last used) is refused: a code read over a shoulder or phished works only for its owner.
        if (!isRecoveryCode && (step === null || !(await claimTotpStep(database.db, user.id, step)))) {
          const message =
            step === null ? 'The two-factor code is wrong.' : 'This two-factor code has already been used. Wait for the next one.';
          throw new AppError('invalid_credentials', message, { field: 'code' });
        }
      }
      await throttle.succeeded(input.email, client.ip);
      const session = await startSession(user.id, client);
      await database.transaction('audit-sign-in', (trx) =>
        recordAudit(trx, {
          orgId: user.org_id,
          actorId: user.id,
          action: 'auth.signed_in',
          targetType: 'user',
          targetId: user.id,
          ip: client.ip,
        }),
      );
      return { userId: user.id, orgId: user.org_id, session };
    },

    async logout(sessionId: string | undefined) {
      if (sessionId) await database.db.deleteFrom('platform.sessions').where('id', '=', sessionId).execute();
    },

    endAllSessions: (userId: string, options: { keepSessionId?: string; revokeTokens: boolean }) =>
      endAllSessions(database.db, userId, { ...options, now: now() }),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
