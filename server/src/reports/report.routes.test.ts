import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../test/test-app.js';
import { api, CLOSED, makeProfile, makeSalesOrg, WON, type SalesOrg } from './report.fixtures.js';

let t: TestContext;
let org: SalesOrg;
let builder: TestUser;

const SUMMARY = {
  module: 'deals',
  type: 'summary',
  groupBy: [{ field: 'owner_id' }],
  aggregates: [
    { key: 'won', fn: 'count', filter: WON },
    { key: 'closed', fn: 'count', filter: CLOSED },
  ],
  formulas: [{ key: 'win_rate', expression: 'won / closed' }],
  chart: { type: 'bar', value: 'win_rate' },
};

beforeAll(async () => {
  t = await createTestContext();
  org = await makeSalesOrg(t);
  const full = { create: true, read: true, edit: true, delete: true, import: false, export: false };
  builder = await t.make.user(org.admin, {
    name: 'Bruno',
    roleId: org.roles.sales,
    profileId: await makeProfile(t, org.admin, 'Report builders', { reports: full }),
  });
});
afterAll(() => t.close());

describe('reports CRUD', () => {
  it('creates, reads, changes, lists by folder and deletes a report', async () => {
    const created = await t.request('POST', '/api/v1/reports', {
      as: builder,
      body: { name: ' Win rate ', folder: 'Sales', definition: SUMMARY },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data).toMatchObject({
      name: 'Win rate',
      folder: 'Sales',
      ownerId: builder.userId,
      sharedWith: { roles: [], groups: [], everyone: false },
    });
    const id = created.data.id;
    expect((await api(t, builder, 'GET', `/api/v1/reports/${id}`)).definition).toEqual(SUMMARY);
    const changed = await api(t, builder, 'PATCH', `/api/v1/reports/${id}`, { description: 'Won ÷ closed', folder: 'Team' });
    expect(changed).toMatchObject({ name: 'Win rate', description: 'Won ÷ closed', folder: 'Team' });
    expect((await api(t, builder, 'GET', '/api/v1/reports?folder=Team')).data.map((r: any) => r.id)).toEqual([id]);
    expect((await api(t, builder, 'GET', '/api/v1/reports?folder=Sales')).data).toEqual([]);
    expect((await t.request('DELETE', `/api/v1/reports/${id}`, { as: builder })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/reports/${id}`, { as: builder })).statusCode).toBe(404);
  });

  it('refuses a bad definition with the path of the bad part, and saves nothing', async () => {
    const bad = async (definition: Record<string, unknown>, path: string, message: RegExp) => {
      const response = await t.request('POST', '/api/v1/reports', {
        as: builder,
        body: { name: 'Bad', definition: { ...SUMMARY, ...definition } },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.path).toBe(path);
      expect(response.data.error.message).toMatch(message);
    };
    await bad(
      { groupBy: [{ field: 'owner_id' }, { field: 'foo' }] },
      'groupBy[1].field',
      /groupBy\[1\]\.field: unknown field "foo" on deals/,
    );
    await bad({ groupBy: [{ field: 'amount', bucket: 'month' }] }, 'groupBy[0].bucket', /date/);
    await bad({ aggregates: [{ key: 's', fn: 'sum', field: 'name' }], formulas: [], chart: undefined }, 'aggregates[0].field', /number/);
    await bad({ formulas: [{ key: 'r', expression: 'won / (closed' }] }, 'formulas[0].expression', /\)/);
    await bad({ formulas: [{ key: 'r', expression: 'won / lost' }] }, 'formulas[0].expression', /"lost" is not an aggregate.*character 7/);
    await bad(
      { aggregates: [{ key: 'won', fn: 'count', filter: { field: 'stage', op: 'eq', value: 'nope' } }], formulas: [], chart: undefined },
      'aggregates[0].filter.value',
      /nope/,
    );
    await bad({ module: 'nope' }, 'module', /unknown module/);
    await bad({ sort: [{ by: 'amount' }] }, 'sort[0].by', /not a grouped field or aggregate/);
    await bad({ groupBy: [{ field: 'account_id.nope' }] }, 'groupBy[0].field', /unknown field "nope" on accounts/);
    const schema = await t.request('POST', '/api/v1/reports', {
      as: builder,
      body: { name: 'Bad', definition: { ...SUMMARY, type: 'pivot' } },
    });
    expect(schema.statusCode).toBe(400);
    expect((await api(t, builder, 'GET', '/api/v1/reports')).data).toEqual([]);
  });

  it('shares a report with a role, a group or everyone; only its owner or an administrator changes it', async () => {
    const report = await api(t, org.admin, 'POST', '/api/v1/reports', { name: 'Shared', definition: SUMMARY });
    const reader = await t.make.user(org.admin, {
      name: 'Rita',
      roleId: org.roles.support,
      profileId: await makeProfile(t, org.admin, 'Report readers', {
        reports: { create: false, read: true, edit: false, delete: false, import: false, export: false },
      }),
    });
    const sees = async (user: TestUser) => (await t.request('GET', `/api/v1/reports/${report.id}`, { as: user })).statusCode;
    expect(await sees(reader)).toBe(404);
    expect((await api(t, reader, 'GET', '/api/v1/reports')).data).toEqual([]);

    await api(t, org.admin, 'PATCH', `/api/v1/reports/${report.id}`, { sharedWith: { roles: [org.roles.support], groups: [] } });
    expect(await sees(reader)).toBe(200);
    expect(await sees(builder)).toBe(404);

    const group = await api(t, org.admin, 'POST', '/api/v1/groups', { name: 'Builders', members: [{ type: 'user', id: builder.userId }] });
    await api(t, org.admin, 'PATCH', `/api/v1/reports/${report.id}`, { sharedWith: { roles: [], groups: [group.id] } });
    expect(await sees(builder)).toBe(200);
    expect(await sees(reader)).toBe(404);

    await api(t, org.admin, 'PATCH', `/api/v1/reports/${report.id}`, { sharedWith: { roles: [], groups: [], everyone: true } });
    expect((await api(t, reader, 'GET', '/api/v1/reports')).data.map((r: any) => r.id)).toEqual([report.id]);
    // Seeing is not changing: a shared report is the owner's.
    expect((await t.request('PATCH', `/api/v1/reports/${report.id}`, { as: builder, body: { name: 'Mine' } })).statusCode).toBe(403);
    expect((await t.request('DELETE', `/api/v1/reports/${report.id}`, { as: reader })).statusCode).toBe(403);
    const badShare = await t.request('PATCH', `/api/v1/reports/${report.id}`, {
      as: org.admin,
      body: { sharedWith: { roles: [org.roles.sales, '00000000-0000-4000-8000-000000000000'], groups: [] } },
    });
    expect(badShare.statusCode).toBe(400);
    expect(badShare.data.error.details.path).toBe('sharedWith.roles[1]');
  });

  it('runs a saved report as the caller and drills into a group: the records it counted', async () => {
    const report = await api(t, org.admin, 'POST', '/api/v1/reports', {
      name: 'By tier',
      definition: {
        module: 'deals',
        type: 'summary',
        groupBy: [{ field: 'account_id.tier' }, { field: 'closed_at', bucket: 'fiscal_year' }],
      },
    });
    const result = await api(t, org.admin, 'POST', `/api/v1/reports/${report.id}/run`, {});
    // A run needs no body at all.
    expect((await t.request('POST', `/api/v1/reports/${report.id}/run`, { as: org.admin })).statusCode).toBe(200);
    for (const group of result.groups) {
      const page = await api(t, org.admin, 'POST', `/api/v1/reports/${report.id}/records`, { keys: group.keys, limit: 500 });
      expect(page.data).toHaveLength(group.values.count);
      for (const child of group.children) {
        const records = await api(t, org.admin, 'POST', `/api/v1/reports/${report.id}/records`, { keys: child.keys });
        expect(records.data).toHaveLength(child.values.count);
      }
    }
    const strategic = await api(t, org.admin, 'POST', `/api/v1/reports/${report.id}/records`, {
      keys: { 'account_id.tier': 'strategic', closed_at: 'FY2025' },
    });
    expect(strategic.data.map((r: any) => r.name)).toEqual(['D2']);
    expect(strategic.data[0]).toMatchObject({ id: org.deals.d2, stage: 'closed_won', amount: '500.00' });
    const empty = await api(t, org.admin, 'POST', '/api/v1/reports/records', {
      definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'account_id.tier' }] },
      keys: { 'account_id.tier': null },
    });
    expect(empty.data.map((r: any) => r.name).sort()).toEqual(['D4', 'D5']);
    const badKey = await t.request('POST', `/api/v1/reports/${report.id}/records`, { as: org.admin, body: { keys: { stage: 'x' } } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.data.error.details.path).toBe('keys.stage');
  });

  it('drills into a matrix cell', async () => {
    const definition = { module: 'deals', type: 'matrix', groupBy: [{ field: 'owner_id' }], columnGroupBy: [{ field: 'stage' }] };
    const result = await api(t, org.admin, 'POST', '/api/v1/reports/run', { definition });
    for (const cell of result.cells) {
      const page = await api(t, org.admin, 'POST', '/api/v1/reports/records', { definition, keys: { ...cell.row, ...cell.column } });
      expect(page.data).toHaveLength(cell.values.count);
    }
  });

  it('offers six ready reports that run', async () => {
    const gallery = (await api(t, builder, 'GET', '/api/v1/reports/gallery')).data;
    expect(gallery.map((g: any) => g.key)).toEqual([
      'pipeline_by_stage',
      'won_revenue_by_month',
      'deals_by_owner',
      'cases_by_sla_status',
      'leads_by_source',
      'activities_by_user',
    ]);
    for (const entry of gallery) await api(t, org.admin, 'POST', '/api/v1/reports/run', { definition: entry.definition });
    const byOwner = gallery.find((g: any) => g.key === 'deals_by_owner').definition;
    // "Won" comes from the stages' outcome in metadata.
    expect(byOwner.aggregates.find((a: any) => a.key === 'won').filter).toEqual({ field: 'stage', op: 'in', value: ['closed_won'] });
    const pipeline = await api(t, org.admin, 'POST', '/api/v1/reports/run', { definition: gallery[0].definition });
    expect(pipeline.totals).toEqual({ count: 2, amount: 800 });
  });

  it('is in the OpenAPI document under Reports', async () => {
    const document = (await t.request('GET', '/api/openapi.json')).data;
    expect(document.paths['/api/v1/reports/{id}/run'].post.tags).toEqual(['Reports']);
    expect(document.paths['/api/v1/reports/gallery'].get.tags).toEqual(['Reports']);
  });
});
