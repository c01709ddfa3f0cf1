import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitForLink } from '../../test/mail-links.js';
import { newId, sha256 } from '../ids.js';
import { lockOrgAccess } from '../access/access.repository.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

let counter = 0;
const address = (prefix = 'invitee') => `${prefix}${Date.now().toString(36)}${counter++}@example.test`;
const NEW_PASSWORD = 'a-brand-new-password';

async function invite(admin: TestUser, body: Record<string, unknown> = {}) {
  const email = ((body.email as string) ?? address()).toLowerCase();
  const response = await t.request('POST', '/api/v1/invitations', { as: admin, body: { email, name: 'Nora Nueva', ...body } });
  expect(response.statusCode).toBe(201);
  const token = await waitForLink(t, email, 'accept-invite');
  return { id: response.data.id as string, email, token, response };
}

/** Adds an unverified secondary address to a user's account; returns its verification token. */
async function addSecondary(user: TestUser, email: string) {
  expect((await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } })).statusCode).toBe(201);
  return { email, token: await waitForLink(t, email, 'verify-email') };
}

const countInvitations = async (orgId: string) =>
  Number(
    (
      await t.database.db
        .selectFrom('platform.invitations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow()
    ).n,
  );
const countEmails = async (email: string) =>
  Number(
    (
      await t.database.db
        .selectFrom('platform.user_emails')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditActions = async (orgId: string) =>
  (await t.database.db.selectFrom('platform.audit_log').select('action').where('org_id', '=', orgId).execute()).map((row) => row.action);
const standardProfileId = async (orgId: string) =>
  (
    await t.database.db
      .selectFrom('platform.profiles')
      .select('id')
      .where('org_id', '=', orgId)
      .where('builtin', '=', 'standard')
      .executeTakeFirstOrThrow()
  ).id;

describe('creating invitations', () => {
  it('stores the invitation and a hashed 7-day token, mails the link, and defaults to the Standard profile', async () => {
    const admin = await t.make.org({ organization: 'Acme Invites' });
    const email = address();
    const before = Date.now();
    const { id, token, response } = await invite(admin, { email: email.toUpperCase() });
    expect(response.data).toMatchObject({
      id,
      email,
      name: 'Nora Nueva',
      roleId: null,
      profileId: await standardProfileId(admin.orgId),
      invitedBy: admin.userId,
      expired: false,
    });
    const expires = new Date(response.data.expiresAt).getTime();
    expect(expires - before).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(expires - before).toBeLessThan(7 * 86_400_000 + 60_000);

    const stored = await t.database.db.selectFrom('platform.one_time_tokens').selectAll().where('subject_id', '=', id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ purpose: 'invitation', token_hash: sha256(token), org_id: admin.orgId, used_at: null });
    // Only the hash is stored.
    expect(JSON.stringify(stored)).not.toContain(token);
    const mail = t.mail.messages.find((m) => m.to.includes(email))!;
    expect(mail.text).toContain(`http://clave.test/accept-invite?token=${token}`);
    expect(mail.text).toContain('Acme Invites');
    expect(await auditActions(admin.orgId)).toContain('invitation.created');
  });

  it('uses the role and profile given when they belong to the organization', async () => {
    const admin = await t.make.org();
    const role = await t.database.db.selectFrom('platform.roles').select('id').where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    const adminProfile = await t.database.db
      .selectFrom('platform.profiles')
      .select('id')
      .where('org_id', '=', admin.orgId)
      .where('builtin', '=', 'administrator')
      .executeTakeFirstOrThrow();
    const { response } = await invite(admin, { roleId: role.id, profileId: adminProfile.id });
    expect(response.data).toMatchObject({ roleId: role.id, profileId: adminProfile.id });
  });

  it('refuses another organization’s role or profile with a 400 naming the field, writing nothing', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const otherRole = await t.database.db
      .selectFrom('platform.roles')
      .select('id')
      .where('org_id', '=', other.orgId)
      .executeTakeFirstOrThrow();
    const otherProfile = await standardProfileId(other.orgId);
    const byRole = await t.request('POST', '/api/v1/invitations', {
      as: admin,
      body: { email: address(), name: 'X', roleId: otherRole.id },
    });
    expect(byRole.statusCode).toBe(400);
    expect(byRole.data.error.details.field).toBe('roleId');
    const byProfile = await t.request('POST', '/api/v1/invitations', {
      as: admin,
      body: { email: address(), name: 'X', profileId: otherProfile },
    });
    expect(byProfile.statusCode).toBe(400);
    expect(byProfile.data.error.details.field).toBe('profileId');
    const unknown = await t.request('POST', '/api/v1/invitations', { as: admin, body: { email: address(), name: 'X', roleId: newId() } });
    expect(unknown.statusCode).toBe(400);
    expect(await countInvitations(admin.orgId)).toBe(0);
  });

  it('rejects bad input with 400 naming the field', async () => {
    const admin = await t.make.org();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'not-an-email', name: 'X' }, 'email'],
      [{ email: address() }, 'name'],
      [{ email: address(), name: '' }, 'name'],
      [{ email: address(), name: '   ' }, 'name'],
      [{ email: address(), name: 'X', roleId: 'abc' }, 'roleId'],
      [{ email: address(), name: 'X', extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('POST', '/api/v1/invitations', { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.data.error), JSON.stringify(body)).toContain(field);
    }
    expect(await countInvitations(admin.orgId)).toBe(0);
  });

  it('answers 409 email_taken when a user has verified the address, primary or secondary', async () => {
    const admin = await t.make.org();
    const stranger = await t.make.org();
    const taken = await t.request('POST', '/api/v1/invitations', { as: admin, body: { email: stranger.email, name: 'X' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.data.error.code).toBe('email_taken');
    const secondary = await addSecondary(stranger, address('secondary'));
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: secondary.token } })).statusCode).toBe(200);
    const takenSecondary = await t.request('POST', '/api/v1/invitations', { as: admin, body: { email: secondary.email, name: 'X' } });
    expect(takenSecondary.statusCode).toBe(409);
    expect(takenSecondary.data.error.code).toBe('email_taken');
    expect(await countInvitations(admin.orgId)).toBe(0);
  });

  it('invites to an address a user of another organization only added (unverified): typing an address holds nobody back', async () => {
    const admin = await t.make.org();
    const squatter = await t.make.org();
    const squatted = await addSecondary(squatter, address('new-hire'));
    const { token } = await invite(admin, { email: squatted.email });
    const accepted = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(accepted.statusCode).toBe(201);
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: squatted.email, password: NEW_PASSWORD } })).statusCode).toBe(
      200,
    );
    // The address is now the new user's: the squatter's link can no longer verify it.
    const late = await t.request('POST', '/api/v1/emails/verify', { body: { token: squatted.token } });
    expect(late.statusCode).toBe(409);
    expect(late.data.error.code).toBe('email_taken');
  });

  it('answers 409 invitation_pending for a second invitation to the same address', async () => {
    const admin = await t.make.org();
    const { email } = await invite(admin);
    const again = await t.request('POST', '/api/v1/invitations', { as: admin, body: { email, name: 'Again' } });
    expect(again.statusCode).toBe(409);
    expect(again.data.error.code).toBe('invitation_pending');
    expect(await countInvitations(admin.orgId)).toBe(1);
  });

  it('is for administrators only: a standard user gets 403 on every admin route, an anonymous caller 401', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin, { profile: 'standard' });
    const { id } = await invite(admin);
    const attempts = [
      await t.request('POST', '/api/v1/invitations', { as: standard, body: { email: address(), name: 'X' } }),
      await t.request('GET', '/api/v1/invitations', { as: standard }),
      await t.request('DELETE', `/api/v1/invitations/${id}`, { as: standard }),
      await t.request('POST', `/api/v1/invitations/${id}/resend`, { as: standard }),
    ];
    expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
    expect((await t.request('GET', '/api/v1/invitations')).statusCode).toBe(401);
    expect(await countInvitations(admin.orgId)).toBe(1);
    const row = await t.database.db.selectFrom('platform.invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });
});

