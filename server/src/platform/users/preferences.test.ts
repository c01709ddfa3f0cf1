import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const userRow = (userId: string) =>
  t.database.db.selectFrom('platform.users').select(['name', 'language', 'time_zone']).where('id', '=', userId).executeTakeFirstOrThrow();

describe('my preferences', () => {
  it('changes name, language and time zone; GET /me shows them; audited with before and after', async () => {
    const admin = await t.make.org();
    const user = await t.make.user(admin, { name: 'Old Name' });
    const response = await t.request('PATCH', '/api/v1/me', {
      as: user,
      via: 'cookie',
      body: { name: '  New Name ', language: 'en', timeZone: 'America/Mexico_City' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.data).toEqual({
      name: 'New Name',
      language: 'en',
      timeZone: 'America/Mexico_City',
      languageIsDefault: false,
      timeZoneIsDefault: false,
    });
    const me = await t.request('GET', '/api/v1/me', { as: user });
    expect(me.data.user).toMatchObject({ name: 'New Name', language: 'en', timeZone: 'America/Mexico_City' });
    const audit = await t.database.db
      .selectFrom('platform.audit_log')
      .select(['before', 'after'])
      .where('actor_id', '=', user.userId)
      .where('action', '=', 'user.preferences_changed')
      .execute();
    expect(audit).toEqual([
      {
        before: { name: 'Old Name', language: null, time_zone: null },
        after: { name: 'New Name', language: 'en', time_zone: 'America/Mexico_City' },
      },
    ]);
  });

  it('changes only the fields sent, stores canonical zone names, and null follows the organization again', async () => {
    const user = await t.make.org();
    expect((await t.request('PATCH', '/api/v1/me', { as: user, body: { timeZone: 'us/eastern' } })).data.timeZone).toBe('America/New_York');
    expect(await userRow(user.userId)).toEqual({ name: 'Admin Person', language: null, time_zone: 'America/New_York' });
    const utc = await t.request('PATCH', '/api/v1/me', { as: user, body: { timeZone: 'UTC' } });
    expect(utc.statusCode).toBe(200);
    const reset = await t.request('PATCH', '/api/v1/me', { as: user, body: { timeZone: null, language: null } });
    expect(reset.data).toEqual({
      name: 'Admin Person',
      language: 'es',
      timeZone: 'Europe/Madrid',
      languageIsDefault: true,
      timeZoneIsDefault: true,
    });
    // Nothing sent, nothing changed, nothing audited.
    const count = async () =>
      (
        await t.database.db
          .selectFrom('platform.audit_log')
          .select('id')
          .where('actor_id', '=', user.userId)
          .where('action', '=', 'user.preferences_changed')
          .execute()
      ).length;
    const before = await count();
    expect((await t.request('PATCH', '/api/v1/me', { as: user, body: {} })).statusCode).toBe(200);
    expect(await count()).toBe(before);
  });

  it('rejects bad input with 400 naming the field and changes nothing', async () => {
    const user = await t.make.org();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ timeZone: 'EST' }, 'timeZone'],
      [{ timeZone: '' }, 'timeZone'],
      [{ language: 'fr' }, 'language'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'Valid', timeZone: 'Nowhere/Land' }, 'timeZone'],
      [{ email: 'x@y.test' }, 'email'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('PATCH', '/api/v1/me', { as: user, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.data.error), JSON.stringify(body)).toContain(field);
    }
    expect(await userRow(user.userId)).toEqual({ name: 'Admin Person', language: null, time_zone: null });
  });

  it('needs a signed-in caller and the CSRF header with a cookie', async () => {
    const user = await t.make.org();
    expect((await t.request('PATCH', '/api/v1/me', { body: { name: 'X' } })).statusCode).toBe(401);
    expect(
      (await t.request('PATCH', '/api/v1/me', { headers: { cookie: `clave_session=${user.cookie}` }, body: { name: 'X' } })).statusCode,
    ).toBe(403);
    expect((await userRow(user.userId)).name).toBe('Admin Person');
  });
});
