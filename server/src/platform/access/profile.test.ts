import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { newId } from '../ids.js';
import { detachSpentInvitations } from './access.repository.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: true };
const READ_ONLY = { create: false, read: true, edit: false, delete: false, import: false, export: false };

const profilesOf = (orgId: string) =>
  t.database.db
    .selectFrom('platform.profiles')
    .select(['id', 'name', 'description', 'module_permissions', 'field_permissions'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
const auditOf = (orgId: string, action: string) =>
  t.database.db.selectFrom('platform.audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', action).execute();

async function builtin(admin: TestUser, which: 'administrator' | 'standard'): Promise<{ id: string; name: string }> {
  const list = await t.request('GET', '/api/v1/profiles', { as: admin });
  return list.data.data.find((p: { builtin: string | null }) => p.builtin === which);
}

describe('GET /profiles and /profiles/{id}', () => {
  it('lists the built-in profiles first, to any signed-in user; another organization’s profile is a 404', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const list = await t.request('GET', '/api/v1/profiles', { as: standard });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((p: { name: string; builtin: string }) => [p.name, p.builtin])).toEqual([
      ['Administrator', 'administrator'],
      ['Standard', 'standard'],
    ]);
    expect(list.data.data[0]).toMatchObject({ modules: { '*': ALL }, fields: {}, userCount: 1 });
    const one = await t.request('GET', `/api/v1/profiles/${list.data.data[1].id}`, { as: standard });
    expect(one.data).toMatchObject({ name: 'Standard', userCount: 1 });
    expect((await t.request('GET', `/api/v1/profiles/${list.data.data[1].id}`, { as: other })).statusCode).toBe(404);
  });
});

describe('POST /profiles', () => {
  it('creates a profile with module and field permissions, audited, that applies to its users at once', async () => {
    const admin = await t.make.org();
    const body = {
      name: 'Sales read-only',
      description: 'Looks, does not touch',
      modules: { '*': READ_ONLY, deals: { ...READ_ONLY, export: true } },
      fields: { deals: { amount: 'hidden', stage: 'read_only' }, contacts: {} },
    };
    const created = await t.request('POST', '/api/v1/profiles', { as: admin, body });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({
      name: 'Sales read-only',
      builtin: null,
      modules: body.modules,
      fields: { deals: { amount: 'hidden', stage: 'read_only' } },
      userCount: 0,
    });
    expect((await auditOf(admin.orgId, 'profile.created'))[0]!.after).toMatchObject({ name: 'Sales read-only', modules: body.modules });
    const member = await t.make.user(admin, { profileId: created.data.id });
    const me = await t.request('GET', '/api/v1/me', { as: member });
    expect(me.data.permissions).toEqual({
      isAdmin: false,
      modules: body.modules,
      fields: { deals: { amount: 'hidden', stage: 'read_only' } },
    });
  });

  it('refuses bad input with 400 naming the field and duplicates with 409, writing nothing', async () => {
    const admin = await t.make.org();
    const before = await profilesOf(admin.orgId);
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'X' }, 400, 'modules'],
      [{ name: '', modules: {} }, 400, 'name'],
      [{ name: 'X', modules: { Deals: READ_ONLY } }, 400, 'modules.Deals'],
      [{ name: 'X', modules: { deals: { read: true } } }, 400, 'modules'],
      [{ name: 'X', modules: { deals: { ...READ_ONLY, read: 'yes' } } }, 400, 'read'],
      [{ name: 'X', modules: { deals: { ...READ_ONLY, fly: true } } }, 400, 'fly'],
      [{ name: 'X', modules: {}, fields: { deals: { amount: 'invisible' } } }, 400, 'fields'],
      [{ name: 'X', modules: {}, fields: { 'bad module': { amount: 'hidden' } } }, 400, 'fields.bad module'],
      [{ name: 'X', modules: {}, fields: { deals: { 'Amount!': 'hidden' } } }, 400, 'fields.deals.Amount!'],
      [{ name: 'standard', modules: {} }, 409, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const response = await t.request('POST', '/api/v1/profiles', { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.data.error), JSON.stringify(body)).toContain(field);
    }
    expect(await profilesOf(admin.orgId)).toEqual(before);
    expect(await auditOf(admin.orgId, 'profile.created')).toHaveLength(0);
  });

  it('is for administrators only', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin);
    expect((await t.request('POST', '/api/v1/profiles', { as: standard, body: { name: 'Mine', modules: { '*': ALL } } })).statusCode).toBe(
      403,
    );
    expect(await profilesOf(admin.orgId)).toHaveLength(2);
  });
});

