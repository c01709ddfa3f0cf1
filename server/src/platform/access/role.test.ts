import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { newId } from '../ids.js';
import { detachSpentInvitations } from './access.repository.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const rolesOf = (orgId: string) =>
  t.database.db
    .selectFrom('platform.roles')
    .select(['id', 'name', 'parent_id', 'share_with_peers'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
const auditOf = (orgId: string, action: string) =>
  t.database.db.selectFrom('platform.audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', action).execute();

async function topRole(admin: TestUser): Promise<string> {
  const list = await t.request('GET', '/api/v1/roles', { as: admin });
  return list.data.data.find((r: { parentId: string | null }) => r.parentId === null).id;
}

describe('GET /roles', () => {
  it('lists the organization’s roles flat with parentId, for any signed-in user, never another organization’s', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const ceo = await topRole(admin);
    await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Sales', parentId: ceo } });
    await t.request('POST', '/api/v1/roles', { as: other, body: { name: 'Elsewhere' } });
    const list = await t.request('GET', '/api/v1/roles', { as: standard });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((r: { name: string; parentId: string | null }) => [r.name, r.parentId])).toEqual([
      ['CEO', null],
      ['Sales', ceo],
    ]);
    expect(list.data.data[0]).toMatchObject({ shareWithPeers: false, userCount: 1 });
    expect((await t.request('GET', '/api/v1/roles')).statusCode).toBe(401);
  });
});

describe('POST /roles', () => {
  it('creates a role under a parent and audits it', async () => {
    const admin = await t.make.org();
    const ceo = await topRole(admin);
    const created = await t.request('POST', '/api/v1/roles', {
      as: admin,
      via: 'cookie',
      body: { name: ' Sales ', parentId: ceo, shareWithPeers: true },
    });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({ name: 'Sales', parentId: ceo, shareWithPeers: true, userCount: 0 });
    const [entry] = await auditOf(admin.orgId, 'role.created');
    expect(entry).toMatchObject({
      actor_id: admin.userId,
      target_type: 'role',
      target_id: created.data.id,
      after: { name: 'Sales', parentId: ceo, shareWithPeers: true },
    });
  });

  it('refuses bad input with 400 naming the field, and duplicates with 409, writing nothing', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const foreignRole = await topRole(other);
    const before = await rolesOf(admin.orgId);
    const cases: Array<[unknown, number, string]> = [
      [{ name: '' }, 400, 'name'],
      [{ name: '   ' }, 400, 'name'],
      [{ name: 'X', parentId: 'not-a-uuid' }, 400, 'parentId'],
      [{ name: 'X', parentId: '0190b3b4-0000-7000-8000-000000000000' }, 400, 'parentId'],
      [{ name: 'X', parentId: foreignRole }, 400, 'parentId'],
      [{ name: 'X', shareWithPeers: 'yes' }, 400, 'shareWithPeers'],
      [{ name: 'X', extra: 1 }, 400, 'extra'],
      [{ name: 'ceo' }, 409, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const response = await t.request('POST', '/api/v1/roles', { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.data.error), JSON.stringify(body)).toContain(field);
    }
    expect(await rolesOf(admin.orgId)).toEqual(before);
    expect(await auditOf(admin.orgId, 'role.created')).toHaveLength(0);
  });

  it('is for administrators only', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin);
    const response = await t.request('POST', '/api/v1/roles', { as: standard, body: { name: 'Sneaky' } });
    expect(response.statusCode).toBe(403);
    expect(await rolesOf(admin.orgId)).toHaveLength(1);
  });
});

