import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitForLink } from '../../test/mail-links.js';
import { sha256 } from '../ids.js';
import { waitFor } from '../../test/wait-for.js';
import { createPasswordService, PASSWORD_RESET_JOB, RESET_ACCEPTED_MESSAGE } from './passwords.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  // Reset links are issued and mailed by a background job.
  await t.app.ctx.jobs.start();
});
afterAll(() => t.close());

let counter = 0;
const NEW_PASSWORD = 'another-long-password';
/** Each call from its own client address, so the per-address throttle of one test never touches another. */
const fromNewAddress = () => ({ 'x-forwarded-for': `10.20.${Math.floor(counter / 250)}.${counter++ % 250}` });
const requestReset = (email: string) => t.request('POST', '/api/v1/auth/password-reset', { body: { email }, headers: fromNewAddress() });
const login = (email: string, password: string) =>
  t.request('POST', '/api/v1/auth/login', { body: { email, password }, headers: fromNewAddress() });
const resetTokens = (userId: string) =>
  t.database.db
    .selectFrom('platform.one_time_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', 'password_reset')
    .execute();
const sessionCount = async (userId: string) =>
  (await t.database.db.selectFrom('platform.sessions').select('id').where('user_id', '=', userId).execute()).length;
const auditActions = async (userId: string, context = t) =>
  (await context.database.db.selectFrom('platform.audit_log').select('action').where('target_id', '=', userId).execute()).map(
    (r) => r.action,
  );
const activeApiTokens = async (userId: string) =>
  (
    await t.database.db
      .selectFrom('platform.api_tokens')
      .select('id')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute()
  ).length;

/** The reset jobs queued for a typed address, oldest first. */
const jobsFor = async (context: TestContext, email: string) =>
  (
    await context.database.query<{ state: string; data: Record<string, string> }>(
      `SELECT state, data FROM pgboss.job WHERE name = $1 AND data->>'email' = $2 ORDER BY created_on`,
      [PASSWORD_RESET_JOB, email.toLowerCase()],
    )
  ).rows;

async function resetLink(user: TestUser, seen: string[] = []) {
  const response = await requestReset(user.email);
  expect(response.statusCode).toBe(202);
  return waitForLink(t, user.email, 'reset-password', seen);
}

