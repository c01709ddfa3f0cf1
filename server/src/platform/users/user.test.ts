import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const userRow = (id: string) =>
  t.database.db
    .selectFrom('platform.users')
    .select(['name', 'role_id', 'profile_id', 'active'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const auditOf = (orgId: string, action: string) =>
  t.database.db.selectFrom('platform.audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', action).execute();
const profileId = async (orgId: string, builtin: string) =>
  (
    await t.database.db
      .selectFrom('platform.profiles')
      .select('id')
      .where('org_id', '=', orgId)
      .where('builtin', '=', builtin)
      .executeTakeFirstOrThrow()
  ).id;
const roleId = async (orgId: string) =>
  (await t.database.db.selectFrom('platform.roles').select('id').where('org_id', '=', orgId).executeTakeFirstOrThrow()).id;

describe('GET /users', () => {
  it('gives any signed-in user the organization’s users for pickers, filtered by q and active', async () => {
    const admin = await t.make.org({ name: 'Ada Admin' });
    const other = await t.make.org({ name: 'Olga Other' });
    const standard = await t.make.user(admin, { name: 'Bruno Standard', email: `bruno.${Date.now()}@sales.test` });
    const gone = await t.make.user(admin, { name: 'Gina Gone' });
    await t.request('PATCH', `/api/v1/users/${gone.userId}`, { as: admin, body: { active: false } });

    const all = await t.request('GET', '/api/v1/users', { as: standard });
    expect(all.statusCode).toBe(200);
    expect(all.data.data.map((u: { name: string }) => u.name)).toEqual(['Ada Admin', 'Bruno Standard', 'Gina Gone']);
    expect(Object.keys(all.data.data[0]).sort()).toEqual(['active', 'createdAt', 'email', 'id', 'name', 'profileId', 'roleId']);
    expect(all.data.data[1]).toMatchObject({
      id: standard.userId,
      email: standard.email,
      active: true,
      roleId: null,
      profileId: await profileId(admin.orgId, 'standard'),
    });

    const names = async (query: string) =>
      (await t.request('GET', `/api/v1/users?${query}`, { as: standard })).data.data.map((u: { name: string }) => u.name);
    expect(await names('q=BRUNO')).toEqual(['Bruno Standard']);
    expect(await names('q=sales.test')).toEqual(['Bruno Standard']);
    expect(await names('q=%25')).toEqual([]);
    expect(await names('active=false')).toEqual(['Gina Gone']);
    expect(await names('active=true&q=a')).toEqual(['Ada Admin', 'Bruno Standard']);
    expect(await names('q=Olga')).toEqual([]);
    expect((await t.request('GET', '/api/v1/users?active=maybe', { as: standard })).statusCode).toBe(400);
    expect((await t.request('GET', '/api/v1/users')).statusCode).toBe(401);
    expect((await t.request('GET', '/api/v1/users', { as: other })).data.data.map((u: { name: string }) => u.name)).toEqual(['Olga Other']);
  });
});

describe('GET /users/{id}', () => {
  it('returns a user of the organization; another organization’s user is a 404', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin, { name: 'Bruno' });
    const response = await t.request('GET', `/api/v1/users/${admin.userId}`, { as: standard });
    expect(response.statusCode).toBe(200);
    expect(response.data).toMatchObject({ id: admin.userId, email: admin.email, active: true });
    expect((await t.request('GET', `/api/v1/users/${standard.userId}`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/users/not-a-uuid', { as: admin })).statusCode).toBe(400);
  });
});

describe('PATCH /users/{id}', () => {
  it('changes name, role and profile, auditing before and after', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin, { name: 'Bruno' });
    const role = await roleId(admin.orgId);
    const adminProfile = await profileId(admin.orgId, 'administrator');
    const response = await t.request('PATCH', `/api/v1/users/${standard.userId}`, {
      as: admin,
      via: 'cookie',
      body: { name: ' Bruno B. ', roleId: role, profileId: adminProfile },
    });
    expect(response.statusCode).toBe(200);
    expect(response.data).toMatchObject({ name: 'Bruno B.', roleId: role, profileId: adminProfile });
    // The new profile applies on the user's next request.
    expect((await t.request('GET', '/api/v1/me', { as: standard })).data.permissions.isAdmin).toBe(true);
    const [entry] = await auditOf(admin.orgId, 'user.updated');
    expect(entry).toMatchObject({
      actor_id: admin.userId,
      target_id: standard.userId,
      before: { name: 'Bruno', roleId: null, profileId: await profileId(admin.orgId, 'standard') },
      after: { name: 'Bruno B.', roleId: role, profileId: adminProfile },
    });
    expect((await t.request('PATCH', `/api/v1/users/${standard.userId}`, { as: admin, body: { roleId: null } })).data.roleId).toBeNull();
  });

  it('deactivating ends sessions and revokes tokens, keeps the user; reactivating lets them sign in again', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin);
    expect((await t.request('GET', '/api/v1/me', { as: standard, via: 'cookie' })).statusCode).toBe(200);
    const response = await t.request('PATCH', `/api/v1/users/${standard.userId}`, { as: admin, body: { active: false } });
    expect(response.statusCode).toBe(200);
    expect(response.data.active).toBe(false);
    expect((await t.request('GET', '/api/v1/me', { as: standard })).statusCode).toBe(401);
    expect((await t.request('GET', '/api/v1/me', { as: standard, via: 'cookie' })).statusCode).toBe(401);
    const sessions = await t.database.db.selectFrom('platform.sessions').select('id').where('user_id', '=', standard.userId).execute();
    expect(sessions).toEqual([]);
    const tokens = await t.database.db
      .selectFrom('platform.api_tokens')
      .select('revoked_at')
      .where('user_id', '=', standard.userId)
      .execute();
    expect(tokens.every((token) => token.revoked_at !== null)).toBe(true);
    expect((await userRow(standard.userId)).active).toBe(false);
    expect((await auditOf(admin.orgId, 'user.deactivated'))[0]).toMatchObject({
      target_id: standard.userId,
      before: { active: true },
      after: { active: false },
    });

    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: standard.email, password: 'a-long-test-password' } });
    expect(login.statusCode).toBe(401);
    await t.request('PATCH', `/api/v1/users/${standard.userId}`, { as: admin, body: { active: true } });
    expect(
      (await t.request('POST', '/api/v1/auth/login', { body: { email: standard.email, password: 'a-long-test-password' } })).statusCode,
    ).toBe(200);
    expect(await auditOf(admin.orgId, 'user.reactivated')).toHaveLength(1);
  });

  it('refuses to deactivate yourself or to remove the last active administrator (409)', async () => {
    const admin = await t.make.org();
    const standardProfile = await profileId(admin.orgId, 'standard');
    const self = await t.request('PATCH', `/api/v1/users/${admin.userId}`, { as: admin, body: { active: false } });
    expect(self.statusCode).toBe(409);
    expect(self.data.error.details.reason).toBe('self_deactivation');
    const demote = await t.request('PATCH', `/api/v1/users/${admin.userId}`, { as: admin, body: { profileId: standardProfile } });
    expect(demote.statusCode).toBe(409);
    expect(demote.data.error.details.reason).toBe('last_administrator');
    expect(await userRow(admin.userId)).toMatchObject({ active: true, profile_id: await profileId(admin.orgId, 'administrator') });

    // With a second administrator, one may go; then the other is the last one.
    const second = await t.make.user(admin, { profile: 'administrator' });
    expect((await t.request('PATCH', `/api/v1/users/${second.userId}`, { as: admin, body: { active: false } })).statusCode).toBe(200);
    expect(
      (await t.request('PATCH', `/api/v1/users/${admin.userId}`, { as: admin, body: { profileId: standardProfile } })).statusCode,
    ).toBe(409);
    // An inactive administrator does not count: reactivate them, then the first may step down.
    expect((await t.request('PATCH', `/api/v1/users/${second.userId}`, { as: admin, body: { active: true } })).statusCode).toBe(200);
    expect(
      (await t.request('PATCH', `/api/v1/users/${admin.userId}`, { as: admin, body: { profileId: standardProfile } })).statusCode,
    ).toBe(200);
    // Now `second` is the last active administrator; deactivation revoked their old sessions, so they sign in again.
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: second.email, password: 'a-long-test-password' } });
    const signedIn = {
      ...second,
      cookie: /clave_session=([^;]+)/.exec(String(login.headers['set-cookie']))![1]!,
      csrfToken: login.data.csrfToken,
    };
    const last = await t.request('PATCH', `/api/v1/users/${second.userId}`, {
      as: signedIn,
      via: 'cookie',
      body: { profileId: standardProfile, name: 'Still here' },
    });
    expect(last.statusCode).toBe(409);
    expect(last.data.error.details.reason).toBe('last_administrator');
    expect(await userRow(second.userId)).toMatchObject({ name: 'Test User', profile_id: await profileId(admin.orgId, 'administrator') });
  });

  it('two administrators deactivating each other at the same time leave one active administrator', async () => {
    const first = await t.make.org();
    const second = await t.make.user(first, { profile: 'administrator' });
    const responses = await Promise.all([
      t.request('PATCH', `/api/v1/users/${second.userId}`, { as: first, body: { active: false } }),
      t.request('PATCH', `/api/v1/users/${first.userId}`, { as: second, body: { active: false } }),
    ]);
    // Whichever runs second sees a deactivated caller (401) or the last administrator (409); never two 200s.
    expect(responses.map((r) => r.statusCode).filter((status) => status === 200)).toHaveLength(1);
    const active = await t.database.db
      .selectFrom('platform.users')
      .select('id')
      .where('org_id', '=', first.orgId)
      .where('active', '=', true)
      .execute();
    expect(active).toHaveLength(1);
  });

  it('refuses bad input with 400 naming the field, changing nothing', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const before = await userRow(standard.userId);
    const cases: Array<[unknown, string]> = [
      [{ roleId: await roleId(other.orgId) }, 'roleId'],
      [{ roleId: '0190b3b4-0000-7000-8000-000000000000' }, 'roleId'],
      [{ profileId: await profileId(other.orgId, 'administrator') }, 'profileId'],
      [{ profileId: null }, 'profileId'],
      [{ name: '  ' }, 'name'],
      [{ active: 'no' }, 'active'],
      [{ email: 'new@x.test' }, 'email'],
      [{}, 'body'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('PATCH', `/api/v1/users/${standard.userId}`, { as: admin, body: { ...(body as object) } });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      if (field !== 'body') expect(JSON.stringify(response.data.error), JSON.stringify(body)).toContain(field);
    }
    expect(await userRow(standard.userId)).toEqual(before);
    expect(await auditOf(admin.orgId, 'user.updated')).toEqual([]);
  });

  it('answers 403 to a standard user and 404 for another organization’s user', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const colleague = await t.make.user(admin);
    expect((await t.request('PATCH', `/api/v1/users/${colleague.userId}`, { as: standard, body: { active: false } })).statusCode).toBe(403);
    expect(
      (
        await t.request('PATCH', `/api/v1/users/${standard.userId}`, {
          as: standard,
          body: { profileId: await profileId(admin.orgId, 'administrator') },
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.request('PATCH', `/api/v1/users/${colleague.userId}`, { as: other, body: { active: false } })).statusCode).toBe(404);
    expect((await userRow(colleague.userId)).active).toBe(true);
    expect((await userRow(standard.userId)).profile_id).toBe(await profileId(admin.orgId, 'standard'));
  });
});

describe('POST /users/{id}/two-factor/reset', () => {
  it('lets an administrator turn off a colleague’s two-factor; not a standard user, not another organization', async () => {
    const admin = await t.make.org();
    const colleague = await t.make.user(admin);
    await t.database.db
      .updateTable('platform.users')
      .set({ totp_enabled: true, totp_secret: 'JBSWY3DPEHPK3PXP' })
      .where('id', '=', colleague.userId)
      .execute();
    const stranger = await t.make.org();
    expect((await t.request('POST', `/api/v1/users/${colleague.userId}/two-factor/reset`, { as: colleague })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/users/${colleague.userId}/two-factor/reset`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/users/not-a-uuid/two-factor/reset`, { as: admin })).statusCode).toBe(400);
    expect((await t.request('POST', `/api/v1/users/${colleague.userId}/two-factor/reset`, { as: admin })).statusCode).toBe(204);
    const row = await t.database.db
      .selectFrom('platform.users')
      .select(['totp_enabled', 'totp_secret'])
      .where('id', '=', colleague.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_enabled: false, totp_secret: null });
    const audit = await t.request('GET', '/api/v1/audit-log?action=user.two_factor_reset', { as: admin });
    expect(audit.data.data).toHaveLength(1);
  });
});
