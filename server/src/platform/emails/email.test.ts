import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitForLink } from '../../test/mail-links.js';
import { newId, sha256 } from '../ids.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { isEmailTakenViolation } from '../orgs/organization.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

let counter = 0;
const address = (prefix = 'second') => `${prefix}${Date.now().toString(36)}${counter++}@example.test`;

/** Adds an address and returns the token of its link (`seen`: links already mailed to the same address). */
async function addEmail(user: TestUser, email = address(), seen: string[] = []) {
  const response = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } });
  expect(response.statusCode).toBe(201);
  const token = await waitForLink(t, email.toLowerCase(), 'verify-email', seen);
  return { id: response.data.id as string, email, token, response };
}

async function addVerifiedEmail(user: TestUser) {
  const added = await addEmail(user);
  expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: added.token } })).statusCode).toBe(200);
  return added;
}

const emailRows = (userId: string) =>
  t.database.db
    .selectFrom('platform.user_emails')
    .select(['id', 'email', 'is_primary', 'verified_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
const audit = (userId: string, action: string) =>
  t.database.db
    .selectFrom('platform.audit_log')
    .select(['action', 'before', 'after', 'target_id'])
    .where('actor_id', '=', userId)
    .where('action', '=', action)
    .execute();
const login = (email: string, password = TEST_PASSWORD) =>
  t.request('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': `10.7.${counter++ % 250}.1` } });