describe('PATCH /profiles/{id}', () => {
  it('changes permissions, auditing before and after of the changed keys', async () => {
    const admin = await t.make.org();
    const standard = await builtin(admin, 'standard');
    const updated = await t.request('PATCH', `/api/v1/profiles/${standard.id}`, {
      as: admin,
      body: { modules: { '*': READ_ONLY }, description: 'Reads only' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.data.modules).toEqual({ '*': READ_ONLY });
    const [entry] = await auditOf(admin.orgId, 'profile.updated');
    expect(Object.keys(entry!.after as object).sort()).toEqual(['description', 'modules']);
    expect((entry!.before as { modules: unknown }).modules).toEqual({ '*': { ...ALL, import: false, export: false } });
  });

  it('never reduces the Administrator profile (400) but lets it be renamed', async () => {
    const admin = await t.make.org();
    const administrator = await builtin(admin, 'administrator');
    const before = await profilesOf(admin.orgId);
    for (const body of [
      { modules: { '*': READ_ONLY } },
      { modules: { '*': ALL, deals: READ_ONLY } },
      { modules: {} },
      { fields: { deals: { amount: 'hidden' } } },
    ]) {
      const response = await t.request('PATCH', `/api/v1/profiles/${administrator.id}`, { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(['modules', 'fields']).toContain(response.data.error.details.field);
    }
    expect(await profilesOf(admin.orgId)).toEqual(before);
    const renamed = await t.request('PATCH', `/api/v1/profiles/${administrator.id}`, {
      as: admin,
      body: { name: 'Admins', modules: { '*': ALL, deals: ALL } },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.data.name).toBe('Admins');
  });

  it('answers 403 to a standard user, 404 for another organization’s profile, 409 on a taken name', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standardUser = await t.make.user(admin);
    const standard = await builtin(admin, 'standard');
    expect(
      (await t.request('PATCH', `/api/v1/profiles/${standard.id}`, { as: standardUser, body: { modules: { '*': ALL } } })).statusCode,
    ).toBe(403);
    expect((await t.request('PATCH', `/api/v1/profiles/${standard.id}`, { as: other, body: { name: 'Mine' } })).statusCode).toBe(404);
    expect((await t.request('PATCH', `/api/v1/profiles/${standard.id}`, { as: admin, body: { name: 'ADMINISTRATOR' } })).statusCode).toBe(
      409,
    );
    expect((await profilesOf(admin.orgId)).map((p) => p.name)).toEqual(['Administrator', 'Standard']);
  });
});

describe('POST /profiles/{id}/clone', () => {
  it('copies permissions under "<name> (copy)", then "(copy 2)", or a given name', async () => {
    const admin = await t.make.org();
    const administrator = await builtin(admin, 'administrator');
    const first = await t.request('POST', `/api/v1/profiles/${administrator.id}/clone`, { as: admin, body: {} });
    expect(first.statusCode).toBe(201);
    expect(first.data).toMatchObject({ name: 'Administrator (copy)', builtin: null, modules: { '*': ALL } });
    // No body at all works too.
    expect((await t.request('POST', `/api/v1/profiles/${administrator.id}/clone`, { as: admin })).data.name).toBe('Administrator (copy 2)');
    const named = await t.request('POST', `/api/v1/profiles/${first.data.id}/clone`, {
      as: admin,
      body: { name: 'Managers', description: 'Like admins' },
    });
    expect(named.data).toMatchObject({ name: 'Managers', description: 'Like admins' });
    // The copy is not the Administrator: it can be reduced.
    expect(
      (await t.request('PATCH', `/api/v1/profiles/${named.data.id}`, { as: admin, body: { modules: { '*': READ_ONLY } } })).statusCode,
    ).toBe(200);
    const audit = await auditOf(admin.orgId, 'profile.created');
    expect(audit.find((entry) => entry.target_id === first.data.id)!.after).toMatchObject({ clonedFrom: administrator.id });
    expect(audit.find((entry) => entry.target_id === named.data.id)!.after).toMatchObject({ clonedFrom: first.data.id });
  });

  it('answers 409 on a taken name, 403 to a standard user and 404 for another organization’s profile, writing nothing', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standardUser = await t.make.user(admin);
    const standard = await builtin(admin, 'standard');
    expect(
      (await t.request('POST', `/api/v1/profiles/${standard.id}/clone`, { as: admin, body: { name: 'Administrator' } })).statusCode,
    ).toBe(409);
    expect((await t.request('POST', `/api/v1/profiles/${standard.id}/clone`, { as: admin, body: { name: '' } })).statusCode).toBe(400);
    expect((await t.request('POST', `/api/v1/profiles/${standard.id}/clone`, { as: standardUser, body: {} })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/profiles/${standard.id}/clone`, { as: other, body: {} })).statusCode).toBe(404);
    expect(await profilesOf(admin.orgId)).toHaveLength(2);
    expect(await profilesOf(other.orgId)).toHaveLength(2);
  });
});

describe('DELETE /profiles/{id}', () => {
  it('deletes an unused custom profile; built-in and in-use profiles answer 409', async () => {
    const admin = await t.make.org();
    const administrator = await builtin(admin, 'administrator');
    const standard = await builtin(admin, 'standard');
    for (const profile of [administrator, standard]) {
      const response = await t.request('DELETE', `/api/v1/profiles/${profile.id}`, { as: admin });
      expect(response.statusCode).toBe(409);
      expect(response.data.error.details.reason).toBe('builtin');
    }
    const custom = (await t.request('POST', '/api/v1/profiles', { as: admin, body: { name: 'Custom', modules: { '*': READ_ONLY } } })).data;
    const member = await t.make.user(admin, { profileId: custom.id });
    const inUse = await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: admin });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.data.error.details).toMatchObject({ reason: 'in_use', users: 1 });
    await t.request('PATCH', `/api/v1/users/${member.userId}`, { as: admin, body: { profileId: standard.id } });
    expect((await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: admin })).statusCode).toBe(204);
    expect(await profilesOf(admin.orgId)).toHaveLength(2);
    expect((await auditOf(admin.orgId, 'profile.deleted'))[0]!.before).toMatchObject({ name: 'Custom' });
  });

  it('keeps a profile that a pending invitation gives (409), lets go of spent ones, and never answers 500', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const custom = (await t.request('POST', '/api/v1/profiles', { as: admin, body: { name: 'Invited', modules: {} } })).data;
    const invitation = (values: { org_id: string; invited_by: string; expires_at: Date; revoked_at?: Date }) =>
      t.database.db
        .insertInto('platform.invitations')
        .values({ id: newId(), email: `i-${newId()}@example.test`, name: 'Invited', role_id: null, profile_id: custom.id, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
    const profileOf = async (id: string) =>
      (await t.database.db.selectFrom('platform.invitations').select('profile_id').where('id', '=', id).executeTakeFirstOrThrow())
        .profile_id;
    const soon = new Date(Date.now() + 86_400_000);
    const pending = await invitation({ org_id: admin.orgId, invited_by: admin.userId, expires_at: soon });
    const expired = await invitation({ org_id: admin.orgId, invited_by: admin.userId, expires_at: new Date(Date.now() - 1000) });
    const inUse = await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: admin });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.data.error.details).toMatchObject({ reason: 'in_use', pendingInvitations: 1 });
    await t.database.transaction('test-detach', (trx) => detachSpentInvitations(trx, admin.orgId, 'profile_id', custom.id, new Date()));
    expect(await profileOf(pending.id)).toBe(custom.id);
    expect(await profileOf(expired.id)).toBeNull();
    // Withdrawn, the invitation lets go; a reference no API call can make (another organization's invitation) still holds: 409, not 500.
    await t.database.db.updateTable('platform.invitations').set({ revoked_at: new Date() }).where('id', '=', pending.id).execute();
    await invitation({ org_id: other.orgId, invited_by: other.userId, expires_at: soon });
    const stray = await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: admin });
    expect(stray.statusCode).toBe(409);
    expect(stray.data.error).toMatchObject({ code: 'conflict', details: { reason: 'in_use' } });
    expect(await profileOf(pending.id)).toBe(custom.id);
  });

  it('answers 403 to a standard user and 404 for another organization’s profile', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standardUser = await t.make.user(admin);
    const custom = (await t.request('POST', '/api/v1/profiles', { as: admin, body: { name: 'Custom', modules: {} } })).data;
    expect((await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: standardUser })).statusCode).toBe(403);
    expect((await t.request('DELETE', `/api/v1/profiles/${custom.id}`, { as: other })).statusCode).toBe(404);
    expect(await profilesOf(admin.orgId)).toHaveLength(3);
  });
});
