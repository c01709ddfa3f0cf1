import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../test/test-app.js';
import { api, makeProfile, makeSalesOrg, type SalesOrg } from './report.fixtures.js';

let t: TestContext;
let org: SalesOrg;
const FULL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

beforeAll(async () => {
  t = await createTestContext();
  org = await makeSalesOrg(t);
});
afterAll(() => t.close());

const runAs = (user: TestUser, definition: Record<string, unknown>) =>
  t.request('POST', '/api/v1/reports/run', { as: user, body: { definition: { module: 'deals', ...definition } } });

describe('who may use reports', () => {
  it('needs the profile key `reports`: read runs shared reports, building needs create or edit', async () => {
    // A standard profile: every module, no reports key.
    const plain = await t.make.user(org.admin, { name: 'Pablo' });
    expect((await t.request('GET', '/api/v1/reports', { as: plain })).statusCode).toBe(403);
    expect((await runAs(plain, { type: 'summary', groupBy: [{ field: 'stage' }] })).statusCode).toBe(403);
    const reader = await t.make.user(org.admin, {
      profileId: await makeProfile(t, org.admin, 'Readers', { reports: { ...NONE, read: true } }),
    });
    expect((await t.request('GET', '/api/v1/reports', { as: reader })).statusCode).toBe(200);
    const create = await t.request('POST', '/api/v1/reports', {
      as: reader,
      body: { name: 'X', definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] } },
    });
    expect(create.statusCode).toBe(403);
    const shared = await api(t, org.admin, 'POST', '/api/v1/reports', {
      name: 'Everyone',
      definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] },
      sharedWith: { roles: [], groups: [], everyone: true },
    });
    expect((await t.request('POST', `/api/v1/reports/${shared.id}/run`, { as: reader, body: {} })).statusCode).toBe(200);
  });

  it('answers 403 when the profile may not read the report’s module', async () => {
    const noDeals = await t.make.user(org.admin, {
      profileId: await makeProfile(t, org.admin, 'No deals', { reports: FULL, deals: NONE }),
    });
    const response = await runAs(noDeals, { type: 'summary', groupBy: [{ field: 'stage' }] });
    expect(response.statusCode).toBe(403);
    const shared = await api(t, org.admin, 'POST', '/api/v1/reports', {
      name: 'Deals for all',
      definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] },
      sharedWith: { roles: [], groups: [], everyone: true },
    });
    expect((await t.request('POST', `/api/v1/reports/${shared.id}/run`, { as: noDeals, body: {} })).statusCode).toBe(403);
  });

  it('treats a hidden field as unknown everywhere and never shows it', async () => {
    const profile = await makeProfile(
      t,
      org.admin,
      'No amounts',
      { reports: FULL },
      { deals: { amount: 'hidden' }, accounts: { tier: 'hidden' } },
    );
    // Under the CEO role: sees the deals of Ana and Bea.
    const user = await t.make.user(org.admin, { profileId: profile, roleId: org.roles.ceo });
    const refused = async (definition: Record<string, unknown>, path: string) => {
      const response = await runAs(user, definition);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.path).toBe(path);
      expect(response.data.error.message).toMatch(/unknown field/i);
    };
    await refused({ type: 'tabular', columns: ['name', 'amount'] }, 'columns[1]');
    await refused({ type: 'summary', groupBy: [{ field: 'amount' }] }, 'groupBy[0].field');
    await refused({ type: 'summary', groupBy: [{ field: 'account_id.tier' }] }, 'groupBy[0].field');
    await refused(
      { type: 'summary', groupBy: [{ field: 'stage' }], aggregates: [{ key: 's', fn: 'sum', field: 'amount' }] },
      'aggregates[0].field',
    );
    await refused({ type: 'summary', groupBy: [{ field: 'stage' }], filter: { field: 'amount', op: 'gt', value: 1 } }, 'filter.field');
    await refused(
      {
        type: 'summary',
        groupBy: [{ field: 'stage' }],
        aggregates: [{ key: 'big', fn: 'count', filter: { field: 'amount', op: 'gt', value: 1 } }],
      },
      'aggregates[0].filter.field',
    );
    // Without columns, a tabular report shows the display fields; the records of a drill-down leave the field out.
    const table = await runAs(user, { type: 'tabular' });
    expect(table.statusCode).toBe(200);
    expect(JSON.stringify(table.data)).not.toContain('2000');
    const page = await t.request('POST', '/api/v1/reports/records', {
      as: user,
      body: { definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] }, keys: { stage: 'closed_lost' } },
    });
    expect(page.statusCode).toBe(200);
    expect(page.data.data[0]).not.toHaveProperty('amount');
  });

  it('counts only the records inside the caller’s sharing scope, and reads related records outside it as empty', async () => {
    // Deals are private by default: Ana sees her own three. Accounts are owned by the administrator: outside her scope.
    const anaProfile = await makeProfile(t, org.admin, 'Ana reports', { reports: FULL });
    await t.database.db.updateTable('platform.users').set({ profile_id: anaProfile }).where('id', '=', org.ana.userId).execute();
    const result = await runAs(org.ana, {
      type: 'summary',
      groupBy: [{ field: 'account_id.tier' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        { key: 'amount', fn: 'sum', field: 'amount' },
      ],
    });
    expect(result.statusCode, result.body).toBe(200);
    expect(result.data.totals).toEqual({ count: 3, amount: 1500 });
    expect(result.data.groups.map((g: any) => g.keys['account_id.tier'])).toEqual([null]);
    // With accounts readable by everyone, the tiers show.
    await api(t, org.admin, 'PUT', '/api/v1/sharing/accounts', { access: 'public_read' });
    const tiers = (await runAs(org.ana, { type: 'summary', groupBy: [{ field: 'account_id.tier' }] })).data;
    expect(tiers.groups.map((g: any) => [g.keys['account_id.tier'], g.values.count])).toEqual([
      ['key', 1],
      ['strategic', 2],
    ]);
    await api(t, org.admin, 'PUT', '/api/v1/sharing/accounts', { access: 'private' });
    const drill = await t.request('POST', '/api/v1/reports/records', {
      as: org.ana,
      body: { definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] }, keys: { stage: 'closed_lost' } },
    });
    expect(drill.data.data).toEqual([]);
  });

  it('keeps another organization’s reports invisible', async () => {
    const report = await api(t, org.admin, 'POST', '/api/v1/reports', {
      name: 'Ours',
      definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] },
      sharedWith: { roles: [], groups: [], everyone: true },
    });
    const stranger = await t.make.org();
    expect((await t.request('GET', `/api/v1/reports/${report.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/reports/${report.id}/run`, { as: stranger, body: {} })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/reports/${report.id}/records`, { as: stranger, body: { keys: {} } })).statusCode).toBe(404);
    expect((await t.request('PATCH', `/api/v1/reports/${report.id}`, { as: stranger, body: { name: 'Theirs' } })).statusCode).toBe(404);
    expect((await t.request('DELETE', `/api/v1/reports/${report.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await api(t, stranger, 'GET', '/api/v1/reports')).data).toEqual([]);
    // Their own run sees none of our deals.
    const theirs = await api(t, stranger, 'POST', '/api/v1/reports/run', {
      definition: { module: 'deals', type: 'summary', groupBy: [{ field: 'stage' }] },
    });
    expect(theirs.totals).toEqual({ count: 0 });
  });
});