describe('PATCH /roles/{id}', () => {
  it('renames, moves and toggles peer sharing, auditing only what changed', async () => {
    const admin = await t.make.org();
    const ceo = await topRole(admin);
    const sales = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Sales', parentId: ceo } })).data;
    const emea = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'EMEA', parentId: ceo } })).data;
    const updated = await t.request('PATCH', `/api/v1/roles/${sales.id}`, {
      as: admin,
      body: { name: 'Sales EMEA', parentId: emea.id, shareWithPeers: false },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.data).toMatchObject({ name: 'Sales EMEA', parentId: emea.id, shareWithPeers: false });
    const [entry] = await auditOf(admin.orgId, 'role.updated');
    expect(entry!.before).toEqual({ name: 'Sales', parentId: ceo });
    expect(entry!.after).toEqual({ name: 'Sales EMEA', parentId: emea.id });
    // Making a role top-level.
    expect((await t.request('PATCH', `/api/v1/roles/${sales.id}`, { as: admin, body: { parentId: null } })).data.parentId).toBeNull();
  });

  it('refuses cycles (itself, a child, a grandchild) with 400 on parentId, changing nothing', async () => {
    const admin = await t.make.org();
    const ceo = await topRole(admin);
    const a = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'A', parentId: ceo } })).data;
    const b = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'B', parentId: a.id } })).data;
    const c = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'C', parentId: b.id } })).data;
    const before = await rolesOf(admin.orgId);
    for (const parentId of [a.id, b.id, c.id]) {
      const response = await t.request('PATCH', `/api/v1/roles/${a.id}`, { as: admin, body: { parentId, name: 'A2' } });
      expect(response.statusCode).toBe(400);
      expect(response.data.error.details.field).toBe('parentId');
    }
    expect(await rolesOf(admin.orgId)).toEqual(before);
    expect((await t.request('PATCH', `/api/v1/roles/${a.id}`, { as: admin, body: {} })).statusCode).toBe(400);
    expect((await t.request('PATCH', `/api/v1/roles/${a.id}`, { as: admin, body: { name: 'b' } })).statusCode).toBe(409);
  });

  it('answers 403 to a standard user and 404 for another organization’s role', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const ceo = await topRole(admin);
    expect((await t.request('PATCH', `/api/v1/roles/${ceo}`, { as: standard, body: { name: 'Boss' } })).statusCode).toBe(403);
    expect((await t.request('PATCH', `/api/v1/roles/${ceo}`, { as: other, body: { name: 'Boss' } })).statusCode).toBe(404);
    expect((await rolesOf(admin.orgId))[0]!.name).toBe('CEO');
  });
});

