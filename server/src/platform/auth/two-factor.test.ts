import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

let counter = 0;
const totp = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
const codeFor = (secret: string) => totp(secret).generate();
/** A code the server must refuse: none of the codes of the accepted window. */
function wrongCodeFor(secret: string): string {
  const now = Date.now();
  const valid = new Set([-2, -1, 0, 1, 2].map((step) => totp(secret).generate({ timestamp: now + step * 30_000 })));
  return ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code))!;
}
const login = (email: string, code?: string) =>
  t.request('POST', '/api/v1/auth/login', {
    body: { email, password: TEST_PASSWORD, ...(code ? { code } : {}) },
    headers: { 'x-forwarded-for': `10.30.0.${counter++ % 250}` },
  });
const userRow = (userId: string) =>
  t.database.db.selectFrom('platform.users').select(['totp_secret', 'totp_enabled']).where('id', '=', userId).executeTakeFirstOrThrow();

async function enable(user: TestUser): Promise<string> {
  const setup = await t.request('POST', '/api/v1/me/two-factor/setup', { as: user });
  expect(setup.statusCode).toBe(200);
  const enabled = await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: codeFor(setup.data.secret) } });
  expect(enabled.statusCode).toBe(200);
  return setup.data.secret;
}

describe('two-factor', () => {
  it('sets up a secret that is not on until a correct code turns it on', async () => {
    const user = await t.make.org();
    const setup = await t.request('POST', '/api/v1/me/two-factor/setup', { as: user, via: 'cookie' });
    expect(setup.statusCode).toBe(200);
    expect(setup.data.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.data.otpauthUrl).toContain(`secret=${setup.data.secret}`);
    expect(setup.data.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Clave:/);
    expect(setup.data.otpauthUrl).toContain(encodeURIComponent(user.email));
    expect(await userRow(user.userId)).toEqual({ totp_secret: setup.data.secret, totp_enabled: false });
    // Not on yet: sign-in still needs no code.
    expect((await login(user.email)).statusCode).toBe(200);

    const wrong = await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: wrongCodeFor(setup.data.secret) } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.data.error.details.field).toBe('code');
    expect((await userRow(user.userId)).totp_enabled).toBe(false);
    expect((await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: '12345' } })).statusCode).toBe(400);

    const on = await t.request('POST', '/api/v1/me/two-factor/enable', {
      as: user,
      via: 'cookie',
      body: { code: codeFor(setup.data.secret) },
    });
    expect(on.statusCode).toBe(200);
    expect(on.data).toEqual({ enabled: true });
    expect((await t.request('GET', '/api/v1/me', { as: user })).data.user.twoFactorEnabled).toBe(true);
    const actions = await t.database.db
      .selectFrom('platform.audit_log')
      .select(['action', 'before', 'after'])
      .where('actor_id', '=', user.userId)
      .where('action', '=', 'two_factor.enabled')
      .execute();
    expect(actions).toEqual([{ action: 'two_factor.enabled', before: { enabled: false }, after: { enabled: true } }]);
  });

  it('makes sign-in ask for the code once on', async () => {
    const user = await t.make.org();
    const secret = await enable(user);
    const noCode = await login(user.email);
    expect(noCode.statusCode).toBe(401);
    expect(noCode.data.error.code).toBe('two_factor_required');
    expect((await login(user.email, wrongCodeFor(secret))).statusCode).toBe(401);
    expect((await login(user.email, codeFor(secret))).statusCode).toBe(200);
  });

  it('refuses a new set-up while on, and enabling before set-up, with 409', async () => {
    const user = await t.make.org();
    const fresh = await t.make.org();
    expect((await t.request('POST', '/api/v1/me/two-factor/enable', { as: fresh, body: { code: '123456' } })).statusCode).toBe(409);
    const secret = await enable(user);
    expect((await t.request('POST', '/api/v1/me/two-factor/setup', { as: user })).statusCode).toBe(409);
    expect((await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: codeFor(secret) } })).statusCode).toBe(409);
    expect(await userRow(user.userId)).toEqual({ totp_secret: secret, totp_enabled: true });
  });

  it('turns off with the password; a wrong password is a 403 that changes nothing', async () => {
    const user = await t.make.org();
    const secret = await enable(user);
    const wrong = await t.request('POST', '/api/v1/me/two-factor/disable', {
      as: user,
      via: 'cookie',
      body: { password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.data.error.code).toBe('wrong_password');
    expect(await userRow(user.userId)).toEqual({ totp_secret: secret, totp_enabled: true });
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    expect((await t.request('POST', '/api/v1/me/two-factor/disable', { as: user, body: {} })).statusCode).toBe(400);

    const off = await t.request('POST', '/api/v1/me/two-factor/disable', { as: user, via: 'cookie', body: { password: TEST_PASSWORD } });
    expect(off.statusCode).toBe(200);
    expect(off.data).toEqual({ enabled: false });
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
    expect((await login(user.email)).statusCode).toBe(200);
    expect((await t.request('POST', '/api/v1/me/two-factor/disable', { as: user, body: { password: TEST_PASSWORD } })).statusCode).toBe(
      409,
    );
  });

  it('needs a signed-in caller and acts only on the caller', async () => {
    const user = await t.make.org();
    const colleague = await t.make.user(user);
    expect((await t.request('POST', '/api/v1/me/two-factor/setup')).statusCode).toBe(401);
    const noCsrf = await t.request('POST', '/api/v1/me/two-factor/setup', { headers: { cookie: `clave_session=${user.cookie}` } });
    expect(noCsrf.statusCode).toBe(403);
    await enable(colleague);
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
  });
});
