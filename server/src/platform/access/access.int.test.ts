import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { toAuthContext } from '../auth/session.service.js';
import { isOwnerInScope, visibleOwnerScope, type RecordScope } from './access.service.js';

/**
 * The record-visibility matrix on a real database: sharing default ×
 * owner / manager / peer / stranger / other organization, plus peers, groups
 * and administrators. Records do not exist yet: "can read rep1's records"
 * means rep1 is inside the scope a record query would filter on.
 */
let t: TestContext;
let admin: TestUser;
let otherAdmin: TestUser;
let outsider: TestUser;
const role: Record<string, string> = {};
const user: Record<string, TestUser> = {};

async function scopeOf(viewer: TestUser, module = 'deals'): Promise<RecordScope> {
  const auth = await toAuthContext(t.database.db, viewer.userId, 'token');
  return visibleOwnerScope(t.database.db, auth!, module);
}

async function reach(viewer: TestUser, owner: TestUser, module = 'deals'): Promise<[boolean, boolean]> {
  const scope = await scopeOf(viewer, module);
  return [isOwnerInScope(scope.read, owner.userId), isOwnerInScope(scope.write, owner.userId)];
}

async function api(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, as = admin) {
  const response = await t.request(method, url, { as, body });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.data;
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  otherAdmin = await t.make.org();
  outsider = await t.make.user(otherAdmin);
  const roles = (await t.request('GET', '/api/v1/roles', { as: admin })).data.data as Array<{ id: string; name: string }>;
  role.ceo = roles.find((r) => r.name === 'CEO')!.id;
  role.manager = (await api('POST', '/api/v1/roles', { name: 'Sales manager', parentId: role.ceo })).id;
  role.rep = (await api('POST', '/api/v1/roles', { name: 'Sales rep', parentId: role.manager })).id;
  role.other = (await api('POST', '/api/v1/roles', { name: 'Support', parentId: role.ceo })).id;
  user.ceo = await t.make.user(admin, { name: 'Cleo CEO', roleId: role.ceo });
  user.manager = await t.make.user(admin, { name: 'Mario Manager', roleId: role.manager });
  user.rep1 = await t.make.user(admin, { name: 'Rita Rep', roleId: role.rep });
  user.rep2 = await t.make.user(admin, { name: 'Pablo Peer', roleId: role.rep });
  user.stranger = await t.make.user(admin, { name: 'Sara Support', roleId: role.other });
  user.roleless = await t.make.user(admin, { name: 'Nora Norole', roleId: null });
});
afterAll(() => t.close());

describe('record scope matrix (owner = a sales rep)', () => {
  // [read, write] on the rep's records.
  const matrix = {
    private: {
      owner: [true, true],
      manager: [true, true],
      topManager: [true, true],
      peer: [false, false],
      stranger: [false, false],
      otherOrg: [false, false],
    },
    public_read: {
      owner: [true, true],
      manager: [true, true],
      topManager: [true, true],
      peer: [true, false],
      stranger: [true, false],
      otherOrg: [false, false],
    },
    public_read_write: {
      owner: [true, true],
      manager: [true, true],
      topManager: [true, true],
      peer: [true, true],
      stranger: [true, true],
      otherOrg: [false, false],
    },
  } as const;

  for (const [sharing, expected] of Object.entries(matrix)) {
    it(`${sharing}`, async () => {
      await api('PUT', '/api/v1/sharing/deals', { access: sharing });
      const actual = {
        owner: await reach(user.rep1!, user.rep1!),
        manager: await reach(user.manager!, user.rep1!),
        topManager: await reach(user.ceo!, user.rep1!),
        peer: await reach(user.rep2!, user.rep1!),
        stranger: await reach(user.stranger!, user.rep1!),
        otherOrg: await reach(outsider, user.rep1!),
      };
      expect(actual).toEqual(expected);
      // Another organization's scope is about its own schema and its own sharing default.
      const foreign = await scopeOf(outsider);
      expect(foreign.orgId).toBe(otherAdmin.orgId);
      expect(foreign.sharing).toBe('private');
      expect(foreign.read).toEqual({ all: false, ownerIds: [outsider.userId] });
    });
  }

  it('a subordinate never reaches a manager’s records, nor a manager a sibling branch', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    expect(await reach(user.rep1!, user.manager!)).toEqual([false, false]);
    expect(await reach(user.manager!, user.stranger!)).toEqual([false, false]);
    expect(await reach(user.ceo!, user.stranger!)).toEqual([true, true]);
    const managerScope = await scopeOf(user.manager!);
    expect(managerScope.read).toEqual({ all: false, ownerIds: [user.manager!.userId, user.rep1!.userId, user.rep2!.userId].sort() });
  });

  it('a user without a role reaches only their own records', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    expect((await scopeOf(user.roleless!)).read).toEqual({ all: false, ownerIds: [user.roleless!.userId] });
  });

  it('each module has its own default; one without a row is private', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'public_read_write' });
    expect((await scopeOf(user.stranger!, 'deals')).read).toEqual({ all: true });
    expect((await scopeOf(user.stranger!, 'contacts')).sharing).toBe('private');
    expect(await reach(user.stranger!, user.rep1!, 'contacts')).toEqual([false, false]);
  });

  it('administrators reach every record of their own organization only', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    expect(await scopeOf(admin)).toMatchObject({ orgId: admin.orgId, read: { all: true }, write: { all: true } });
    expect(await scopeOf(otherAdmin)).toMatchObject({ orgId: otherAdmin.orgId, read: { all: true } });
  });
});

