import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

/**
 * The permission matrix through the records API: profile module permissions,
 * field-level security, org-wide defaults, ownership, the role hierarchy,
 * peers, groups, sharing rules and organizations. Each row names a viewer, a
 * record owner and what the viewer must get.
 */
let t: TestContext;
let admin: TestUser;
let otherAdmin: TestUser;
const role: Record<string, string> = {};
const user: Record<string, TestUser> = {};

async function api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, as = admin) {
  const response = await t.request(method, url, { as, body });
  expect(response.statusCode, `${method} ${url} ${response.body}`).toBeLessThan(300);
  return response.data;
}

const allActions = { create: true, read: true, edit: true, delete: true, import: true, export: true };

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  otherAdmin = await t.make.org();
  const roles = (await api('GET', '/api/v1/roles')).data as Array<{ id: string; name: string }>;
  role.ceo = roles.find((r) => r.name === 'CEO')!.id;
  role.manager = (await api('POST', '/api/v1/roles', { name: 'Sales manager', parentId: role.ceo })).id;
  role.rep = (await api('POST', '/api/v1/roles', { name: 'Sales rep', parentId: role.manager })).id;
  role.peers = (await api('POST', '/api/v1/roles', { name: 'Field team', parentId: role.ceo, shareWithPeers: true })).id;
  role.auditors = (await api('POST', '/api/v1/roles', { name: 'Auditors', parentId: role.ceo })).id;
  role.ops = (await api('POST', '/api/v1/roles', { name: 'Operations', parentId: role.ceo })).id;
  role.support = (await api('POST', '/api/v1/roles', { name: 'Support', parentId: role.ceo })).id;
  user.ceo = await t.make.user(admin, { name: 'Cleo', roleId: role.ceo });
  user.manager = await t.make.user(admin, { name: 'Mario', roleId: role.manager });
  user.rep1 = await t.make.user(admin, { name: 'Rita', roleId: role.rep });
  user.rep2 = await t.make.user(admin, { name: 'Pablo', roleId: role.rep });
  user.peer1 = await t.make.user(admin, { name: 'Fina', roleId: role.peers });
  user.peer2 = await t.make.user(admin, { name: 'Fede', roleId: role.peers });
  user.member1 = await t.make.user(admin, { name: 'Gala', roleId: role.support });
  user.member2 = await t.make.user(admin, { name: 'Gus', roleId: role.support });
  user.auditor = await t.make.user(admin, { name: 'Aurora', roleId: role.auditors });
  user.opsUser = await t.make.user(admin, { name: 'Otto', roleId: role.ops });
  user.stranger = await t.make.user(admin, { name: 'Sara', roleId: role.support });
  // A group whose members read each other's records.
  await api('POST', '/api/v1/groups', {
    name: 'Readers',
    shareRecords: 'read',
    members: [
      { type: 'user', id: user.member1.userId },
      { type: 'user', id: user.member2.userId },
    ],
  });
  const ops = await api('POST', '/api/v1/groups', { name: 'Ops', members: [{ type: 'role', id: role.ops }] });
  // Sharing rules on accounts: the sales branch is read by auditors, the reps' records are edited by the Ops group.
  await api('POST', '/api/v1/sharing-rules', {
    module: 'accounts',
    name: 'Sales to auditors',
    sourceType: 'role_and_subordinates',
    sourceId: role.manager,
    targetType: 'role',
    targetId: role.auditors,
    access: 'read',
  });
  await api('POST', '/api/v1/sharing-rules', {
    module: 'accounts',
    name: 'Reps to ops',
    sourceType: 'role',
    sourceId: role.rep,
    targetType: 'group',
    targetId: ops.id,
    access: 'read_write',
  });
  // A rule on another module gives nothing on accounts.
  await api('POST', '/api/v1/sharing-rules', {
    module: 'contacts',
    name: 'Peers contacts to auditors',
    sourceType: 'role',
    sourceId: role.peers,
    targetType: 'role',
    targetId: role.auditors,
    access: 'read_write',
  });
});
afterAll(() => t.close());

async function accountOf(owner: TestUser, name = `Account of ${owner.userId}`): Promise<string> {
  return (await api('POST', '/api/v1/records/accounts?allowDuplicates=true', { name, owner_id: owner.userId })).data.id;
}

