import type { AppContext } from '../context.js';
import type { AuthContext } from './auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { verifyPassword } from './password.js';
import { createSignInThrottle } from './sign-in-throttle.js';

/**
 * Asks a signed-in user for their password again before a sensitive change
 * (primary e-mail, password, two-factor). A wrong password is a 403
 * `wrong_password` naming the field — never a 401, so the web app does not take
 * it for a lost session — and counts as a failed sign-in for throttling, so a
 * stolen session cannot be used to guess the password.
 */
export async function assertCurrentPassword(
  ctx: Pick<AppContext, 'database' | 'now'>,
  auth: AuthContext,
  password: string,
  ip: string,
  field = 'password',
): Promise<void> {
  const throttle = createSignInThrottle(ctx.database.db, ctx.now);
  await throttle.attempt(auth.email, ip);
  const user = await ctx.database.db
    .selectFrom('platform.users')
    .select('password_hash')
    .where('id', '=', auth.userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, password))) {
    await ctx.database.transaction('audit-reauthentication', (trx) =>
      recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'auth.reauthentication_failed',
        targetType: 'user',
        targetId: auth.userId,
        ip,
      }),
    );
    throw new AppError('wrong_password', 'The password is wrong.', { field });
  }
  await throttle.succeeded(auth.email, ip);
}