describe('DELETE /roles/{id}', () => {
  it('deletes an unused role and audits it', async () => {
    const admin = await t.make.org();
    const ceo = await topRole(admin);
    const temp = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Temp', parentId: ceo } })).data;
    expect((await t.request('DELETE', `/api/v1/roles/${temp.id}`, { as: admin })).statusCode).toBe(204);
    expect(await rolesOf(admin.orgId)).toHaveLength(1);
    expect((await auditOf(admin.orgId, 'role.deleted'))[0]!.before).toEqual({ name: 'Temp', parentId: ceo, shareWithPeers: false });
  });

  it('answers 409 for a role with users or child roles, and with transferTo moves them first', async () => {
    const admin = await t.make.org();
    const ceo = await topRole(admin);
    const sales = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Sales', parentId: ceo } })).data;
    const reps = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Reps', parentId: sales.id } })).data;
    const member = await t.make.user(admin, { roleId: sales.id });

    const inUse = await t.request('DELETE', `/api/v1/roles/${sales.id}`, { as: admin });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.data.error.details).toMatchObject({ reason: 'in_use', users: 1, childRoles: 1 });
    expect(inUse.data.error.message).toContain('transferTo');

    // transferTo must be another role of the organization, outside the deleted branch.
    for (const transferTo of [sales.id, reps.id, '0190b3b4-0000-7000-8000-000000000000']) {
      const bad = await t.request('DELETE', `/api/v1/roles/${sales.id}?transferTo=${transferTo}`, { as: admin });
      expect(bad.statusCode).toBe(400);
      expect(bad.data.error.details.field).toBe('transferTo');
    }
    expect(await rolesOf(admin.orgId)).toHaveLength(3);

    const moved = await t.request('DELETE', `/api/v1/roles/${sales.id}?transferTo=${ceo}`, { as: admin });
    expect(moved.statusCode).toBe(204);
    const roles = await rolesOf(admin.orgId);
    expect(roles.map((r) => r.name)).toEqual(['CEO', 'Reps']);
    expect(roles.find((r) => r.name === 'Reps')!.parent_id).toBe(ceo);
    const user = await t.database.db
      .selectFrom('platform.users')
      .select('role_id')
      .where('id', '=', member.userId)
      .executeTakeFirstOrThrow();
    expect(user.role_id).toBe(ceo);
    expect((await auditOf(admin.orgId, 'role.deleted'))[0]!.after).toEqual({ transferTo: ceo, moved: { users: 1, childRoles: 1 } });
  });

  it('lets go of spent invitations (accepted, revoked, expired) but never of a pending one, which keeps the role in use', async () => {
    const admin = await t.make.org();
    const role = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Invited' } })).data;
    const day = 86_400_000;
    const states = {
      pending: {},
      accepted: { accepted_at: new Date(Date.now() - day) },
      revoked: { revoked_at: new Date(Date.now() - day) },
      expired: { expires_at: new Date(Date.now() - day) },
    };
    const ids: Record<string, string> = {};
    for (const [state, columns] of Object.entries(states)) {
      ids[state] = newId();
      await t.database.db
        .insertInto('platform.invitations')
        .values({
          id: ids[state]!,
          org_id: admin.orgId,
          email: `${state}-${ids[state]}@example.test`,
          name: state,
          role_id: role.id,
          profile_id: null,
          invited_by: admin.userId,
          expires_at: new Date(Date.now() + day),
          ...columns,
        })
        .execute();
    }
    const roleOf = async (id: string) =>
      (await t.database.db.selectFrom('platform.invitations').select('role_id').where('id', '=', id).executeTakeFirstOrThrow()).role_id;

    const inUse = await t.request('DELETE', `/api/v1/roles/${role.id}`, { as: admin });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.data.error.details).toMatchObject({ reason: 'in_use', pendingInvitations: 1 });
    // The repository function itself never touches the pending invitation (a delete racing an invitation must not strip it).
    await t.database.transaction('test-detach', (trx) => detachSpentInvitations(trx, admin.orgId, 'role_id', role.id, new Date()));
    expect(await roleOf(ids.pending!)).toBe(role.id);
    for (const state of ['accepted', 'revoked', 'expired']) expect(await roleOf(ids[state]!), state).toBeNull();

    await t.database.db.updateTable('platform.invitations').set({ revoked_at: new Date() }).where('id', '=', ids.pending!).execute();
    expect((await t.request('DELETE', `/api/v1/roles/${role.id}`, { as: admin })).statusCode).toBe(204);
    expect(await roleOf(ids.pending!)).toBeNull();
  });

  it('answers 409 in_use, never a 500, when a row the checks do not count still refers to the role', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const role = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Referred' } })).data;
    // A reference no API call can make (an invitation of another organization): the foreign key is the last word.
    await t.database.db
      .insertInto('platform.invitations')
      .values({
        id: newId(),
        org_id: other.orgId,
        email: `stray-${newId()}@example.test`,
        name: 'Stray',
        role_id: role.id,
        profile_id: null,
        invited_by: other.userId,
        expires_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    const response = await t.request('DELETE', `/api/v1/roles/${role.id}`, { as: admin });
    expect(response.statusCode).toBe(409);
    expect(response.data.error).toMatchObject({ code: 'conflict', details: { reason: 'in_use' } });
    expect((await rolesOf(admin.orgId)).map((r) => r.id)).toContain(role.id);
  });

  it('answers 403 to a standard user and 404 for another organization’s role', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const temp = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Temp' } })).data;
    expect((await t.request('DELETE', `/api/v1/roles/${temp.id}`, { as: standard })).statusCode).toBe(403);
    expect((await t.request('DELETE', `/api/v1/roles/${temp.id}`, { as: other })).statusCode).toBe(404);
    const foreignTransfer = await t.request('DELETE', `/api/v1/roles/${temp.id}?transferTo=${await topRole(other)}`, { as: admin });
    expect(foreignTransfer.statusCode).toBe(400);
    expect(await rolesOf(admin.orgId)).toHaveLength(2);
  });
});
