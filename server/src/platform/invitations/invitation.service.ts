import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { ClientInfo } from '../auth/auth.service.js';
import type { Executor, Trx } from '../../db/database.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/pg-errors.js';
import { lockOrgAccess } from '../access/access.repository.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { mailLanguage } from '../mail/link-mail.js';
import { assertEmailFree, emailTakenError, isEmailTakenViolation, normalizeEmail } from '../orgs/organization.service.js';
import { assertPasswordAcceptable, hashPassword } from '../auth/password.js';
import { createSession } from '../auth/session.service.js';
import { consumeOneTimeToken, deleteOneTimeTokensOf, findOneTimeToken, issueOneTimeToken } from '../auth/one-time-token.repository.js';
import { deadTokenError, tokenState } from '../auth/one-time-token.js';
import { invitationMail } from './invitation.mails.js';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

interface InvitationRow {
  id: string;
  email: string;
  name: string;
  role_id: string | null;
  profile_id: string | null;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

function present(row: InvitationRow, now: Date) {
  const expiresAt = new Date(row.expires_at);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roleId: row.role_id,
    profileId: row.profile_id,
    invitedBy: row.invited_by,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: expiresAt.toISOString(),
    expired: expiresAt.getTime() <= now.getTime(),
  };
}

/** The invitation a link points at, or the reason the link does not work. */
async function resolveInvitationToken(executor: Executor, token: string, now: Date, options: { lock?: boolean } = {}) {
  const row = await findOneTimeToken(executor, 'invitation', token, options);
  if (!row) return { error: 'unknown' as const };
  let query = executor
    .selectFrom('platform.invitations as i')
    .innerJoin('platform.organizations as o', 'o.id', 'i.org_id')
    .select([
      'i.id',
      'i.org_id',
      'i.email',
      'i.name',
      'i.role_id',
      'i.profile_id',
      'i.accepted_at',
      'i.revoked_at',
      'o.name as organization',
    ])
    .where('i.id', '=', row.subject_id);
  if (options.lock) query = query.forUpdate();
  const invitation = await query.executeTakeFirst();
  if (!invitation) return { error: 'unknown' as const };
  if (invitation.revoked_at) return { error: 'revoked' as const };
  const state = invitation.accepted_at ? 'used' : tokenState(row, now);
  if (state !== 'usable') return { error: state };
  return { token: row, invitation };
}