describe('listing and adding addresses', () => {
  it('lists the primary address, adds an unverified secondary and mails it a verification link', async () => {
    const user = await t.make.org();
    const initial = await t.request('GET', '/api/v1/me/emails', { as: user });
    expect(initial.statusCode).toBe(200);
    expect(initial.data.data).toEqual([
      { id: expect.any(String), email: user.email, isPrimary: true, verified: true, createdAt: expect.any(String) },
    ]);

    const email = address();
    const { id, token, response } = await addEmail(user, email);
    expect(response.data).toEqual({ id, email, isPrimary: false, verified: false, createdAt: expect.any(String) });
    const list = await t.request('GET', '/api/v1/me/emails', { as: user, via: 'cookie' });
    expect(list.data.data.map((e: { email: string }) => e.email)).toEqual([user.email, email]);
    const stored = await t.database.db
      .selectFrom('platform.one_time_tokens')
      .selectAll()
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ purpose: 'email_verification', user_id: user.userId, token_hash: sha256(token), used_at: null });
    expect(await audit(user.userId, 'email.added')).toEqual([
      { action: 'email.added', before: null, after: { email, isPrimary: false, verified: false }, target_id: id },
    ]);
  });

  it('refuses an address another user has verified, or one the caller already has, in any letter case', async () => {
    const user = await t.make.org();
    const other = await t.make.org();
    const { email: otherVerified } = await addVerifiedEmail(other);
    const { email: ownPending } = await addEmail(user, address('own'));
    for (const email of [other.email, otherVerified.toUpperCase(), user.email, ownPending.toUpperCase()]) {
      const response = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } });
      expect(response.statusCode, email).toBe(409);
      expect(response.data.error.code).toBe('email_taken');
    }
    expect(await emailRows(user.userId)).toHaveLength(2);
  });

  it('lets anyone add an address another user only added: nobody can hold an address by typing it', async () => {
    const squatter = await t.make.org();
    const owner = await t.make.org();
    const email = address('wanted');
    const squatted = await addEmail(squatter, email);
    // The owner adds and verifies it: an unverified address blocks nobody.
    const { token } = await addEmail(owner, email.toUpperCase(), [squatted.token]);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token } })).statusCode).toBe(200);
    // Now the squatter's link answers 409 and changes nothing; resending is refused without a mail.
    const late = await t.request('POST', '/api/v1/emails/verify', { body: { token: squatted.token } });
    expect(late.statusCode).toBe(409);
    expect(late.data.error.code).toBe('email_taken');
    expect((await emailRows(squatter.userId)).find((e) => e.id === squatted.id)!.verified_at).toBeNull();
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', squatted.id)
      .execute();
    const mailsBefore = t.mail.messages.length;
    const resend = await t.request('POST', `/api/v1/me/emails/${squatted.id}/resend-verification`, { as: squatter });
    expect(resend.statusCode).toBe(409);
    expect(resend.data.error.code).toBe('email_taken');
    // And nobody else can add it any more.
    const third = await t.make.org();
    const refused = await t.request('POST', '/api/v1/me/emails', { as: third, body: { email } });
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error.code).toBe('email_taken');
    expect(t.mail.messages.length).toBe(mailsBefore);
  });

  it('of two users verifying one address at the same time, gives it to one; the other gets 409, never a 500', async () => {
    const first = await t.make.org();
    const second = await t.make.org();
    const email = address('race');
    const firstToken = (await addEmail(first, email)).token;
    const tokens = [firstToken, (await addEmail(second, email, [firstToken])).token];
    const results = await Promise.all(tokens.map((token) => t.request('POST', '/api/v1/emails/verify', { body: { token } })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.data.error.code).toBe('email_taken');
    const verified = await t.database.db
      .selectFrom('platform.user_emails')
      .select('user_id')
      .where('email', '=', email)
      .where('verified_at', 'is not', null)
      .execute();
    expect(verified).toHaveLength(1);
  });

  it('recognises the address violations on this database (the races above rely on them)', async () => {
    const user = await t.make.org();
    const other = await t.make.org();
    const insert = (userId: string, email: string, verified: boolean) =>
      t.database.db
        .insertInto('platform.user_emails')
        .values({ id: newId(), user_id: userId, email, is_primary: false, verified_at: verified ? new Date() : null })
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
    // Another user's verified address, verified again: refused. Unverified: allowed.
    const twiceVerified = await insert(other.userId, user.email.toUpperCase(), true);
    expect(isUniqueViolation(twiceVerified, 'user_emails_verified_email')).toBe(true);
    expect(isEmailTakenViolation(twiceVerified)).toBe(true);
    expect(await insert(other.userId, user.email.toUpperCase(), false)).toBeNull();
    // The same user twice, verified or not: refused.
    const ownTwice = await insert(user.userId, user.email.toUpperCase(), false);
    expect(isUniqueViolation(ownTwice, 'user_emails_user_email')).toBe(true);
    expect(isEmailTakenViolation(ownTwice)).toBe(true);
    expect(isUniqueViolation(ownTwice, 'invitations_pending_email')).toBe(false);
  });

  it('sends at most five verification links per user and hour (adding, refused adds and resends count): then 429', async () => {
    const user = await t.make.org();
    const other = await t.make.org();
    const statuses: number[] = [];
    const first = await addEmail(user);
    statuses.push(first.response.statusCode);
    // A refused add counts too: probing which addresses are taken costs the allowance.
    statuses.push((await t.request('POST', '/api/v1/me/emails', { as: user, body: { email: other.email } })).statusCode);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', first.id)
      .execute();
    statuses.push((await t.request('POST', `/api/v1/me/emails/${first.id}/resend-verification`, { as: user })).statusCode);
    for (let i = 0; i < 2; i++)
      statuses.push((await t.request('POST', '/api/v1/me/emails', { as: user, body: { email: address() } })).statusCode);
    expect(statuses).toEqual([201, 409, 204, 201, 201]);
    const email = address('sixth');
    const sixth = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } });
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await emailRows(user.userId)).map((e) => e.email)).not.toContain(email);
    expect(t.mail.messages.filter((m) => m.to.includes(email))).toEqual([]);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', first.id)
      .execute();
    expect((await t.request('POST', `/api/v1/me/emails/${first.id}/resend-verification`, { as: user })).statusCode).toBe(429);
    // Another user is not slowed down.
    expect((await t.request('POST', '/api/v1/me/emails', { as: other, body: { email: address() } })).statusCode).toBe(201);
  });

  it('rejects bad input with 400 and writes nothing', async () => {
    const user = await t.make.org();
    for (const body of [{ email: 'nope' }, {}, { email: address(), extra: 1 }, { email: 42 }]) {
      const response = await t.request('POST', '/api/v1/me/emails', { as: user, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await emailRows(user.userId)).toHaveLength(1);
    expect((await t.request('POST', '/api/v1/me/emails', { body: { email: address() } })).statusCode).toBe(401);
  });

  it('needs the CSRF header with a session cookie', async () => {
    const user = await t.make.org();
    const response = await t.request('POST', '/api/v1/me/emails', {
      headers: { cookie: `clave_session=${user.cookie}` },
      body: { email: address() },
    });
    expect(response.statusCode).toBe(403);
    expect(await emailRows(user.userId)).toHaveLength(1);
  });
});

