import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const groupsOf = (orgId: string) =>
  t.database.db
    .selectFrom('platform.groups')
    .select(['id', 'name', 'description', 'share_records'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
const membersOf = (groupId: string) =>
  t.database.db
    .selectFrom('platform.group_members')
    .select(['member_type', 'member_id'])
    .where('group_id', '=', groupId)
    .orderBy('member_type')
    .orderBy('member_id')
    .execute();
const auditOf = (orgId: string, action: string) =>
  t.database.db.selectFrom('platform.audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', action).execute();

async function topRole(admin: TestUser): Promise<string> {
  return (await t.request('GET', '/api/v1/roles', { as: admin })).data.data[0].id;
}

describe('POST /groups and GET /groups', () => {
  it('creates a group of users, roles and groups, shows members with names, and audits it', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin, { name: 'Sam Standard' });
    const ceo = await topRole(admin);
    const inner = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Inner' } })).data;
    const created = await t.request('POST', '/api/v1/groups', {
      as: admin,
      body: {
        name: 'Key accounts',
        description: 'People on key accounts',
        shareRecords: 'read',
        members: [
          { type: 'user', id: standard.userId },
          { type: 'role', id: ceo },
          { type: 'group', id: inner.id },
          { type: 'user', id: standard.userId },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({ name: 'Key accounts', description: 'People on key accounts', shareRecords: 'read' });
    expect(created.data.members).toEqual(
      expect.arrayContaining([
        { type: 'user', id: standard.userId, name: 'Sam Standard' },
        { type: 'role', id: ceo, name: 'CEO' },
        { type: 'group', id: inner.id, name: 'Inner' },
      ]),
    );
    expect(created.data.members).toHaveLength(3);
    expect(inner.shareRecords).toBe('none');
    const [entry] = (await auditOf(admin.orgId, 'group.created')).filter((e) => e.target_id === created.data.id);
    expect((entry!.after as { members: unknown[] }).members).toHaveLength(3);

    // Any signed-in user reads groups (pickers); another organization's group is invisible.
    const other = await t.make.org();
    const list = await t.request('GET', '/api/v1/groups', { as: standard });
    expect(list.data.data.map((g: { name: string }) => g.name)).toEqual(['Inner', 'Key accounts']);
    expect((await t.request('GET', `/api/v1/groups/${created.data.id}`, { as: standard })).data.members).toHaveLength(3);
    expect((await t.request('GET', `/api/v1/groups/${created.data.id}`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/groups', { as: other })).data.data).toEqual([]);
  });

  it('refuses members of another organization or that do not exist with 400 naming the member, writing nothing', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const foreignUser = await t.make.user(other);
    const foreignGroup = (await t.request('POST', '/api/v1/groups', { as: other, body: { name: 'Theirs' } })).data;
    const mine = await t.make.user(admin);
    const cases: Array<[unknown, string]> = [
      [
        [
          { type: 'user', id: mine.userId },
          { type: 'user', id: foreignUser.userId },
        ],
        'members.1.id',
      ],
      [[{ type: 'role', id: await topRole(other) }], 'members.0.id'],
      [[{ type: 'group', id: foreignGroup.id }], 'members.0.id'],
      // A user's id given as a role is not a role.
      [[{ type: 'role', id: mine.userId }], 'members.0.id'],
      [[{ type: 'team', id: mine.userId }], 'members.0.type'],
      [[{ type: 'user', id: 'nope' }], 'members.0.id'],
    ];
    for (const [members, field] of cases) {
      const response = await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Mixed', members } });
      expect(response.statusCode, JSON.stringify(members)).toBe(400);
      expect(JSON.stringify(response.data.error)).toContain(field);
    }
    expect((await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'X', shareRecords: 'all' } })).statusCode).toBe(400);
    expect((await t.request('POST', '/api/v1/groups', { as: admin, body: { name: ' ' } })).statusCode).toBe(400);
    expect(await groupsOf(admin.orgId)).toEqual([]);
    await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Sales' } });
    expect((await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'SALES' } })).statusCode).toBe(409);
    expect(await groupsOf(admin.orgId)).toHaveLength(1);
  });

  it('is for administrators only', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin);
    expect((await t.request('POST', '/api/v1/groups', { as: standard, body: { name: 'Mine' } })).statusCode).toBe(403);
    expect(await groupsOf(admin.orgId)).toEqual([]);
  });
});