/** Invitations (PLT-1): an administrator invites a person by e-mail; the link lets them choose a password and join. */
export function createInvitationService(ctx: Pick<AppContext, 'database' | 'mailer' | 'config' | 'now'>) {
  const { database, mailer, config, now } = ctx;

  async function assertRoleAndProfile(
    trx: Trx,
    orgId: string,
    input: { roleId?: string | null; profileId?: string | null },
  ): Promise<{ roleId: string | null; profileId: string }> {
    if (input.roleId) {
      const role = await trx
        .selectFrom('platform.roles')
        .select('id')
        .where('id', '=', input.roleId)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!role) throw badRequest('This role does not exist in your organization.', 'roleId');
    }
    let profileId = input.profileId ?? null;
    if (profileId) {
      const profile = await trx
        .selectFrom('platform.profiles')
        .select('id')
        .where('id', '=', profileId)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!profile) throw badRequest('This profile does not exist in your organization.', 'profileId');
    } else {
      const standard = await trx
        .selectFrom('platform.profiles')
        .select('id')
        .where('org_id', '=', orgId)
        .where('builtin', '=', 'standard')
        .executeTakeFirstOrThrow();
      profileId = standard.id;
    }
    return { roleId: input.roleId ?? null, profileId };
  }

  async function sendInvitation(input: { orgId: string; to: string; name: string; inviter: string; token: string }) {
    const org = await database.db
      .selectFrom('platform.organizations')
      .select(['name', 'default_language'])
      .where('id', '=', input.orgId)
      .executeTakeFirstOrThrow();
    const link = `${config.publicUrl}/accept-invite?token=${encodeURIComponent(input.token)}`;
    const mail = invitationMail(mailLanguage(org.default_language), {
      inviter: input.inviter,
      organization: org.name,
      name: input.name,
      link,
      days: INVITATION_DAYS,
    });
    await mailer.send({ orgId: input.orgId, to: input.to, ...mail });
  }

  async function findPendingForUpdate(trx: Trx, auth: AuthContext, id: string) {
    const row = await trx
      .selectFrom('platform.invitations')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', auth.orgId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('The invitation');
    if (row.accepted_at) throw new AppError('conflict', 'This invitation has already been accepted.');
    if (row.revoked_at) throw new AppError('conflict', 'This invitation has already been revoked.');
    return row;
  }

  const pendingConflict = () =>
    new AppError('invitation_pending', 'This address already has a pending invitation. Resend it instead.', { field: 'email' });
  // The access lock makes this rare: a role or profile deleted under our feet.
  const accessChanged = () =>
    new AppError('conflict', 'The role or profile of this invitation was just deleted. Reload and choose another.', {
      reason: 'access_changed',
    });

  return {
    /** Invites a person: stores the invitation and a hashed token, then mails the link (after commit). */
    async create(auth: AuthContext, input: { email: string; name: string; roleId?: string | null; profileId?: string | null }, ip: string) {
      const email = normalizeEmail(input.email);
      const name = input.name.trim();
      if (!name) throw badRequest('Enter the person’s name.', 'name');
      const at = now();
      const expiresAt = new Date(at.getTime() + INVITATION_DAYS * 86_400_000);
      let created;
      try {
        created = await database.transaction('create-invitation', async (trx) => {
          // Serialized with role and profile deletes: the role checked here still exists at commit.
          await lockOrgAccess(trx, auth.orgId);
          const { roleId, profileId } = await assertRoleAndProfile(trx, auth.orgId, input);
          await assertEmailFree(trx, email);
          const pending = await trx
            .selectFrom('platform.invitations')
            .select('id')
            .where('org_id', '=', auth.orgId)
            .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
            .where('accepted_at', 'is', null)
            .where('revoked_at', 'is', null)
            .executeTakeFirst();
          if (pending) throw pendingConflict();
          const row = await trx
            .insertInto('platform.invitations')
            .values({
              id: newId(),
              org_id: auth.orgId,
              email,
              name,
              role_id: roleId,
              profile_id: profileId,
              invited_by: auth.userId,
              expires_at: expiresAt,
              accepted_at: null,
              accepted_user_id: null,
              revoked_at: null,
              created_at: at,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const token = await issueOneTimeToken(trx, {
            purpose: 'invitation',
            orgId: auth.orgId,
            userId: null,
            subjectId: row.id,
            expiresAt,
            now: at,
          });
          await recordAudit(trx, {
            orgId: auth.orgId,
            actorId: auth.userId,
            action: 'invitation.created',
            targetType: 'invitation',
            targetId: row.id,
            after: { email, name, roleId, profileId },
            ip,
          });
          return { row, token };
        });
      } catch (error) {
        if (isUniqueViolation(error, 'invitations_pending_email')) throw pendingConflict();
        if (isForeignKeyViolation(error)) throw accessChanged();
        throw error;
      }
      await sendInvitation({ orgId: auth.orgId, to: email, name, inviter: auth.name, token: created.token });
      return present(created.row, at);
    },

    /** Pending invitations of the caller's organization, newest first (expired ones included, flagged). */
    async listPending(auth: AuthContext) {
      const rows = await database.db
        .selectFrom('platform.invitations')
        .selectAll()
        .where('org_id', '=', auth.orgId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const at = now();
      return rows.map((row) => present(row, at));
    },

    /** Withdraws a pending invitation: its link then answers 410 (revoked). */
    async revoke(auth: AuthContext, id: string, ip: string) {
      await database.transaction('revoke-invitation', async (trx) => {
        const row = await findPendingForUpdate(trx, auth, id);
        await trx.updateTable('platform.invitations').set({ revoked_at: now() }).where('id', '=', id).execute();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'invitation.revoked',
          targetType: 'invitation',
          targetId: id,
          before: { email: row.email, name: row.name },
          ip,
        });
      });
    },

    /** Sends a new link (valid for another INVITATION_DAYS); the old link stops working. */
    async resend(auth: AuthContext, id: string, ip: string) {
      const at = now();
      const expiresAt = new Date(at.getTime() + INVITATION_DAYS * 86_400_000);
      const result = await database.transaction('resend-invitation', async (trx) => {
        // An expired invitation holds no role or profile; reviving it must not cross a delete of them.
        await lockOrgAccess(trx, auth.orgId);
        const row = await findPendingForUpdate(trx, auth, id);
        await assertEmailFree(trx, row.email);
        await deleteOneTimeTokensOf(trx, 'invitation', id);
        const token = await issueOneTimeToken(trx, {
          purpose: 'invitation',
          orgId: auth.orgId,
          userId: null,
          subjectId: id,
          expiresAt,
          now: at,
        });
        const updated = await trx
          .updateTable('platform.invitations')
          .set({ expires_at: expiresAt })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'invitation.resent',
          targetType: 'invitation',
          targetId: id,
          before: { expiresAt: new Date(row.expires_at).toISOString() },
          after: { expiresAt: expiresAt.toISOString() },
          ip,
        });
        return { row: updated, token };
      });
      await sendInvitation({ orgId: auth.orgId, to: result.row.email, name: result.row.name, inviter: auth.name, token: result.token });
      return present(result.row, at);
    },

    /** What the accept page shows before the person chooses a password. Every dead link is a 404 with `details.reason`. */
    async lookup(token: string) {
      const found = await resolveInvitationToken(database.db, token, now());
      if ('error' in found) throw deadTokenError(found.error!, { alwaysNotFound: true });
      return { email: found.invitation.email, name: found.invitation.name, organization: found.invitation.organization };
    },

    /**
     * Creates the invited user (primary, verified address = the invited one;
     * role and profile from the invitation) and signs them in. An unknown link
     * is a 404; a used, expired or revoked one a 410 `gone`.
     */
    async accept(input: { token: string; password: string; language?: 'es' | 'en' }, client: ClientInfo) {
      // Check the link and the password before the slow hash, outside the transaction.
      const preview = await resolveInvitationToken(database.db, input.token, now());
      if ('error' in preview) throw deadTokenError(preview.error!);
      assertPasswordAcceptable(input.password, preview.invitation.email);
      const passwordHash = await hashPassword(input.password);
      const at = now();
      try {
        return await database.transaction('accept-invitation', async (trx) => {
          // Serialized with role and profile deletes, so the user gets the role and profile they were invited with.
          await lockOrgAccess(trx, preview.invitation.org_id);
          // Lock the token and the invitation: of two simultaneous accepts, one wins.
          const found = await resolveInvitationToken(trx, input.token, at, { lock: true });
          if ('error' in found) throw deadTokenError(found.error!);
          const { invitation } = found;
          await assertEmailFree(trx, invitation.email);
          let profileId = invitation.profile_id;
          if (!profileId) {
            profileId = (
              await trx
                .selectFrom('platform.profiles')
                .select('id')
                .where('org_id', '=', invitation.org_id)
                .where('builtin', '=', 'standard')
                .executeTakeFirstOrThrow()
            ).id;
          }
          const userId = newId();
          await trx
            .insertInto('platform.users')
            .values({
              id: userId,
              org_id: invitation.org_id,
              name: invitation.name,
              password_hash: passwordHash,
              role_id: invitation.role_id,
              profile_id: profileId,
              active: true,
              language: input.language ?? null,
              time_zone: null,
              totp_secret: null,
              totp_enabled: false,
              created_at: at,
              updated_at: at,
            })
            .execute();
          await trx
            .insertInto('platform.user_emails')
            .values({ id: newId(), user_id: userId, email: invitation.email, is_primary: true, verified_at: at, created_at: at })
            .execute();
          if (!(await consumeOneTimeToken(trx, found.token.token_hash, at))) throw deadTokenError('used');
          await trx
            .updateTable('platform.invitations')
            .set({ accepted_at: at, accepted_user_id: userId })
            .where('id', '=', invitation.id)
            .execute();
          await recordAudit(trx, {
            orgId: invitation.org_id,
            actorId: userId,
            action: 'invitation.accepted',
            targetType: 'invitation',
            targetId: invitation.id,
            before: { status: 'pending' },
            after: { status: 'accepted', userId, email: invitation.email, roleId: invitation.role_id, profileId },
            ip: client.ip,
          });
          await recordAudit(trx, {
            orgId: invitation.org_id,
            actorId: userId,
            action: 'user.created',
            targetType: 'user',
            targetId: userId,
            after: { name: invitation.name, email: invitation.email, roleId: invitation.role_id, profileId, via: 'invitation' },
            ip: client.ip,
          });
          const session = await createSession(trx, {
            userId,
            hours: config.sessionHours,
            ip: client.ip,
            userAgent: client.userAgent,
            now: at,
          });
          return { userId, orgId: invitation.org_id, session };
        });
      } catch (error) {
        // Another request took the address between the check and the insert.
        if (isEmailTakenViolation(error)) throw emailTakenError();
        if (isForeignKeyViolation(error)) throw accessChanged();
        throw error;
      }
    },
  };
}