describe('verifying', () => {
  it('verifies with the link’s token without a session, once', async () => {
    const user = await t.make.org();
    const { id, email, token } = await addEmail(user);
    const verified = await t.request('POST', '/api/v1/emails/verify', { body: { token } });
    expect(verified.statusCode).toBe(200);
    expect(verified.data).toMatchObject({ id, email, isPrimary: false, verified: true });
    expect((await emailRows(user.userId)).find((e) => e.id === id)!.verified_at).not.toBeNull();
    const [entry] = await audit(user.userId, 'email.verified');
    expect(entry).toMatchObject({ before: { email, verified: false }, after: { email, verified: true } });
    const again = await t.request('POST', '/api/v1/emails/verify', { body: { token } });
    expect(again.statusCode).toBe(410);
    expect(again.data.error.details.reason).toBe('used');
  });

  it('answers 404 for an unknown token, 410 for an expired one, 400 for none — nothing verified', async () => {
    const user = await t.make.org();
    const { id, token } = await addEmail(user);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: 'wrong-token' } })).statusCode).toBe(404);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: {} })).statusCode).toBe(400);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('subject_id', '=', id)
      .execute();
    const expired = await t.request('POST', '/api/v1/emails/verify', { body: { token } });
    expect(expired.statusCode).toBe(410);
    expect(expired.data.error.details.reason).toBe('expired');
    expect((await emailRows(user.userId)).find((e) => e.id === id)!.verified_at).toBeNull();
  });

  it('resends a new link that replaces the old one, spaced a minute apart; 409 once verified', async () => {
    const user = await t.make.org();
    const { id, email, token: first } = await addEmail(user);
    const tooSoon = await t.request('POST', `/api/v1/me/emails/${id}/resend-verification`, { as: user });
    expect(tooSoon.statusCode).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    // Age the first link past the minute.
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', id)
      .execute();
    expect((await t.request('POST', `/api/v1/me/emails/${id}/resend-verification`, { as: user })).statusCode).toBe(204);
    const second = await waitForLink(t, email, 'verify-email', [first]);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: first } })).statusCode).toBe(404);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token: second } })).statusCode).toBe(200);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', id)
      .execute();
    expect((await t.request('POST', `/api/v1/me/emails/${id}/resend-verification`, { as: user })).statusCode).toBe(409);
    expect(await audit(user.userId, 'email.verification_sent')).toHaveLength(1);
  });

  it('hides another user’s address: resend is a 404', async () => {
    const user = await t.make.org();
    const stranger = await t.make.org();
    const colleague = await t.make.user(user);
    const { id } = await addEmail(user);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('subject_id', '=', id)
      .execute();
    expect((await t.request('POST', `/api/v1/me/emails/${id}/resend-verification`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/me/emails/${id}/resend-verification`, { as: colleague })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/me/emails/${newId()}/resend-verification`, { as: user })).statusCode).toBe(404);
  });
});

describe('making an address primary', () => {
  it('switches the sign-in address: the new one signs in, the old one no longer does; sessions stay', async () => {
    const user = await t.make.org();
    const { id, email } = await addVerifiedEmail(user);
    // Before: a verified secondary address cannot sign in.
    expect((await login(email)).statusCode).toBe(401);

    const response = await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, {
      as: user,
      via: 'cookie',
      body: { password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.data.data).toEqual([
      expect.objectContaining({ id, email, isPrimary: true, verified: true }),
      expect.objectContaining({ email: user.email, isPrimary: false, verified: true }),
    ]);
    expect((await login(email)).statusCode).toBe(200);
    expect((await login(user.email)).statusCode).toBe(401);
    const me = await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' });
    expect(me.statusCode).toBe(200);
    expect(me.data.user.email).toBe(email);
    const [entry] = await audit(user.userId, 'email.primary_changed');
    expect(entry).toMatchObject({ before: { primary: user.email }, after: { primary: email } });
    // The former primary address hears about it.
    const notice = await t.mail.waitFor((m) => m.to.includes(user.email) && m.text.includes(email));
    expect(notice.subject).toContain('Ha_cambiado');
    // Making the primary primary again changes nothing.
    expect(
      (await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, { as: user, body: { password: TEST_PASSWORD } })).statusCode,
    ).toBe(200);
    expect(await audit(user.userId, 'email.primary_changed')).toHaveLength(1);
  });

  it('refuses an unverified address with 409 email_unverified and changes nothing', async () => {
    const user = await t.make.org();
    const { id, email } = await addEmail(user);
    const before = await emailRows(user.userId);
    const response = await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, { as: user, body: { password: TEST_PASSWORD } });
    expect(response.statusCode).toBe(409);
    expect(response.data.error.code).toBe('email_unverified');
    expect(await emailRows(user.userId)).toEqual(before);
    expect((await login(email)).statusCode).toBe(401);
    expect((await login(user.email)).statusCode).toBe(200);
    expect(await audit(user.userId, 'email.primary_changed')).toEqual([]);
  });

  it('refuses a wrong password with 403 wrong_password, changes nothing and keeps the session', async () => {
    const user = await t.make.org();
    const { id } = await addVerifiedEmail(user);
    const before = await emailRows(user.userId);
    const response = await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, {
      as: user,
      via: 'cookie',
      body: { password: 'not-my-password' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.data.error).toMatchObject({ code: 'wrong_password', details: { field: 'password' } });
    expect(await emailRows(user.userId)).toEqual(before);
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    expect((await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, { as: user, body: {} })).statusCode).toBe(400);
    expect(await audit(user.userId, 'auth.reauthentication_failed')).toHaveLength(1);
  });

  it('throttles repeated wrong passwords like failed sign-ins', async () => {
    const user = await t.make.org();
    const { id } = await addVerifiedEmail(user);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, {
            as: user,
            body: { password: 'not-my-password' },
            headers: { 'x-forwarded-for': `10.8.0.${i}` },
          })
        ).statusCode,
      );
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
  });

  it('hides another user’s address: 404, nothing changed', async () => {
    const user = await t.make.org();
    const stranger = await t.make.org();
    const { id } = await addVerifiedEmail(user);
    const response = await t.request('POST', `/api/v1/me/emails/${id}/make-primary`, { as: stranger, body: { password: TEST_PASSWORD } });
    expect(response.statusCode).toBe(404);
    expect((await emailRows(user.userId)).find((e) => e.id === id)!.is_primary).toBe(false);
    expect(await emailRows(stranger.userId)).toHaveLength(1);
  });
});