describe('listing, revoking and resending', () => {
  it('lists pending invitations of the caller’s organization only', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const first = await invite(admin);
    const second = await invite(admin);
    const foreign = await invite(other);
    const revoked = await invite(admin);
    expect((await t.request('DELETE', `/api/v1/invitations/${revoked.id}`, { as: admin })).statusCode).toBe(204);
    const list = await t.request('GET', '/api/v1/invitations', { as: admin });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
    expect(list.data.data.map((i: { id: string }) => i.id)).not.toContain(foreign.id);
  });

  it('flags expired invitations in the list', async () => {
    const admin = await t.make.org();
    const { id } = await invite(admin);
    await t.database.db
      .updateTable('platform.invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const list = await t.request('GET', '/api/v1/invitations', { as: admin });
    expect(list.data.data[0]).toMatchObject({ id, expired: true });
  });

  it('revokes: the link then says so, and another organization’s admin gets 404', async () => {
    const admin = await t.make.org();
    const stranger = await t.make.org();
    const { id, token } = await invite(admin);
    expect((await t.request('DELETE', `/api/v1/invitations/${id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/invitations/${id}/resend`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('DELETE', `/api/v1/invitations/${newId()}`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('DELETE', `/api/v1/invitations/not-a-uuid`, { as: admin })).statusCode).toBe(400);

    expect((await t.request('DELETE', `/api/v1/invitations/${id}`, { as: admin, via: 'cookie' })).statusCode).toBe(204);
    const lookup = await t.request('GET', `/api/v1/invitations/lookup?token=${token}`);
    expect(lookup.statusCode).toBe(404);
    expect(lookup.data.error.details.reason).toBe('revoked');
    const accept = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(accept.statusCode).toBe(410);
    expect(accept.data.error).toMatchObject({ code: 'gone', details: { reason: 'revoked' } });
    const again = await t.request('DELETE', `/api/v1/invitations/${id}`, { as: admin });
    expect(again.statusCode).toBe(409);
    expect(await auditActions(admin.orgId)).toContain('invitation.revoked');
  });

  it('resends with a new link and kills the old one', async () => {
    const admin = await t.make.org();
    const { id, email, token: oldToken } = await invite(admin);
    await t.database.db
      .updateTable('platform.invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const resent = await t.request('POST', `/api/v1/invitations/${id}/resend`, { as: admin });
    expect(resent.statusCode).toBe(200);
    expect(resent.data.expired).toBe(false);
    const newToken = await waitForLink(t, email, 'accept-invite', [oldToken]);
    expect(newToken).not.toBe(oldToken);
    const old = await t.request('GET', `/api/v1/invitations/lookup?token=${oldToken}`);
    expect(old.statusCode).toBe(404);
    expect(old.data.error.details.reason).toBe('unknown');
    expect((await t.request('POST', '/api/v1/invitations/accept', { body: { token: oldToken, password: NEW_PASSWORD } })).statusCode).toBe(
      404,
    );
    expect((await t.request('GET', `/api/v1/invitations/lookup?token=${newToken}`)).statusCode).toBe(200);
    expect(await t.database.db.selectFrom('platform.one_time_tokens').select('token_hash').where('subject_id', '=', id).execute()).toEqual([
      { token_hash: sha256(newToken) },
    ]);
    expect(await auditActions(admin.orgId)).toContain('invitation.resent');
  });
});

describe('accepting an invitation', () => {
  it('looks the invitation up, creates the user with its role and profile, and signs them in', async () => {
    const admin = await t.make.org({ organization: 'Globex' });
    const role = await t.database.db.selectFrom('platform.roles').select('id').where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    const { id, email, token } = await invite(admin, { roleId: role.id, name: 'Iris Invitada' });

    const lookup = await t.request('GET', `/api/v1/invitations/lookup?token=${token}`);
    expect(lookup.statusCode).toBe(200);
    expect(lookup.data).toEqual({ email, name: 'Iris Invitada', organization: 'Globex' });

    const accepted = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.data.orgId).toBe(admin.orgId);
    expect(accepted.headers['set-cookie']).toMatch(/clave_session=.*HttpOnly.*SameSite=Lax/i);
    const cookie = /clave_session=([^;]+)/.exec(String(accepted.headers['set-cookie']))![1]!;
    const me = await t.request('GET', '/api/v1/me', { headers: { cookie: `clave_session=${cookie}` } });
    expect(me.statusCode).toBe(200);
    expect(me.data.user).toMatchObject({
      id: accepted.data.userId,
      name: 'Iris Invitada',
      email,
      roleId: role.id,
      profileId: await standardProfileId(admin.orgId),
    });
    expect(me.data.permissions.isAdmin).toBe(false);
    expect(me.data.csrfToken).toBe(accepted.data.csrfToken);

    const emails = await t.database.db.selectFrom('platform.user_emails').selectAll().where('user_id', '=', accepted.data.userId).execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ email, is_primary: true });
    expect(emails[0]!.verified_at).not.toBeNull();
    const invitation = await t.database.db.selectFrom('platform.invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(invitation.accepted_user_id).toBe(accepted.data.userId);
    expect(invitation.accepted_at).not.toBeNull();
    const stored = await t.database.db
      .selectFrom('platform.one_time_tokens')
      .selectAll()
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.used_at).not.toBeNull();
    expect(await auditActions(admin.orgId)).toEqual(expect.arrayContaining(['invitation.accepted', 'user.created']));

    // The new user signs in with the password they chose; the link works once.
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email, password: NEW_PASSWORD } })).statusCode).toBe(200);
    const twice = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(twice.statusCode).toBe(410);
    expect(twice.data.error.details.reason).toBe('used');
    const lookupUsed = await t.request('GET', `/api/v1/invitations/lookup?token=${token}`);
    expect(lookupUsed.statusCode).toBe(404);
    expect(lookupUsed.data.error.details.reason).toBe('used');
    expect((await t.request('GET', '/api/v1/invitations', { as: admin })).data.data).toEqual([]);
  });

  it('refuses a weak password with 400 and writes nothing: the link still works', async () => {
    const admin = await t.make.org();
    const { id, email, token } = await invite(admin);
    const weak = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.data.error.details.field).toBe('password');
    const missing = await t.request('POST', '/api/v1/invitations/accept', { body: { token } });
    expect(missing.statusCode).toBe(400);
    expect(await countEmails(email)).toBe(0);
    const stored = await t.database.db
      .selectFrom('platform.one_time_tokens')
      .selectAll()
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.used_at).toBeNull();
    expect((await t.request('GET', `/api/v1/invitations/lookup?token=${token}`)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown link and 410 for an expired one', async () => {
    const admin = await t.make.org();
    const unknown = await t.request('POST', '/api/v1/invitations/accept', { body: { token: 'no-such-token', password: NEW_PASSWORD } });
    expect(unknown.statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/invitations/lookup?token=no-such-token')).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/invitations/lookup')).statusCode).toBe(400);

    const { id, email, token } = await invite(admin);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('subject_id', '=', id)
      .execute();
    const lookup = await t.request('GET', `/api/v1/invitations/lookup?token=${token}`);
    expect(lookup.statusCode).toBe(404);
    expect(lookup.data.error.details.reason).toBe('expired');
    const expired = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(expired.statusCode).toBe(410);
    expect(expired.data.error).toMatchObject({ code: 'gone', details: { reason: 'expired' } });
    expect(expired.data.error.message).toContain('expired');
    expect(await countEmails(email)).toBe(0);
  });

  it('answers 409 email_taken when the address was taken after the invitation, and creates nothing', async () => {
    const admin = await t.make.org();
    const { id, email, token } = await invite(admin);
    const other = await t.make.org();
    // Someone else adds and verifies the address in the meantime.
    const secondary = await addSecondary(other, email);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: secondary.token } })).statusCode).toBe(200);
    const accept = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    expect(accept.statusCode).toBe(409);
    expect(accept.data.error.code).toBe('email_taken');
    expect(await countEmails(email)).toBe(1);
    const invitation = await t.database.db.selectFrom('platform.invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(invitation.accepted_at).toBeNull();
  });

  it('lets exactly one of two simultaneous accepts create the user', async () => {
    const admin = await t.make.org();
    const { email, token } = await invite(admin);
    const results = await Promise.all([
      t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } }),
      t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } }),
    ]);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses[0]).toBe(201);
    expect([409, 410]).toContain(statuses[1]);
    expect(await countEmails(email)).toBe(1);
    const users = await t.database.db.selectFrom('platform.users').select('id').where('org_id', '=', admin.orgId).execute();
    expect(users).toHaveLength(2);
  });

  it('gives the accepted user the password they chose, not any other', async () => {
    const admin = await t.make.org();
    const { email, token } = await invite(admin);
    await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } });
    const wrong = await t.request('POST', '/api/v1/auth/login', { body: { email, password: TEST_PASSWORD } });
    expect(wrong.statusCode).toBe(401);
  });

  it('keeps the language the person used on the invitation page, and refuses one Clave does not speak', async () => {
    const admin = await t.make.org();
    const { token } = await invite(admin);
    const french = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD, language: 'fr' } });
    expect(french.statusCode).toBe(400);
    const accepted = await t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD, language: 'en' } });
    expect(accepted.statusCode).toBe(201);
    const row = await t.database.db
      .selectFrom('platform.users')
      .select('language')
      .where('id', '=', accepted.data.userId)
      .executeTakeFirstOrThrow();
    expect(row.language).toBe('en');
  });
});