/** What the viewer gets on the record: GET status, whether the list shows it, PATCH and DELETE statuses (a deletion is undone). */
async function probe(viewer: TestUser, module: string, id: string) {
  const get = (await t.request('GET', `/api/v1/records/${module}/${id}`, { as: viewer })).statusCode;
  const list = await t.request('POST', `/api/v1/records/${module}/query`, {
    as: viewer,
    body: { filter: { field: 'id', op: 'eq', value: id } },
  });
  const listed = list.statusCode === 200 && list.data.data.some((r: { id: string }) => r.id === id);
  const patch = (await t.request('PATCH', `/api/v1/records/${module}/${id}`, { as: viewer, body: { description: `by ${viewer.userId}` } }))
    .statusCode;
  const del = (await t.request('DELETE', `/api/v1/records/${module}/${id}`, { as: viewer })).statusCode;
  if (del === 204) await api('POST', `/api/v1/records/${module}/${id}/restore`);
  return { get, listed, patch, del };
}

const READ_WRITE = { get: 200, listed: true, patch: 200, del: 204 };
const READ_ONLY = { get: 200, listed: true, patch: 403, del: 403 };
const NONE = { get: 404, listed: false, patch: 404, del: 404 };

describe('record sharing matrix (accounts)', () => {
  const rows: Array<{ rule: string; viewer: string; owner: string; sharing?: 'public_read' | 'public_read_write'; expected: object }> = [
    { rule: 'owner', viewer: 'rep1', owner: 'rep1', expected: READ_WRITE },
    { rule: 'private: a stranger', viewer: 'stranger', owner: 'rep1', expected: NONE },
    { rule: 'public_read: a stranger reads, cannot edit', viewer: 'stranger', owner: 'rep1', sharing: 'public_read', expected: READ_ONLY },
    { rule: 'public_read_write: a stranger edits', viewer: 'stranger', owner: 'rep1', sharing: 'public_read_write', expected: READ_WRITE },
    { rule: 'hierarchy: manager on subordinate', viewer: 'manager', owner: 'rep1', expected: READ_WRITE },
    { rule: 'hierarchy: top of the tree', viewer: 'ceo', owner: 'rep1', expected: READ_WRITE },
    { rule: 'hierarchy: never upwards', viewer: 'rep1', owner: 'manager', expected: NONE },
    { rule: 'same role without peer sharing', viewer: 'rep2', owner: 'rep1', expected: NONE },
    { rule: 'peers sharing', viewer: 'peer2', owner: 'peer1', expected: READ_WRITE },
    { rule: 'group shares read', viewer: 'member2', owner: 'member1', expected: READ_ONLY },
    { rule: 'group: outside it', viewer: 'stranger', owner: 'member1', expected: NONE },
    { rule: 'sharing rule read (role and subordinates)', viewer: 'auditor', owner: 'rep1', expected: READ_ONLY },
    { rule: 'sharing rule read (the branch root)', viewer: 'auditor', owner: 'manager', expected: READ_ONLY },
    { rule: 'sharing rule read_write (to a group)', viewer: 'opsUser', owner: 'rep1', expected: READ_WRITE },
    { rule: 'sharing rule: only its source', viewer: 'opsUser', owner: 'manager', expected: NONE },
    { rule: 'sharing rule: only its module', viewer: 'auditor', owner: 'peer1', expected: NONE },
  ];

  it.each(rows)('$rule ($viewer on $owner’s record)', async ({ viewer, owner, sharing, expected }) => {
    const id = await accountOf(user[owner]!);
    if (sharing) await api('PUT', '/api/v1/sharing/accounts', { access: sharing });
    try {
      expect(await probe(user[viewer]!, 'accounts', id)).toEqual(expected);
    } finally {
      if (sharing) await api('PUT', '/api/v1/sharing/accounts', { access: 'private' });
    }
  });

  it('a sharing rule applies to its own module: the auditors edit the field team’s contacts', async () => {
    const contact = (await api('POST', '/api/v1/records/contacts', { last_name: 'Field', owner_id: user.peer1!.userId })).data.id;
    expect(await probe(user.auditor!, 'contacts', contact)).toEqual(READ_WRITE);
  });

  it('another organization’s administrator sees nothing (404)', async () => {
    const id = await accountOf(user.rep1!);
    expect(await probe(otherAdmin, 'accounts', id)).toEqual(NONE);
  });
});

