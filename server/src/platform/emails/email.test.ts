import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitForLink } from '../../test/mail-links.js';
import { newId, sha256 } from '../ids.js';
import { isUniqueViolation } from '../../db/pg-errors.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

let counter = 0;
const address = (prefix = 'second') => `${prefix}${Date.now().toString(36)}${counter++}@example.test`;

async function addEmail(user: TestUser, email = address()) {
  const response = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } });
  expect(response.statusCode).toBe(201);
  const token = await waitForLink(t, email, 'verify-email');
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

  it('refuses an address any user of the installation has, verified or not, in any letter case', async () => {
    const user = await t.make.org();
    const other = await t.make.org();
    const pending = address('pending');
    await addEmail(other, pending);
    for (const email of [other.email, pending.toUpperCase(), user.email]) {
      const response = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email } });
      expect(response.statusCode, email).toBe(409);
      expect(response.data.error.code).toBe('email_taken');
    }
    expect(await emailRows(user.userId)).toHaveLength(1);
  });

  it('gives an address to one of two users adding it at the same time; the other gets 409, never a 500', async () => {
    const first = await t.make.org();
    const second = await t.make.org();
    const email = address('race');
    const results = await Promise.all([first, second].map((user) => t.request('POST', '/api/v1/me/emails', { as: user, body: { email } })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.statusCode === 409)!.data.error.code).toBe('email_taken');
  });

  it('recognises the unique-address violation on this database (the race above relies on it)', async () => {
    const user = await t.make.org();
    const error = await t.database.db
      .insertInto('platform.user_emails')
      .values({ id: newId(), user_id: user.userId, email: user.email.toUpperCase(), is_primary: false, verified_at: null })
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(error, 'user_emails_email')).toBe(true);
    expect(isUniqueViolation(error, 'invitations_pending_email')).toBe(false);
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