describe('roles and profiles deleted meanwhile (the access lock)', () => {
  it('creates, resends and accepts only while no access change of the organization is under way', async () => {
    const admin = await t.make.org();
    const pending = await invite(admin);
    const accepting = await invite(admin);
    const calls = {
      create: () => t.request('POST', '/api/v1/invitations', { as: admin, body: { email: address(), name: 'Held' } }),
      resend: () => t.request('POST', `/api/v1/invitations/${pending.id}/resend`, { as: admin }),
      accept: () => t.request('POST', '/api/v1/invitations/accept', { body: { token: accepting.token, password: NEW_PASSWORD } }),
    };
    for (const [name, call] of Object.entries(calls)) {
      // Hold the organization's access lock, as a role or profile delete does, and see the call wait for it.
      let release!: () => void;
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holding = t.database.transaction('test-hold-access-lock', async (trx) => {
        await lockOrgAccess(trx, admin.orgId);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await lockTaken;
      let settled = false;
      const response = call().finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(settled, `${name} went ahead while the access lock was held`).toBe(false);
      release();
      await holding;
      expect((await response).statusCode, name).toBeLessThan(300);
    }
  });

  it('never loses an invitation’s role to a simultaneous delete, nor answers 500: one of the two wins', async () => {
    const admin = await t.make.org();
    for (let i = 0; i < 8; i++) {
      const role = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: `Racing ${i}` } })).data;
      const email = address('race');
      const [deleted, invited] = await Promise.all([
        t.request('DELETE', `/api/v1/roles/${role.id}`, { as: admin }),
        t.request('POST', '/api/v1/invitations', { as: admin, body: { email, name: 'Racer', roleId: role.id } }),
      ]);
      const invitation = await t.database.db
        .selectFrom('platform.invitations')
        .select('role_id')
        .where('org_id', '=', admin.orgId)
        .where('email', '=', email)
        .executeTakeFirst();
      if (invited.statusCode === 201) {
        // The invitation came first: it keeps its role, which is then in use.
        expect(deleted.statusCode, `round ${i}`).toBe(409);
        expect(deleted.data.error.details.reason).toBe('in_use');
        expect(invitation?.role_id).toBe(role.id);
      } else {
        expect(deleted.statusCode, `round ${i}`).toBe(204);
        expect(invited.statusCode, `round ${i}`).toBe(400);
        expect(invited.data.error.details.field).toBe('roleId');
        expect(invitation).toBeUndefined();
      }
    }
  });

  it('gives the accepted user the invitation’s profile while the profile is being deleted; the delete answers 409, never 500', async () => {
    const admin = await t.make.org();
    for (let i = 0; i < 5; i++) {
      const profile = (await t.request('POST', '/api/v1/profiles', { as: admin, body: { name: `Racing ${i}`, modules: {} } })).data;
      const { email, token } = await invite(admin, { profileId: profile.id });
      const [accepted, deleted] = await Promise.all([
        t.request('POST', '/api/v1/invitations/accept', { body: { token, password: NEW_PASSWORD } }),
        t.request('DELETE', `/api/v1/profiles/${profile.id}`, { as: admin }),
      ]);
      expect(accepted.statusCode, `round ${i}`).toBe(201);
      expect(deleted.statusCode, `round ${i}`).toBe(409);
      const user = await t.database.db
        .selectFrom('platform.users as u')
        .innerJoin('platform.user_emails as e', 'e.user_id', 'u.id')
        .select('u.profile_id')
        .where('e.email', '=', email)
        .executeTakeFirstOrThrow();
      expect(user.profile_id).toBe(profile.id);
    }
  });
});