describe('asking for a reset link', () => {
  it('mails a 1-hour single-use link to an active user’s primary address', async () => {
    const user = await t.make.org();
    const before = Date.now();
    const response = await requestReset(user.email.toUpperCase());
    expect(response.statusCode).toBe(202);
    expect(response.data).toEqual({ message: RESET_ACCEPTED_MESSAGE });
    const token = await waitForLink(t, user.email, 'reset-password');
    const [stored] = await resetTokens(user.userId);
    expect(stored).toMatchObject({ token_hash: sha256(token), subject_id: user.userId, used_at: null });
    const ttl = new Date(stored!.expires_at).getTime() - before;
    expect(ttl).toBeGreaterThan(3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000 + 60_000);
    expect(await auditActions(user.userId)).toContain('auth.password_reset_requested');
  });

  it('answers the same for unknown addresses, secondary addresses and inactive users, and mails nothing', async () => {
    const user = await t.make.org();
    const inactive = await t.make.user(user);
    await t.database.db.updateTable('platform.users').set({ active: false }).where('id', '=', inactive.userId).execute();
    const secondary = `second${Date.now()}@example.test`;
    expect((await t.request('POST', '/api/v1/me/emails', { as: user, body: { email: secondary } })).statusCode).toBe(201);
    const known = await requestReset(user.email);
    for (const email of ['nobody@nowhere.test', secondary, inactive.email]) {
      const response = await requestReset(email);
      expect(response.statusCode, email).toBe(202);
      expect(response.body, email).toBe(known.body);
    }
    await waitForLink(t, user.email, 'reset-password');
    for (const email of ['nobody@nowhere.test', secondary, inactive.email]) {
      await waitFor(async () => (await jobsFor(t, email)).every((job) => job.state === 'completed'), `the job for ${email}`);
    }
    expect(await resetTokens(inactive.userId)).toEqual([]);
    expect(await resetTokens(user.userId)).toHaveLength(1);
    expect(
      t.mail.messages.filter(
        (m) =>
          m.to.includes(inactive.email) ||
          m.to.includes('nobody@nowhere.test') ||
          (m.to.includes(secondary) && m.text.includes('reset-password')),
      ),
    ).toEqual([]);
  });

  it('rejects a malformed address with 400', async () => {
    expect((await t.request('POST', '/api/v1/auth/password-reset', { body: { email: 'nope' } })).statusCode).toBe(400);
    expect((await t.request('POST', '/api/v1/auth/password-reset', { body: {} })).statusCode).toBe(400);
  });

  it('throttles repeated requests per address with 429 and Retry-After, known or not', async () => {
    const user = await t.make.org();
    for (const email of [user.email, 'ghost@nowhere.test']) {
      const statuses = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await requestReset(email);
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Only the requests that were let through were queued, and each issued a link (the newest replacing the others).
    await waitFor(async () => (await jobsFor(t, user.email)).every((job) => job.state === 'completed'), 'the reset jobs to finish');
    expect(await jobsFor(t, user.email)).toHaveLength(3);
    expect(await jobsFor(t, 'ghost@nowhere.test')).toHaveLength(3);
    expect((await resetTokens(user.userId)).length).toBe(1);
  });

  it('throttles one client asking for many addresses', async () => {
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      statuses.push(
        (
          await t.request('POST', '/api/v1/auth/password-reset', {
            body: { email: `many${i}@nowhere.test` },
            headers: { 'x-forwarded-for': '10.99.99.99' },
          })
        ).statusCode,
      );
    }
    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('answering a reset request before looking the address up', () => {
  // A context whose job workers have not started: what a request does by itself is all there is to see.
  let quiet: TestContext;
  beforeAll(async () => {
    quiet = await createTestContext();
  });
  afterAll(() => quiet.close());

  it('queues the same job for a known and an unknown address and answers 202 at once; the job then mails only the known one', async () => {
    const user = await quiet.make.org();
    const unknown = `nobody${Date.now()}@nowhere.test`;
    const request = (email: string) => quiet.request('POST', '/api/v1/auth/password-reset', { body: { email }, headers: fromNewAddress() });
    const known = await request(user.email);
    const other = await request(unknown);
    expect([known.statusCode, other.statusCode]).toEqual([202, 202]);
    expect(other.body).toBe(known.body);
    // Nothing about the account was looked at or written while answering: no link, no audit, no mail.
    expect(
      await quiet.database.db.selectFrom('platform.one_time_tokens').select('token_hash').where('user_id', '=', user.userId).execute(),
    ).toEqual([]);
    expect(await auditActions(user.userId, quiet)).not.toContain('auth.password_reset_requested');
    const queued = [...(await jobsFor(quiet, user.email)), ...(await jobsFor(quiet, unknown))];
    expect(queued.map((job) => Object.keys(job.data).sort())).toEqual([
      ['email', 'ip', 'requestedAt'],
      ['email', 'ip', 'requestedAt'],
    ]);
    expect(queued.map((job) => job.state)).toEqual(['created', 'created']);

    await quiet.app.ctx.jobs.start();
    const token = await waitForLink(quiet, user.email, 'reset-password');
    const [stored] = await quiet.database.db
      .selectFrom('platform.one_time_tokens')
      .selectAll()
      .where('user_id', '=', user.userId)
      .execute();
    expect(stored).toMatchObject({ purpose: 'password_reset', token_hash: sha256(token) });
    expect(await auditActions(user.userId, quiet)).toContain('auth.password_reset_requested');
    await waitFor(async () => (await jobsFor(quiet, unknown))[0]?.state === 'completed', 'the unknown address’s job');
    expect(quiet.mail.messages.filter((m) => m.to.includes(unknown))).toEqual([]);
  });

  it('issues one link per request even when its job runs twice', async () => {
    const user = await quiet.make.org();
    await quiet.app.ctx.jobs.start();
    const passwords = createPasswordService(quiet.app.ctx);
    const input = { email: user.email, ip: '10.1.1.1', requestedAt: new Date().toISOString() };
    await passwords.sendResetLink(input);
    await passwords.sendResetLink(input);
    await waitForLink(quiet, user.email, 'reset-password');
    expect(quiet.mail.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);
    expect(
      await quiet.database.db.selectFrom('platform.one_time_tokens').select('token_hash').where('user_id', '=', user.userId).execute(),
    ).toHaveLength(1);
  });
});

describe('choosing a new password from the link', () => {
  it('sets the password, ends every session, revokes every API token, and works once', async () => {
    const user = await t.make.org();
    const token = await resetLink(user);
    await login(user.email, TEST_PASSWORD);
    expect(await sessionCount(user.userId)).toBe(2);
    expect((await t.request('GET', '/api/v1/me', { as: user })).statusCode).toBe(200);
    const response = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: NEW_PASSWORD } });
    expect(response.statusCode).toBe(204);
    expect(await sessionCount(user.userId)).toBe(0);
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(401);
    // Whoever knew the old password may have made tokens with it.
    expect((await t.request('GET', '/api/v1/me', { as: user })).statusCode).toBe(401);
    expect(await activeApiTokens(user.userId)).toBe(0);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);
    const again = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'yet-another-password' } });
    expect(again.statusCode).toBe(410);
    expect(again.data.error.details.reason).toBe('used');
    expect(await auditActions(user.userId)).toContain('auth.password_reset');
    const [entry] = await t.database.db
      .selectFrom('platform.audit_log')
      .select('after')
      .where('target_id', '=', user.userId)
      .where('action', '=', 'auth.password_reset')
      .execute();
    expect(entry!.after).toEqual({ sessionsEnded: true, tokensRevoked: true });
  });

  it('lets exactly one of two simultaneous uses of a link through', async () => {
    const user = await t.make.org();
    const token = await resetLink(user);
    const results = await Promise.all(
      ['first-new-password', 'second-new-password'].map((password) =>
        t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 410]);
    expect(
      (
        await t.database.db
          .selectFrom('platform.audit_log')
          .select('id')
          .where('target_id', '=', user.userId)
          .where('action', '=', 'auth.password_reset')
          .execute()
      ).length,
    ).toBe(1);
  });

  it('refuses a weak password with 400 naming the field, and the link still works', async () => {
    const user = await t.make.org();
    const token = await resetLink(user);
    const weak = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.data.error.details.field).toBe('password');
    const [stored] = await resetTokens(user.userId);
    expect(stored!.used_at).toBeNull();
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: NEW_PASSWORD } })).statusCode).toBe(
      204,
    );
  });

  it('answers 404 for an unknown link, 410 for an expired one, and only the newest link works', async () => {
    const user = await t.make.org();
    expect(
      (await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token: 'wrong', password: NEW_PASSWORD } })).statusCode,
    ).toBe(404);
    expect((await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { password: NEW_PASSWORD } })).statusCode).toBe(400);
    const first = await resetLink(user);
    const second = await resetLink(user, [first]);
    expect(
      (await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token: first, password: NEW_PASSWORD } })).statusCode,
    ).toBe(404);
    await t.database.db
      .updateTable('platform.one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(second))
      .execute();
    const expired = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token: second, password: NEW_PASSWORD } });
    expect(expired.statusCode).toBe(410);
    expect(expired.data.error.details.reason).toBe('expired');
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('changing my password', () => {
  it('changes it after the current password and ends my other sessions only', async () => {
    const user = await t.make.org();
    const other = await login(user.email, TEST_PASSWORD);
    const otherCookie = /clave_session=([^;]+)/.exec(String(other.headers['set-cookie']))![1]!;
    const response = await t.request('POST', '/api/v1/me/password', {
      as: user,
      via: 'cookie',
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(response.statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    expect((await t.request('GET', '/api/v1/me', { headers: { cookie: `clave_session=${otherCookie}` } })).statusCode).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect(await auditActions(user.userId)).toContain('auth.password_changed');
    // The user proved the current password: API tokens stay (a reset by e-mail revokes them).
    expect((await t.request('GET', '/api/v1/me', { as: user })).statusCode).toBe(200);
    expect(await activeApiTokens(user.userId)).toBe(1);
  });

  it('refuses a wrong current password with 403 and changes nothing; the session stays', async () => {
    const user = await t.make.org();
    const wrong = await t.request('POST', '/api/v1/me/password', {
      as: user,
      via: 'cookie',
      body: { currentPassword: 'not-the-password', newPassword: NEW_PASSWORD },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.data.error).toMatchObject({ code: 'wrong_password', details: { field: 'currentPassword' } });
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a weak or unchanged new password with 400 naming newPassword', async () => {
    const user = await t.make.org();
    for (const newPassword of ['short', TEST_PASSWORD]) {
      const response = await t.request('POST', '/api/v1/me/password', { as: user, body: { currentPassword: TEST_PASSWORD, newPassword } });
      expect(response.statusCode).toBe(400);
      expect(response.data.error.details.field).toBe('newPassword');
    }
    expect((await t.request('POST', '/api/v1/me/password', { as: user, body: { currentPassword: TEST_PASSWORD } })).statusCode).toBe(400);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('needs a signed-in caller and the CSRF header', async () => {
    const user = await t.make.org();
    expect(
      (await t.request('POST', '/api/v1/me/password', { body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } })).statusCode,
    ).toBe(401);
    const noCsrf = await t.request('POST', '/api/v1/me/password', {
      headers: { cookie: `clave_session=${user.cookie}` },
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });
});
