import { deleteRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.repository.js';
import { Secret } from 'otpauth';
import type { AppContext } from '../context.js';
import type { Trx } from '../../db/database.js';
import type { AuthContext } from './auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { matchTotpStep, totpFor } from './auth.service.js';
import { assertCurrentPassword } from './reauthenticate.js';

/**
 * Optional TOTP two-factor (PLT-1): set-up (after the password) stores a new
 * secret without turning it on; a correct code from the app turns it on; the
 * password turns it off. Sign-in then asks for `code` (auth.service login),
 * and each code works once.
 */
export function createTwoFactorService(ctx: Pick<AppContext, 'database' | 'now'>) {
  const { database, now } = ctx;

  const alreadyOn = () => new AppError('conflict', 'Two-factor is already on. Turn it off first to set up a new app.');

  const loadUser = (trx: Trx, userId: string) =>
    trx.selectFrom('platform.users').select(['totp_secret', 'totp_enabled']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();

  return {
    /**
     * A fresh secret for the authenticator app, after the password: otherwise
     * whoever holds a session (a stolen cookie, an unlocked computer) could
     * tie the account to their own app and lock its owner out. Replaces an
     * unfinished set-up. 409 while two-factor is on.
     */
    async setup(auth: AuthContext, password: string, ip: string) {
      const current = await database.db
        .selectFrom('platform.users')
        .select('totp_enabled')
        .where('id', '=', auth.userId)
        .executeTakeFirstOrThrow();
      if (current.totp_enabled) throw alreadyOn();
      await assertCurrentPassword(ctx, auth, password, ip);
      const secret = new Secret({ size: 20 }).base32;
      await database.transaction('two-factor-setup', async (trx) => {
        const user = await loadUser(trx, auth.userId);
        if (user.totp_enabled) throw alreadyOn();
        await trx.updateTable('platform.users').set({ totp_secret: secret, updated_at: now() }).where('id', '=', auth.userId).execute();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'two_factor.setup_started',
          targetType: 'user',
          targetId: auth.userId,
          ip,
        });
      });
      return { secret, otpauthUrl: totpFor(secret, auth.email).toString() };
    },

    /** Turns two-factor on once the app shows a correct code for the stored secret. */
    async enable(auth: AuthContext, code: string, ip: string) {
      return database.transaction('two-factor-enable', async (trx) => {
        const user = await loadUser(trx, auth.userId);
        if (user.totp_enabled) throw new AppError('conflict', 'Two-factor is already on.');
        if (!user.totp_secret) throw new AppError('conflict', 'Start the two-factor set-up first.');
        const step = matchTotpStep(user.totp_secret, code, now());
        if (step === null) {
          throw new AppError('validation_failed', 'The code is wrong. Check the time on your phone and enter the code the app shows now.', {
            field: 'code',
          });
        }
        // The code that turned two-factor on is spent: sign-in needs a later one.
        await trx
          .updateTable('platform.users')
          .set({ totp_enabled: true, totp_last_step: step, updated_at: now() })
          .where('id', '=', auth.userId)
          .execute();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'two_factor.enabled',
          targetType: 'user',
          targetId: auth.userId,
          before: { enabled: false },
          after: { enabled: true },
          ip,
        });
        // Shown once: the way back in when the phone is lost.
        return { enabled: true as const, recoveryCodes: await replaceRecoveryCodes(trx, auth.userId) };
      });
    },

    /** New recovery codes (the old ones stop working), after the password. */
    async regenerateRecoveryCodes(auth: AuthContext, password: string, ip: string) {
      await assertCurrentPassword(ctx, auth, password, ip);
      return database.transaction('two-factor-recovery-codes', async (trx) => {
        const user = await loadUser(trx, auth.userId);
        if (!user.totp_enabled) throw new AppError('conflict', 'Two-factor is not on.');
        const recoveryCodes = await replaceRecoveryCodes(trx, auth.userId);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'two_factor.recovery_codes_replaced',
          targetType: 'user',
          targetId: auth.userId,
          ip,
        });
        return { enabled: true as const, recoveryCodes };
      });
    },

    /** Turns two-factor off (and forgets the secret) after the password. */
    async disable(auth: AuthContext, password: string, ip: string) {
      const current = await database.db
        .selectFrom('platform.users')
        .select(['totp_secret', 'totp_enabled'])
        .where('id', '=', auth.userId)
        .executeTakeFirstOrThrow();
      if (!current.totp_enabled && !current.totp_secret) throw new AppError('conflict', 'Two-factor is not on.');
      await assertCurrentPassword(ctx, auth, password, ip);
      await database.transaction('two-factor-disable', async (trx) => {
        const user = await loadUser(trx, auth.userId);
        await trx
          .updateTable('platform.users')
          .set({ totp_enabled: false, totp_secret: null, updated_at: now() })
          .where('id', '=', auth.userId)
          .execute();
        await deleteRecoveryCodes(trx, auth.userId);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'two_factor.disabled',
          targetType: 'user',
          targetId: auth.userId,
          before: { enabled: user.totp_enabled },
          after: { enabled: false },
          ip,
        });
      });
      return { enabled: false };
    },
  };
}