describe('profile permissions', () => {
  it('each module action the profile refuses is a 403', async () => {
    const id = await accountOf(admin);
    const cases: Array<{ allowed: Partial<typeof allActions>; refused: string[] }> = [
      { allowed: {}, refused: ['create', 'read', 'list', 'edit', 'delete'] },
      { allowed: { read: true }, refused: ['create', 'edit', 'delete'] },
      { allowed: { read: true, create: true }, refused: ['edit', 'delete'] },
      { allowed: { read: true, edit: true }, refused: ['create', 'delete'] },
      { allowed: { read: true, delete: true }, refused: ['create', 'edit'] },
    ];
    for (const [index, { allowed, refused }] of cases.entries()) {
      const modules = { '*': allActions, accounts: { ...Object.fromEntries(Object.keys(allActions).map((a) => [a, false])), ...allowed } };
      const profile = await api('POST', '/api/v1/profiles', { name: `Limited ${index}`, modules });
      const viewer = await t.make.user(admin, { profileId: profile.id, roleId: role.ceo });
      await api('PUT', '/api/v1/sharing/accounts', { access: 'public_read_write' });
      const status = {
        create: (await t.request('POST', '/api/v1/records/accounts', { as: viewer, body: { name: 'New' } })).statusCode,
        read: (await t.request('GET', `/api/v1/records/accounts/${id}`, { as: viewer })).statusCode,
        list: (await t.request('GET', '/api/v1/records/accounts', { as: viewer })).statusCode,
        edit: (await t.request('PATCH', `/api/v1/records/accounts/${id}`, { as: viewer, body: { description: 'changed' } })).statusCode,
        delete: (await t.request('DELETE', `/api/v1/records/accounts/${id}`, { as: viewer })).statusCode,
      };
      await api('PUT', '/api/v1/sharing/accounts', { access: 'private' });
      if (status.delete === 204) await api('POST', `/api/v1/records/accounts/${id}/restore`);
      for (const [action, code] of Object.entries(status)) {
        expect(code, `${JSON.stringify(allowed)} ${action}`).toBe(
          refused.includes(action) ? 403 : action === 'create' ? 201 : action === 'delete' ? 204 : 200,
        );
      }
    }
  });

  it('a hidden field is absent everywhere and unknown to filters and sort; a read-only field refuses writes', async () => {
    const profile = await api('POST', '/api/v1/profiles', {
      name: 'No phones',
      modules: { '*': allActions },
      fields: { accounts: { phone: 'hidden', website: 'read_only' } },
    });
    const viewer = await t.make.user(admin, { profileId: profile.id, roleId: role.ceo });
    const id = (
      await api('POST', '/api/v1/records/accounts', {
        name: 'Secretive',
        phone: '555',
        website: 'https://a.example',
        owner_id: viewer.userId,
      })
    ).data.id;
    await api('PATCH', `/api/v1/records/accounts/${id}`, { phone: '556', employees: 3 });

    const one = await t.request('GET', `/api/v1/records/accounts/${id}`, { as: viewer });
    expect(one.data.data).not.toHaveProperty('phone');
    expect(one.data.data.website).toBe('https://a.example');
    const list = await t.request('GET', '/api/v1/records/accounts', { as: viewer });
    expect(list.data.data.find((r: { id: string }) => r.id === id)).not.toHaveProperty('phone');
    const byPhone = await t.request('POST', '/api/v1/records/accounts/query', {
      as: viewer,
      body: { filter: { field: 'phone', op: 'eq', value: '556' } },
    });
    expect(byPhone.statusCode).toBe(400);
    const sorted = await t.request('POST', '/api/v1/records/accounts/query', {
      as: viewer,
      body: { sort: [{ field: 'phone', direction: 'asc' }] },
    });
    expect(sorted.statusCode).toBe(400);
    expect(sorted.data.error.details.field).toBe('sort[0].field');
    const timeline = await t.request('GET', `/api/v1/records/accounts/${id}/timeline`, { as: viewer });
    const changes = timeline.data.data.find((e: { kind: string }) => e.kind === 'updated').data.changes;
    expect(changes).toHaveProperty('employees');
    expect(changes).not.toHaveProperty('phone');
    const writeHidden = await t.request('PATCH', `/api/v1/records/accounts/${id}`, { as: viewer, body: { phone: '557' } });
    expect(writeHidden.statusCode).toBe(400);
    expect(writeHidden.data.error.details).toMatchObject({ field: 'phone', reason: 'unknown_field' });
    const writeReadOnly = await t.request('PATCH', `/api/v1/records/accounts/${id}`, {
      as: viewer,
      body: { website: 'https://b.example' },
    });
    expect(writeReadOnly.statusCode).toBe(400);
    expect(writeReadOnly.data.error.details).toMatchObject({ field: 'website', reason: 'read_only' });
    const stored = await api('GET', `/api/v1/records/accounts/${id}`);
    expect(stored.data).toMatchObject({ phone: '556', website: 'https://a.example' });
    // The administrator still sees every field.
    expect(stored.data).toHaveProperty('phone');
  });
});
