import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const rulesOf = (orgId: string) =>
  t.database.db.selectFrom('platform.sharing_rules').select(['module', 'name', 'access']).where('org_id', '=', orgId).execute();

async function setup() {
  const admin = await t.make.org();
  const roles = (await t.request('GET', '/api/v1/roles', { as: admin })).data.data as Array<{ id: string; name: string }>;
  const ceo = roles.find((r) => r.name === 'CEO')!.id;
  const sales = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Sales', parentId: ceo } })).data.id as string;
  const support = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Support', parentId: ceo } })).data.id as string;
  const group = (await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Marketing' } })).data.id as string;
  return { admin, sales, support, group };
}

const audits = (admin: TestUser) =>
  t.database.db
    .selectFrom('platform.audit_log')
    .select(['action', 'before', 'after'])
    .where('org_id', '=', admin.orgId)
    .where('action', 'like', 'sharing_rule.%')
    .orderBy('created_at')
    .orderBy('id')
    .execute();

describe('sharing rules API', () => {
  it('creates, lists, changes and deletes a rule, auditing each change', async () => {
    const { admin, sales, support, group } = await setup();
    const body = {
      module: 'deals',
      name: 'Sales deals to support',
      sourceType: 'role_and_subordinates',
      sourceId: sales,
      targetType: 'role',
      targetId: support,
      access: 'read',
    };
    const created = await t.request('POST', '/api/v1/sharing-rules', { as: admin, body });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data).toMatchObject({ ...body, sourceName: 'Sales', targetName: 'Support' });
    const list = await t.request('GET', '/api/v1/sharing-rules', { as: admin });
    expect(list.data.data).toEqual([created.data]);

    const patched = await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, {
      as: admin,
      body: { access: 'read_write', targetType: 'group', targetId: group },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.data).toMatchObject({ access: 'read_write', targetType: 'group', targetId: group, targetName: 'Marketing' });
    // The same values again change nothing and write no audit entry.
    expect(
      (await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, { as: admin, body: { access: 'read_write' } })).statusCode,
    ).toBe(200);

    expect((await t.request('DELETE', `/api/v1/sharing-rules/${created.data.id}`, { as: admin })).statusCode).toBe(204);
    expect(await rulesOf(admin.orgId)).toEqual([]);
    expect((await t.request('DELETE', `/api/v1/sharing-rules/${created.data.id}`, { as: admin })).statusCode).toBe(404);
    expect(await audits(admin)).toEqual([
      { action: 'sharing_rule.created', before: null, after: expect.objectContaining({ access: 'read', targetId: support }) },
      {
        action: 'sharing_rule.updated',
        before: { access: 'read', targetType: 'role', targetId: support },
        after: { access: 'read_write', targetType: 'group', targetId: group },
      },
      { action: 'sharing_rule.deleted', before: expect.objectContaining({ access: 'read_write' }), after: null },
    ]);
  });

  it('refuses unknown modules, roles and groups and bad bodies with 400 naming the field, writing nothing', async () => {
    const { admin, sales, support, group } = await setup();
    const other = await setup();
    const good = { module: 'deals', name: 'R', sourceType: 'role', sourceId: sales, targetType: 'role', targetId: support, access: 'read' };
    for (const [change, field] of [
      [{ module: 'nothing_here' }, 'module'],
      [{ module: 'Deals' }, 'module'],
      [{ sourceId: group }, 'sourceId'], // a group id given as a role
      [{ targetType: 'group', targetId: support }, 'targetId'],
      [{ sourceId: other.sales }, 'sourceId'], // another organization's role
      [{ targetType: 'group', targetId: other.group }, 'targetId'],
      [{ targetId: sales }, 'targetId'], // a role shared with itself
      [{ access: 'write' }, 'access'],
      [{ sourceType: 'user' }, 'sourceType'],
      [{ name: '  ' }, 'name'],
      [{ extra: 1 }, 'extra'],
    ] as const) {
      const response = await t.request('POST', '/api/v1/sharing-rules', { as: admin, body: { ...good, ...change } });
      expect(response.statusCode, JSON.stringify(change)).toBe(400);
      expect(JSON.stringify(response.data.error), JSON.stringify(change)).toContain(field);
    }
    const created = await t.request('POST', '/api/v1/sharing-rules', { as: admin, body: good });
    const bad = await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, { as: admin, body: { targetId: other.support } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('targetId');
    expect((await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, { as: admin, body: {} })).statusCode).toBe(400);
    expect(await rulesOf(admin.orgId)).toEqual([{ module: 'deals', name: 'R', access: 'read' }]);
    expect((await audits(admin)).map((a) => a.action)).toEqual(['sharing_rule.created']);
  });

  it('is for administrators only; another organization’s rules are invisible (404)', async () => {
    const { admin, sales, support } = await setup();
    const other = await setup();
    const standard = await t.make.user(admin);
    const body = { module: 'deals', name: 'R', sourceType: 'role', sourceId: sales, targetType: 'role', targetId: support, access: 'read' };
    expect((await t.request('POST', '/api/v1/sharing-rules', { as: standard, body })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/sharing-rules', { as: standard })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/sharing-rules')).statusCode).toBe(401);
    const created = await t.request('POST', '/api/v1/sharing-rules', { as: admin, body });
    expect(
      (await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, { as: standard, body: { access: 'read_write' } })).statusCode,
    ).toBe(403);
    expect((await t.request('DELETE', `/api/v1/sharing-rules/${created.data.id}`, { as: standard })).statusCode).toBe(403);
    expect(
      (await t.request('PATCH', `/api/v1/sharing-rules/${created.data.id}`, { as: other.admin, body: { access: 'read_write' } }))
        .statusCode,
    ).toBe(404);
    expect((await t.request('DELETE', `/api/v1/sharing-rules/${created.data.id}`, { as: other.admin })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/sharing-rules', { as: other.admin })).data.data).toEqual([]);
    expect(await rulesOf(admin.orgId)).toEqual([{ module: 'deals', name: 'R', access: 'read' }]);
  });

  it('goes away with the role or group it names', async () => {
    const { admin, sales, support, group } = await setup();
    const base = { module: 'deals', name: 'R', access: 'read' };
    await t.request('POST', '/api/v1/sharing-rules', {
      as: admin,
      body: { ...base, sourceType: 'role', sourceId: sales, targetType: 'group', targetId: group },
    });
    await t.request('POST', '/api/v1/sharing-rules', {
      as: admin,
      body: { ...base, name: 'S', sourceType: 'role', sourceId: sales, targetType: 'role', targetId: support },
    });
    expect((await t.request('DELETE', `/api/v1/groups/${group}`, { as: admin })).statusCode).toBe(204);
    expect((await rulesOf(admin.orgId)).map((r) => r.name)).toEqual(['S']);
    expect((await t.request('DELETE', `/api/v1/roles/${support}`, { as: admin })).statusCode).toBe(204);
    expect(await rulesOf(admin.orgId)).toEqual([]);
  });
});