describe('removing an address', () => {
  it('removes a secondary address (its link dies) but refuses the primary with 409', async () => {
    const user = await t.make.org();
    const { id, email, token } = await addEmail(user);
    const primaryId = (await emailRows(user.userId)).find((e) => e.is_primary)!.id;
    const refused = await t.request('DELETE', `/api/v1/me/emails/${primaryId}`, { as: user });
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error.code).toBe('email_is_primary');
    expect(await emailRows(user.userId)).toHaveLength(2);

    expect((await t.request('DELETE', `/api/v1/me/emails/${id}`, { as: user, via: 'cookie' })).statusCode).toBe(204);
    expect((await emailRows(user.userId)).map((e) => e.email)).toEqual([user.email]);
    expect((await t.request('POST', '/api/v1/emails/verify', { body: { token } })).statusCode).toBe(404);
    const [entry] = await audit(user.userId, 'email.removed');
    expect(entry).toMatchObject({ before: { email, isPrimary: false, verified: false }, after: null });
    // The address is free again.
    const other = await t.make.org();
    expect((await t.request('POST', '/api/v1/me/emails', { as: other, body: { email } })).statusCode).toBe(201);
  });

  it('hides another user’s address: 404, nothing removed', async () => {
    const user = await t.make.org();
    const stranger = await t.make.org();
    const { id } = await addEmail(user);
    expect((await t.request('DELETE', `/api/v1/me/emails/${id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('DELETE', `/api/v1/me/emails/not-a-uuid`, { as: user })).statusCode).toBe(400);
    expect(await emailRows(user.userId)).toHaveLength(2);
  });
});

describe('addresses and sign-up (ALLOW_SIGNUP)', () => {
  let open: TestContext;
  beforeAll(async () => {
    open = await createTestContext({ allowSignup: true });
  });
  afterAll(() => open.close());

  it('lets a new organization sign up with an address another user only added; a verified one answers 409 email_taken', async () => {
    const squatter = await open.make.org();
    const email = address('founder');
    expect((await open.request('POST', '/api/v1/me/emails', { as: squatter, body: { email } })).statusCode).toBe(201);
    const squatterToken = await waitForLink(open, email, 'verify-email');
    const body = { organization: 'Founded', name: 'Fran Founder', email, password: TEST_PASSWORD };
    const signedUp = await open.request('POST', '/api/v1/signup', { body });
    expect(signedUp.statusCode).toBe(201);
    expect((await open.request('POST', '/api/v1/emails/verify', { body: { token: squatterToken } })).statusCode).toBe(409);
    const again = await open.request('POST', '/api/v1/signup', { body: { ...body, organization: 'Second' } });
    expect(again.statusCode).toBe(409);
    expect(again.data.error.code).toBe('email_taken');
  });
});
