import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';

/**
 * GET /api/v1/me reads the caller in the one prepared statement that
 * authenticates the request: it must always see the current rows.
 */
describe('GET /api/v1/me', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('returns the user, organization, permissions and CSRF token, by token and by cookie', async () => {
    const admin = await t.make.org({ organization: 'Me Co', name: 'Mia Admin' });
    const byToken = await t.request('GET', '/api/v1/me', { as: admin });
    expect(byToken.statusCode).toBe(200);
    expect(byToken.data).toMatchObject({
      user: { id: admin.userId, name: 'Mia Admin', email: admin.email, twoFactorEnabled: false, language: 'es', timeZone: 'Europe/Madrid' },
      organization: { id: admin.orgId, name: 'Me Co', logo: null, currency: 'EUR', timeZone: 'Europe/Madrid', defaultLanguage: 'es' },
      permissions: { isAdmin: true },
      csrfToken: null,
    });
    const byCookie = await t.request('GET', '/api/v1/me', { as: admin, via: 'cookie' });
    expect(byCookie.statusCode).toBe(200);
    expect(byCookie.data).toMatchObject({ user: { id: admin.userId }, organization: { name: 'Me Co' }, csrfToken: admin.csrfToken });
    expect((await t.request('GET', '/api/v1/me', { as: null })).statusCode).toBe(401);
  });

  it('sees every change at once: organization, profile, two-factor, revoked token, deactivated user', async () => {
    const admin = await t.make.org();
    const user = await t.make.user(admin, { profile: 'standard' });
    expect((await t.request('GET', '/api/v1/me', { as: user })).data.permissions.isAdmin).toBe(false);

    await t.database.db
      .updateTable('platform.organizations')
      .set({ name: 'Renamed Co', currency: 'USD' })
      .where('id', '=', admin.orgId)
      .execute();
    await t.database.db.updateTable('platform.users').set({ totp_enabled: true, language: 'en' }).where('id', '=', user.userId).execute();
    const adminProfile = await t.database.db
      .selectFrom('platform.profiles')
      .select('id')
      .where('org_id', '=', admin.orgId)
      .where('builtin', '=', 'administrator')
      .executeTakeFirstOrThrow();
    await t.database.db.updateTable('platform.users').set({ profile_id: adminProfile.id }).where('id', '=', user.userId).execute();
    const changed = await t.request('GET', '/api/v1/me', { as: user });
    expect(changed.data).toMatchObject({
      organization: { name: 'Renamed Co', currency: 'USD' },
      user: { twoFactorEnabled: true, language: 'en' },
      permissions: { isAdmin: true },
    });

    // A revoked token stops working on the next request.
    const created = await t.request('POST', '/api/v1/tokens', { as: user, body: { name: 'script' } });
    const script = { ...user, token: created.data.token as string };
    expect((await t.request('GET', '/api/v1/me', { as: script })).statusCode).toBe(200);
    expect((await t.request('DELETE', `/api/v1/tokens/${created.data.id}`, { as: user })).statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { as: script })).statusCode).toBe(401);

    // A deactivated user is signed out everywhere at once, token and cookie alike.
    await t.database.db.updateTable('platform.users').set({ active: false }).where('id', '=', user.userId).execute();
    expect((await t.request('GET', '/api/v1/me', { as: user })).statusCode).toBe(401);
    expect((await t.request('GET', '/api/v1/me', { as: user, via: 'cookie' })).statusCode).toBe(401);
    expect((await t.request('GET', '/api/v1/me', { as: admin })).statusCode).toBe(200);
  });

  it('keeps working when a migration adds a column to a table the prepared statement reads', async () => {
    const admin = await t.make.org();
    expect((await t.request('GET', '/api/v1/me', { as: admin })).statusCode).toBe(200);
    expect((await t.request('GET', '/api/v1/me', { as: admin, via: 'cookie' })).statusCode).toBe(200);
    await sql`ALTER TABLE platform.users ADD COLUMN me_test_extra text`.execute(t.database.db);
    try {
      expect((await t.request('GET', '/api/v1/me', { as: admin })).statusCode).toBe(200);
      expect((await t.request('GET', '/api/v1/me', { as: admin, via: 'cookie' })).statusCode).toBe(200);
    } finally {
      await sql`ALTER TABLE platform.users DROP COLUMN me_test_extra`.execute(t.database.db);
    }
  });
});

describe('mail delivery in /me', () => {
  it('says "outbox" when no SMTP server is set, so the app can tell people where their mail is', async () => {
    const quiet = await createTestContext({ smtpUrl: undefined });
    try {
      const admin = await quiet.make.org();
      expect((await quiet.request('GET', '/api/v1/me', { as: admin })).data.mailDelivery).toBe('outbox');
    } finally {
      await quiet.close();
    }
  });
});