describe('peers and groups', () => {
  it('peers reach each other’s records only while their role shares with peers', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    expect(await reach(user.rep2!, user.rep1!)).toEqual([false, false]);
    await api('PATCH', `/api/v1/roles/${role.rep}`, { shareWithPeers: true });
    expect(await reach(user.rep2!, user.rep1!)).toEqual([true, true]);
    expect(await reach(user.rep1!, user.rep2!)).toEqual([true, true]);
    // Sharing with peers does not reach up or sideways.
    expect(await reach(user.rep1!, user.manager!)).toEqual([false, false]);
    await api('PATCH', `/api/v1/roles/${role.rep}`, { shareWithPeers: false });
    expect(await reach(user.rep2!, user.rep1!)).toEqual([false, false]);
  });

  it('a group shares its members’ records at its level (read, read_write, none); a role member brings its users', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    const group = await api('POST', '/api/v1/groups', {
      name: 'Deal desk',
      shareRecords: 'read',
      members: [
        { type: 'user', id: user.stranger!.userId },
        { type: 'role', id: role.rep },
      ],
    });
    expect(await reach(user.stranger!, user.rep1!)).toEqual([true, false]);
    expect(await reach(user.rep1!, user.stranger!)).toEqual([true, false]);
    // Members reach each other, not the rest of the organization.
    expect(await reach(user.stranger!, user.manager!)).toEqual([false, false]);
    await api('PATCH', `/api/v1/groups/${group.id}`, { shareRecords: 'read_write' });
    expect(await reach(user.stranger!, user.rep1!)).toEqual([true, true]);
    await api('PATCH', `/api/v1/groups/${group.id}`, { shareRecords: 'none' });
    expect(await reach(user.stranger!, user.rep1!)).toEqual([false, false]);
    await api('DELETE', `/api/v1/groups/${group.id}`);
  });

  it('nested groups: members of an inner group reach the outer group’s members', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'private' });
    const inner = await api('POST', '/api/v1/groups', { name: 'Inner', members: [{ type: 'user', id: user.stranger!.userId }] });
    const outer = await api('POST', '/api/v1/groups', {
      name: 'Outer',
      shareRecords: 'read_write',
      members: [
        { type: 'group', id: inner.id },
        { type: 'user', id: user.roleless!.userId },
      ],
    });
    expect(await reach(user.stranger!, user.roleless!)).toEqual([true, true]);
    expect(await reach(user.roleless!, user.stranger!)).toEqual([true, true]);
    // The inner group itself shares nothing: only the outer one does.
    expect(await reach(user.stranger!, user.rep1!)).toEqual([false, false]);
    await api('DELETE', `/api/v1/groups/${outer.id}`);
    expect(await reach(user.stranger!, user.roleless!)).toEqual([false, false]);
    await api('DELETE', `/api/v1/groups/${inner.id}`);
  });

  it('public_read with a read_write group: everyone reads, the group members also write', async () => {
    await api('PUT', '/api/v1/sharing/deals', { access: 'public_read' });
    const group = await api('POST', '/api/v1/groups', {
      name: 'Writers',
      shareRecords: 'read_write',
      members: [
        { type: 'user', id: user.stranger!.userId },
        { type: 'user', id: user.rep1!.userId },
      ],
    });
    expect(await reach(user.stranger!, user.rep1!)).toEqual([true, true]);
    expect(await reach(user.rep2!, user.rep1!)).toEqual([true, false]);
    await api('DELETE', `/api/v1/groups/${group.id}`);
  });
});
