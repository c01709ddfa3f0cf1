import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const sharingOf = (orgId: string) =>
  t.database.db
    .selectFrom('platform.sharing_defaults')
    .select(['module', 'access'])
    .where('org_id', '=', orgId)
    .orderBy('module')
    .execute();

describe('GET /sharing and PUT /sharing/{module}', () => {
  it('starts empty (every module private), sets a default per module and audits the change', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin);
    expect((await t.request('GET', '/api/v1/sharing', { as: standard })).data).toEqual({ data: [], defaultAccess: 'private' });
    const put = await t.request('PUT', '/api/v1/sharing/deals', { as: admin, body: { access: 'public_read' } });
    expect(put.statusCode).toBe(200);
    expect(put.data).toEqual({ module: 'deals', access: 'public_read' });
    await t.request('PUT', '/api/v1/sharing/contacts', { as: admin, body: { access: 'private' } });
    await t.request('PUT', '/api/v1/sharing/deals', { as: admin, body: { access: 'public_read_write' } });
    expect((await t.request('GET', '/api/v1/sharing', { as: standard })).data.data).toEqual([
      { module: 'contacts', access: 'private' },
      { module: 'deals', access: 'public_read_write' },
    ]);
    const audit = await t.database.db
      .selectFrom('platform.audit_log')
      .select(['target_id', 'before', 'after'])
      .where('org_id', '=', admin.orgId)
      .where('action', '=', 'sharing.updated')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    // Setting contacts to private changed nothing: no entry.
    expect(audit).toEqual([
      { target_id: 'deals', before: { access: 'private' }, after: { access: 'public_read' } },
      { target_id: 'deals', before: { access: 'public_read' }, after: { access: 'public_read_write' } },
    ]);
  });

  it('refuses a bad module name or access with 400, writing nothing', async () => {
    const admin = await t.make.org();
    for (const [module, body, field] of [
      ['Deals', { access: 'private' }, 'module'],
      ['d', { access: 'private' }, 'module'],
      ['deals-2', { access: 'private' }, 'module'],
      ['deals', { access: 'everyone' }, 'access'],
      ['deals', {}, 'access'],
    ] as const) {
      const response = await t.request('PUT', `/api/v1/sharing/${module}`, { as: admin, body });
      expect(response.statusCode, module + JSON.stringify(body)).toBe(400);
      expect(response.data.error.message).toContain(field);
    }
    expect(await sharingOf(admin.orgId)).toEqual([]);
  });

  it('is for administrators only, and each organization has its own defaults', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    expect((await t.request('PUT', '/api/v1/sharing/deals', { as: standard, body: { access: 'public_read_write' } })).statusCode).toBe(403);
    expect(await sharingOf(admin.orgId)).toEqual([]);
    await t.request('PUT', '/api/v1/sharing/deals', { as: other, body: { access: 'public_read_write' } });
    expect((await t.request('GET', '/api/v1/sharing', { as: admin })).data.data).toEqual([]);
    expect((await t.request('GET', '/api/v1/sharing')).statusCode).toBe(401);
  });
});