describe('PATCH /groups/{id}', () => {
  it('replaces members and settings, auditing the changed keys', async () => {
    const admin = await t.make.org();
    const a = await t.make.user(admin);
    const b = await t.make.user(admin);
    const group = (
      await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Team', members: [{ type: 'user', id: a.userId }] } })
    ).data;
    const updated = await t.request('PATCH', `/api/v1/groups/${group.id}`, {
      as: admin,
      body: { members: [{ type: 'user', id: b.userId }], shareRecords: 'read_write' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.data.members.map((m: { id: string }) => m.id)).toEqual([b.userId]);
    expect(updated.data.shareRecords).toBe('read_write');
    const [entry] = await auditOf(admin.orgId, 'group.updated');
    expect(entry!.before).toEqual({ shareRecords: 'none', members: [{ type: 'user', id: a.userId }] });
    expect(entry!.after).toEqual({ shareRecords: 'read_write', members: [{ type: 'user', id: b.userId }] });
  });

  it('refuses a group that would contain itself, directly or through other groups (400 naming the member)', async () => {
    const admin = await t.make.org();
    const c = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'C' } })).data;
    const b = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'B', members: [{ type: 'group', id: c.id }] } })).data;
    const a = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'A', members: [{ type: 'group', id: b.id }] } })).data;
    for (const [target, member] of [
      [a.id, a.id],
      [c.id, a.id],
      [c.id, b.id],
      [b.id, a.id],
    ] as const) {
      const response = await t.request('PATCH', `/api/v1/groups/${target}`, {
        as: admin,
        body: { members: [{ type: 'group', id: member }], name: 'Renamed' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.data.error.details.field).toBe('members.0.id');
    }
    expect((await membersOf(c.id)).length).toBe(0);
    expect((await groupsOf(admin.orgId)).map((g) => g.name)).toEqual(['A', 'B', 'C']);
    // A sibling is fine.
    const d = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'D' } })).data;
    expect(
      (await t.request('PATCH', `/api/v1/groups/${c.id}`, { as: admin, body: { members: [{ type: 'group', id: d.id }] } })).statusCode,
    ).toBe(200);
  });

  it('answers 403 to a standard user and 404 for another organization’s group', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const group = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Team' } })).data;
    expect((await t.request('PATCH', `/api/v1/groups/${group.id}`, { as: standard, body: { name: 'Mine' } })).statusCode).toBe(403);
    expect((await t.request('PATCH', `/api/v1/groups/${group.id}`, { as: other, body: { name: 'Mine' } })).statusCode).toBe(404);
    expect((await groupsOf(admin.orgId))[0]!.name).toBe('Team');
  });
});

describe('DELETE /groups/{id}', () => {
  it('deletes a group and its membership in other groups', async () => {
    const admin = await t.make.org();
    const inner = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Inner' } })).data;
    const outer = (
      await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Outer', members: [{ type: 'group', id: inner.id }] } })
    ).data;
    expect((await t.request('DELETE', `/api/v1/groups/${inner.id}`, { as: admin })).statusCode).toBe(204);
    expect(await membersOf(outer.id)).toEqual([]);
    expect((await auditOf(admin.orgId, 'group.deleted'))[0]!.before).toMatchObject({ name: 'Inner' });
  });

  it('answers 403 to a standard user and 404 for another organization’s group', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    const group = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Team' } })).data;
    expect((await t.request('DELETE', `/api/v1/groups/${group.id}`, { as: standard })).statusCode).toBe(403);
    expect((await t.request('DELETE', `/api/v1/groups/${group.id}`, { as: other })).statusCode).toBe(404);
    expect(await groupsOf(admin.orgId)).toHaveLength(1);
  });
});
