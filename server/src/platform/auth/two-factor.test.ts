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
/** The code of the next time step: the server accepts one step either side, and it is later than any code used so far. */
const nextCodeFor = (secret: string) => totp(secret).generate({ timestamp: Date.now() + 30_000 });
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
const setUp = (user: TestUser, options: { via?: 'cookie'; password?: string } = {}) =>
  t.request('POST', '/api/v1/me/two-factor/setup', {
    as: user,
    ...(options.via ? { via: options.via } : {}),
    body: { password: options.password ?? TEST_PASSWORD },
    headers: { 'x-forwarded-for': `10.31.0.${counter++ % 250}` },
  });

async function enable(user: TestUser): Promise<string> {
  const setup = await setUp(user);
  expect(setup.statusCode).toBe(200);
  const enabled = await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: codeFor(setup.data.secret) } });
  expect(enabled.statusCode).toBe(200);
  return setup.data.secret;
}

describe('two-factor', () => {
  it('sets up a secret that is not on until a correct code turns it on', async () => {
    const user = await t.make.org();
    const setup = await setUp(user, { via: 'cookie' });
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
    expect(on.data).toEqual({ enabled: true, recoveryCodes: expect.any(Array) });
    expect(on.data.recoveryCodes).toHaveLength(10);
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
    expect((await login(user.email, nextCodeFor(secret))).statusCode).toBe(200);
  });

  it('accepts each code once: a replayed code, an older one and the one that turned two-factor on are refused', async () => {
    const user = await t.make.org();
    const { secret } = (await setUp(user)).data;
    const enableCode = codeFor(secret);
    expect((await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: enableCode } })).statusCode).toBe(200);
    // The code just typed to turn two-factor on is spent.
    const reused = await login(user.email, enableCode);
    expect(reused.statusCode).toBe(401);
    expect(reused.data.error).toMatchObject({ code: 'invalid_credentials', details: { field: 'code' } });
    const at = Date.now();
    const code = totp(secret).generate({ timestamp: at + 30_000 });
    expect((await login(user.email, code)).statusCode).toBe(200);
    const replayed = await login(user.email, code);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.data.error.message).toContain('already been used');
    // Older than the last one used: refused too.
    expect((await login(user.email, totp(secret).generate({ timestamp: at }))).statusCode).toBe(401);
    const row = await t.database.db
      .selectFrom('platform.users')
      .select('totp_last_step')
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(row.totp_last_step).toBe(Math.floor(at / 30_000) + 1);
  });

  it('lets only one of two simultaneous sign-ins with the same code through', async () => {
    const user = await t.make.org();
    const secret = await enable(user);
    const code = nextCodeFor(secret);
    const results = await Promise.all([login(user.email, code), login(user.email, code)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('asks for the password before a set-up: a wrong one is a 403 that stores nothing', async () => {
    const user = await t.make.org();
    const wrong = await setUp(user, { via: 'cookie', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.data.error).toMatchObject({ code: 'wrong_password', details: { field: 'password' } });
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
    for (const body of [{}, { password: '' }, { password: TEST_PASSWORD, extra: 1 }]) {
      const response = await t.request('POST', '/api/v1/me/two-factor/setup', { as: user, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
    // The session stays, and the audit says a password check failed.
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(200);
    const failures = await t.database.db
      .selectFrom('platform.audit_log')
      .select('action')
      .where('actor_id', '=', user.userId)
      .where('action', 'in', ['auth.reauthentication_failed', 'two_factor.setup_started'])
      .execute();
    expect(failures.map((row) => row.action)).toEqual(['auth.reauthentication_failed']);
  });

  it('throttles repeated wrong passwords at set-up like failed sign-ins', async () => {
    const user = await t.make.org();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await setUp(user, { password: 'not-the-password' })).statusCode);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
  });

  it('refuses a new set-up while on, and enabling before set-up, with 409', async () => {
    const user = await t.make.org();
    const fresh = await t.make.org();
    expect((await t.request('POST', '/api/v1/me/two-factor/enable', { as: fresh, body: { code: '123456' } })).statusCode).toBe(409);
    const secret = await enable(user);
    expect((await setUp(user)).statusCode).toBe(409);
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
    expect((await t.request('POST', '/api/v1/me/two-factor/setup', { body: { password: TEST_PASSWORD } })).statusCode).toBe(401);
    const noCsrf = await t.request('POST', '/api/v1/me/two-factor/setup', {
      headers: { cookie: `clave_session=${user.cookie}` },
      body: { password: TEST_PASSWORD },
    });
    expect(noCsrf.statusCode).toBe(403);
    await enable(colleague);
    expect(await userRow(user.userId)).toEqual({ totp_secret: null, totp_enabled: false });
  });
});

describe('recovery codes', () => {
  it('gives ten single-use codes when two-factor goes on; each signs in once instead of an app code', async () => {
    const org = await t.make.org();
    const user = await t.make.user(org);
    const setup = await setUp(user);
    const enabled = await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: codeFor(setup.data.secret) } });
    const codes: string[] = enabled.data.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    const stored = await t.database.db
      .selectFrom('platform.two_factor_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.userId)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.replace('-', ''));

    expect((await login(user.email, codes[0]!.toUpperCase())).statusCode).toBe(200);
    expect((await login(user.email, codes[0]!)).statusCode).toBe(401);
    expect((await login(user.email, 'zzzzz-zzzzz')).statusCode).toBe(401);
    expect((await login(user.email, codes[1]!.replace('-', ''))).statusCode).toBe(200);
  });

  it('replaces the codes after the password; the old ones stop working; turning two-factor off removes them', async () => {
    const org = await t.make.org();
    const user = await t.make.user(org);
    const setup = await setUp(user);
    const first = await t.request('POST', '/api/v1/me/two-factor/enable', { as: user, body: { code: codeFor(setup.data.secret) } });
    const wrong = await t.request('POST', '/api/v1/me/two-factor/recovery-codes', { as: user, body: { password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(403);
    const replaced = await t.request('POST', '/api/v1/me/two-factor/recovery-codes', { as: user, body: { password: TEST_PASSWORD } });
    expect(replaced.statusCode).toBe(200);
    expect((await login(user.email, first.data.recoveryCodes[0])).statusCode).toBe(401);
    expect((await login(user.email, replaced.data.recoveryCodes[0])).statusCode).toBe(200);
    await t.request('POST', '/api/v1/me/two-factor/disable', { as: user, body: { password: TEST_PASSWORD } });
    const left = await t.database.db
      .selectFrom('platform.two_factor_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.userId)
      .execute();
    expect(left).toHaveLength(0);
    const off = await t.request('POST', '/api/v1/me/two-factor/recovery-codes', { as: user, body: { password: TEST_PASSWORD } });
    expect(off.statusCode).toBe(409);
  });
});
