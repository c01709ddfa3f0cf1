import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncStandardCatalog } from '../records/metadata/provision.js';
import { createTestContext, type TestContext, type TestUser } from '../test/test-app.js';
import { getForecasts } from './index.js';
import { runWeeklySnapshots } from './forecast-snapshots.js';

let t: TestContext;
const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
// Monday 16 November 2026, 06:30 in Madrid: fiscal year from April, so 2026-Q3 is October to December 2026.
const MONDAY_MORNING = new Date('2026-11-16T05:30:00Z');
const Q3 = '2026-Q3';

let admin: TestUser;
let manager: TestUser;
let rep1: TestUser;
let rep2: TestUser;
let otherManager: TestUser;
let noRight: TestUser;
let stranger: TestUser;
const deals: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestContext();
  t.app.ctx.now = () => MONDAY_MORNING;
  admin = await t.make.org();
  await t.database.db
    .updateTable('platform.organizations')
    .set({
      time_zone: 'Europe/Madrid',
      fiscal_year_start_month: 4,
      currency: 'EUR',
      exchange_rates: JSON.stringify({ USD: '1.25' }) as never,
    })
    .where('id', '=', admin.orgId)
    .execute();
  const roles = await t.request('GET', '/api/v1/roles', { as: admin });
  const ceo = (roles.data.data as Array<{ id: string; parentId: string | null }>).find((role) => role.parentId === null)!;
  const role = async (name: string, parentId: string) => {
    const response = await t.request('POST', '/api/v1/roles', { as: admin, body: { name, parentId } });
    expect(response.statusCode, response.body).toBe(201);
    return response.data.id as string;
  };
  const salesManager = await role('Sales manager', ceo.id);
  const otherBranch = await role('Service manager', ceo.id);
  const rep = await role('Sales rep', salesManager);
  const profile = async (name: string, forecasts: Record<string, boolean> | null) => {
    const modules: Record<string, unknown> = { '*': ALL };
    if (forecasts) modules.forecasts = { ...NONE, ...forecasts };
    const response = await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } });
    expect(response.statusCode, response.body).toBe(201);
    return response.data.id as string;
  };
  const readers = await profile('Forecast readers', { read: true });
  const editors = await profile('Forecast editors', { read: true, edit: true });
  const without = await profile('No forecasts', null);
  manager = await t.make.user(admin, { name: 'Marta Manager', roleId: salesManager, profileId: editors });
  rep1 = await t.make.user(admin, { name: 'Rafa Rep', roleId: rep, profileId: readers });
  rep2 = await t.make.user(admin, { name: 'Rosa Rep', roleId: rep, profileId: readers });
  otherManager = await t.make.user(admin, { name: 'Otto Other', roleId: otherBranch, profileId: editors });
  noRight = await t.make.user(admin, { name: 'Nadia', roleId: rep, profileId: without });
  stranger = await t.make.org();

  const deal = async (key: string, owner: TestUser, values: Record<string, unknown>) => {
    const response = await t.request('POST', '/api/v1/records/deals', {
      as: admin,
      body: { name: key, owner_id: owner.userId, ...values },
    });
    expect(response.statusCode, response.body).toBe(201);
    deals[key] = response.data.data.id;
  };
  // rep1: commit 1000 (negotiation, 80 %) + 300 (qualification overridden to commit); best case 500 USD = 400 EUR;
  // closed 2000 (won 00:30 on 1 October in Madrid, still 30 September in UTC). Not in Q3: won 23:30 on 30 September
  // in Madrid, and an open deal expected on 1 January.
  await deal('A', rep1, { stage: 'negotiation', amount: '1000', currency: 'EUR', close_date: '2026-11-15' });
  await deal('B', rep1, { stage: 'proposal', amount: '500', currency: 'USD', close_date: '2026-12-31' });
  await deal('C', rep1, { stage: 'qualification', amount: '300', currency: 'EUR', close_date: '2026-10-01', forecast_category: 'commit' });
  // A won deal is closed whatever its forecast category says.
  await deal('D', rep1, {
    stage: 'closed_won',
    amount: '2000',
    currency: 'EUR',
    close_date: '2026-09-30',
    closed_at: '2026-09-30T22:30:00Z',
    forecast_category: 'omitted',
  });
  await deal('E', rep1, {
    stage: 'closed_won',
    amount: '700',
    currency: 'EUR',
    close_date: '2026-10-01',
    closed_at: '2026-09-30T21:30:00Z',
  });
  await deal('F', rep1, { stage: 'negotiation', amount: '5000', currency: 'EUR', close_date: '2027-01-01' });
  // rep2: best case 250 (value proposition, 40 %), omitted 900 (lost in October).
  await deal('G', rep2, { stage: 'value_proposition', amount: '250', currency: 'EUR', close_date: '2026-11-01' });
  await deal('H', rep2, {
    stage: 'closed_lost',
    amount: '900',
    currency: 'EUR',
    close_date: '2026-10-10',
    closed_at: '2026-10-10T10:00:00Z',
  });
  // manager: pipeline 100 (needs analysis, 20 %).
  await deal('I', manager, { stage: 'needs_analysis', amount: '100', currency: 'EUR', close_date: '2026-10-20' });
});
afterAll(async () => {
  await t.close();
});

const forecast = async (as: TestUser, query = `period=${Q3}`) => {
  const response = await t.request('GET', `/api/v1/forecasts?${query}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return response.data as {
    period: { label: string; start: string; end: string; previous: string; next: string };
    rows: Array<{
      userId: string;
      kind: string;
      amounts: Record<string, string>;
      quota: string | null;
      attainment: number | null;
      gap: string | null;
      projections: { commit: string; bestCase: string };
      change: Record<string, string> | null;
      canSetQuota: boolean;
      hasTeam: boolean;
    }>;
  };
};
const amounts = (pipeline: string, bestCase: string, commit: string, closed: string, omitted: string) => ({
  pipeline,
  best_case: bestCase,
  commit,
  closed,
  omitted,
});
const rowOf = (data: Awaited<ReturnType<typeof forecast>>, kind: string, userId?: string) =>
  data.rows.find((row) => row.kind === kind && (userId === undefined || row.userId === userId))!;
const setQuotas = (as: TestUser, quotas: unknown[]) => t.request('PUT', '/api/v1/forecasts/quotas', { as, body: { quotas } });

describe('forecast figures', () => {
  it('counts a rep’s deals by category in the fiscal quarter of the organization’s time zone, in its currency', async () => {
    const data = await forecast(rep1);
    expect(data.period).toMatchObject({ label: Q3, start: '2026-10-01', end: '2026-12-31', previous: '2026-Q2', next: '2026-Q4' });
    expect(data.rows.map((row) => row.kind)).toEqual(['own', 'total']);
    expect(rowOf(data, 'total').amounts).toEqual(amounts('0.00', '400.00', '1300.00', '2000.00', '0.00'));
    expect(rowOf(data, 'total').attainment).toBeNull();
    expect(rowOf(data, 'total').projections).toEqual({ commit: '3300.00', bestCase: '3700.00' });
  });

  it('rolls a manager’s team up, with a row per direct report, and two levels up for the top of the hierarchy', async () => {
    const data = await forecast(manager);
    expect(rowOf(data, 'own').amounts).toEqual(amounts('100.00', '0.00', '0.00', '0.00', '0.00'));
    expect(rowOf(data, 'report', rep2.userId).amounts).toEqual(amounts('0.00', '250.00', '0.00', '0.00', '900.00'));
    expect(rowOf(data, 'total').amounts).toEqual(amounts('100.00', '650.00', '1300.00', '2000.00', '900.00'));
    const top = await forecast(admin);
    expect(rowOf(top, 'report', manager.userId).amounts).toEqual(amounts('100.00', '650.00', '1300.00', '2000.00', '900.00'));
    expect(rowOf(top, 'report', manager.userId).hasTeam).toBe(true);
    expect(rowOf(top, 'report', otherManager.userId).amounts).toEqual(amounts('0.00', '0.00', '0.00', '0.00', '0.00'));
    expect(rowOf(top, 'total').amounts).toEqual(amounts('100.00', '650.00', '1300.00', '2000.00', '900.00'));
  });

  it('follows the administrator’s stage mapping and a month period', async () => {
    const settings = await t.request('GET', '/api/v1/forecasts/settings', { as: rep1 });
    expect(settings.statusCode).toBe(200);
    const stages = settings.data.stages as Array<{ stage: string; category: string; fixed: boolean }>;
    expect(stages.find((s) => s.stage === 'value_proposition')?.category).toBe('best_case');
    expect(stages.find((s) => s.stage === 'closed_won')).toMatchObject({ category: 'closed', fixed: true });
    const changed = await t.request('PUT', '/api/v1/forecasts/settings', { as: admin, body: { stages: { value_proposition: 'commit' } } });
    expect(changed.statusCode, changed.body).toBe(200);
    try {
      const data = await forecast(rep2, 'period=2026-11');
      expect(rowOf(data, 'total').amounts).toEqual(amounts('0.00', '0.00', '250.00', '0.00', '0.00'));
    } finally {
      await t.request('PUT', '/api/v1/forecasts/settings', { as: admin, body: { stages: {} } });
    }
    const audit = await t.request('GET', '/api/v1/audit-log?action=forecast_categories.updated', { as: admin });
    expect(audit.data.data.map((entry: { after: unknown }) => entry.after)).toEqual([{}, { value_proposition: 'commit' }]);
    expect(rowOf(await forecast(rep2, 'period=2026-11'), 'total').amounts.best_case).toBe('250.00');
  });

  it('lists the deals behind a number, as the records API does', async () => {
    const response = await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=commit&userId=${manager.userId}`, {
      as: manager,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((response.data.data as Array<{ id: string }>).map((deal) => deal.id)).toEqual([deals.A, deals.C]);
    expect(response.data.total).toEqual({ value: 2, exact: true });
    const closed = await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=closed`, { as: rep1 });
    expect((closed.data.data as Array<{ id: string }>).map((deal) => deal.id)).toEqual([deals.D]);
    const own = await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=commit&scope=own`, { as: manager });
    expect(own.data.data).toEqual([]);
  });
});

describe('quotas', () => {
  it('lets a manager set a report’s quota and shows attainment, gap and projections', async () => {
    const response = await setQuotas(manager, [{ userId: rep1.userId, period: Q3, amount: '4000' }]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data.data).toEqual([{ userId: rep1.userId, period: Q3, amount: '4000.00' }]);
    expect((await setQuotas(admin, [{ userId: manager.userId, period: Q3, amount: 8000 }])).statusCode).toBe(200);
    const data = await forecast(manager);
    const report = rowOf(data, 'report', rep1.userId);
    expect(report).toMatchObject({ quota: '4000.00', attainment: 0.5, gap: '2000.00', canSetQuota: true });
    expect(rowOf(data, 'total')).toMatchObject({ quota: '8000.00', attainment: 0.25, gap: '6000.00', canSetQuota: false });
    expect(rowOf(data, 'own').quota).toBeNull();
    const audit = await t.request('GET', `/api/v1/audit-log?action=forecast_quota.set&targetId=${rep1.userId}`, { as: admin });
    expect(audit.data.data).toEqual([
      expect.objectContaining({ actorId: manager.userId, before: { period: Q3, amount: null }, after: { period: Q3, amount: '4000.00' } }),
    ]);
  });

  it('refuses a quota outside the caller’s hierarchy, their own, and without the edit right; nothing is written', async () => {
    const outside = await setQuotas(manager, [
      { userId: rep1.userId, period: Q3, amount: '1' },
      { userId: otherManager.userId, period: Q3, amount: '1' },
    ]);
    expect(outside.statusCode).toBe(403);
    expect((await setQuotas(manager, [{ userId: manager.userId, period: Q3, amount: '1' }])).statusCode).toBe(403);
    expect((await setQuotas(rep1, [{ userId: rep2.userId, period: Q3, amount: '1' }])).statusCode).toBe(403);
    expect((await setQuotas(otherManager, [{ userId: rep1.userId, period: Q3, amount: '1' }])).statusCode).toBe(403);
    expect(rowOf(await forecast(manager), 'report', rep1.userId).quota).toBe('4000.00');
  });

  it('refuses bad quotas with the field named, and another organization’s user is not found', async () => {
    const negative = await setQuotas(manager, [{ userId: rep1.userId, period: Q3, amount: '-5' }]);
    expect(negative.statusCode).toBe(400);
    const text = await setQuotas(manager, [{ userId: rep1.userId, period: Q3, amount: 'lots' }]);
    expect(text.statusCode).toBe(400);
    expect(text.data.error.details.field).toBe('quotas[0].amount');
    const year = await setQuotas(manager, [{ userId: rep1.userId, period: '2026', amount: '5' }]);
    expect(year.data.error.details.field).toBe('quotas[0].period');
    expect((await setQuotas(manager, [])).statusCode).toBe(400);
    expect((await setQuotas(stranger, [{ userId: rep1.userId, period: Q3, amount: '5' }])).statusCode).toBe(404);
    expect(rowOf(await forecast(manager), 'report', rep1.userId).quota).toBe('4000.00');
  });

  it('removes a quota with null', async () => {
    expect((await setQuotas(admin, [{ userId: manager.userId, period: Q3, amount: null }])).statusCode).toBe(200);
    expect(rowOf(await forecast(manager), 'total')).toMatchObject({ quota: null, attainment: null, gap: null });
  });
});

describe('snapshots', () => {
  it('compares the forecast with a snapshot: the change per category since', async () => {
    const taken = await t.request('POST', '/api/v1/forecasts/snapshots', { as: admin });
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.data).toMatchObject({ takenOn: '2026-11-16', periods: ['2026-11', '2026-12', '2026-Q3', '2026-Q4'] });
    const changed = await t.request('PATCH', `/api/v1/records/deals/${deals.A}`, { as: admin, body: { amount: '1500' } });
    expect(changed.statusCode, changed.body).toBe(200);
    const moved = await t.request('PATCH', `/api/v1/records/deals/${deals.G}`, { as: admin, body: { stage: 'negotiation' } });
    expect(moved.statusCode, moved.body).toBe(200);
    const data = await forecast(manager, `period=${Q3}&compareTo=2026-11-16`);
    expect(rowOf(data, 'report', rep1.userId).change).toEqual(amounts('0.00', '0.00', '500.00', '0.00', '0.00'));
    expect(rowOf(data, 'report', rep2.userId).change).toEqual(amounts('0.00', '-250.00', '250.00', '0.00', '0.00'));
    expect(rowOf(data, 'total').change).toEqual(amounts('0.00', '-250.00', '750.00', '0.00', '0.00'));
    const list = await t.request('GET', '/api/v1/forecasts/snapshots', { as: rep1 });
    expect(list.data.data[0]).toMatchObject({ takenOn: '2026-11-16' });
  });

  it('takes the weekly snapshot on Monday from 06:00 of the organization’s time, once', async () => {
    const service = getForecasts(t.app.ctx);
    const ctx = { database: t.database, now: () => new Date('2026-11-23T04:30:00Z') }; // 05:30 in Madrid
    expect(await runWeeklySnapshots(ctx, service)).not.toContain(admin.orgId);
    ctx.now = () => new Date('2026-11-23T05:05:00Z'); // 06:05 in Madrid
    t.app.ctx.now = ctx.now;
    try {
      expect(await runWeeklySnapshots(ctx, service)).toContain(admin.orgId);
      expect(await runWeeklySnapshots(ctx, service)).not.toContain(admin.orgId);
    } finally {
      t.app.ctx.now = () => MONDAY_MORNING;
    }
    const list = await t.request('GET', '/api/v1/forecasts/snapshots', { as: admin });
    expect((list.data.data as Array<{ takenOn: string }>).map((s) => s.takenOn)).toEqual(['2026-11-23', '2026-11-16']);
  });

  it('answers 404 for a date without a snapshot and 400 for a malformed one; only administrators take snapshots', async () => {
    expect((await t.request('GET', `/api/v1/forecasts?period=${Q3}&compareTo=2026-11-17`, { as: admin })).statusCode).toBe(404);
    // The snapshot of the 16th holds the current and next periods only.
    expect((await t.request('GET', `/api/v1/forecasts?period=2026-Q2&compareTo=2026-11-16`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/forecasts?period=${Q3}&compareTo=2026-13-45`, { as: admin })).statusCode).toBe(400);
    expect((await t.request('GET', `/api/v1/forecasts?period=${Q3}&compareTo=yesterday`, { as: admin })).statusCode).toBe(400);
    expect((await t.request('POST', '/api/v1/forecasts/snapshots', { as: manager })).statusCode).toBe(403);
  });
});

describe('forecast access', () => {
  it('shows a rep only their own forecast, and a manager only their hierarchy', async () => {
    expect((await t.request('GET', `/api/v1/forecasts?userId=${rep2.userId}`, { as: rep1 })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/forecasts?userId=${manager.userId}`, { as: rep1 })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/forecasts?userId=${rep1.userId}`, { as: otherManager })).statusCode).toBe(403);
    const drill = await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=commit&userId=${rep1.userId}`, { as: rep2 });
    expect(drill.statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/forecasts?userId=${rep1.userId}`, { as: manager })).statusCode).toBe(200);
  });

  it('needs the forecasts right', async () => {
    expect((await t.request('GET', '/api/v1/forecasts', { as: noRight })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/forecasts/settings', { as: noRight })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=closed`, { as: noRight })).statusCode).toBe(403);
    expect((await t.request('PUT', '/api/v1/forecasts/settings', { as: manager, body: { stages: {} } })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/forecasts', { as: null })).statusCode).toBe(401);
  });

  it('refuses a profile that hides a deal field forecasts count by', async () => {
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: admin,
      body: { name: 'No amounts', modules: { '*': ALL, forecasts: { ...NONE, read: true } }, fields: { deals: { amount: 'hidden' } } },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    const user = await t.make.user(admin, { name: 'Hidden amounts', roleId: null, profileId: profile.data.id });
    const response = await t.request('GET', '/api/v1/forecasts', { as: user });
    expect(response.statusCode).toBe(403);
    expect(response.data.error.message).toContain('amount');
  });

  it('keeps another organization invisible', async () => {
    expect((await t.request('GET', `/api/v1/forecasts?userId=${rep1.userId}`, { as: stranger })).statusCode).toBe(404);
    const own = await forecast(stranger);
    expect(rowOf(own, 'total').amounts).toEqual(amounts('0.00', '0.00', '0.00', '0.00', '0.00'));
    // Its own weekly snapshot only, never the other organization's manual one.
    const snapshots = (await t.request('GET', '/api/v1/forecasts/snapshots', { as: stranger })).data.data as Array<{ takenOn: string }>;
    expect(snapshots.map((s) => s.takenOn)).not.toContain('2026-11-16');
  });

  it('refuses bad input with a 400', async () => {
    for (const query of ['period=2026', 'period=2026-Q5', 'period=soon', `userId=not-a-uuid`]) {
      const response = await t.request('GET', `/api/v1/forecasts?${query}`, { as: admin });
      expect(response.statusCode, query).toBe(400);
    }
    expect((await t.request('GET', `/api/v1/forecasts/deals?period=${Q3}&category=maybe`, { as: admin })).statusCode).toBe(400);
    const mapping = await t.request('PUT', '/api/v1/forecasts/settings', { as: admin, body: { stages: { closed_won: 'commit' } } });
    expect(mapping.statusCode).toBe(400);
    const unknown = await t.request('PUT', '/api/v1/forecasts/settings', { as: admin, body: { stages: { nope: 'commit' } } });
    expect(unknown.data.error.details.field).toBe('stages.nope');
  });
});

describe('forecasts in the OpenAPI document', () => {
  it('lists every route under the Forecasts tag, each with a summary', async () => {
    const doc = await t.request('GET', '/api/openapi.json', { as: null });
    const paths = doc.data.paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    const routes = [
      '/api/v1/forecasts',
      '/api/v1/forecasts/deals',
      '/api/v1/forecasts/quotas',
      '/api/v1/forecasts/settings',
      '/api/v1/forecasts/snapshots',
    ];
    for (const route of routes) {
      expect(paths[route], route).toBeDefined();
      for (const operation of Object.values(paths[route]!))
        expect(operation).toMatchObject({ tags: ['Forecasts'], summary: expect.any(String) });
    }
  });
});

describe('the forecast category field', () => {
  it('reaches an organization made before it at the next start, in the deal layout', async () => {
    const org = await t.make.org();
    const { schema_name: schema } = await t.database.db
      .selectFrom('platform.organizations')
      .select('schema_name')
      .where('id', '=', org.orgId)
      .executeTakeFirstOrThrow();
    const deals = await t.database.db
      .selectFrom('platform.modules')
      .select(['id', 'layout'])
      .where('org_id', '=', org.orgId)
      .where('api_name', '=', 'deals')
      .executeTakeFirstOrThrow();
    // As it was before the field: no metadata row, no column, not in the layout, an older catalog.
    await t.database.db
      .deleteFrom('platform.fields')
      .where('module_id', '=', deals.id)
      .where('api_name', '=', 'forecast_category')
      .execute();
    await sql.raw(`ALTER TABLE ${schema}.deals DROP COLUMN forecast_category`).execute(t.database.db);
    const layout = deals.layout.map((section) => ({ ...section, fields: section.fields.filter((name) => name !== 'forecast_category') }));
    await t.database.db
      .updateTable('platform.modules')
      .set({ layout: JSON.stringify(layout) })
      .where('id', '=', deals.id)
      .execute();
    await t.database.db.updateTable('platform.organizations').set({ catalog_version: 'older' }).where('id', '=', org.orgId).execute();

    expect(await syncStandardCatalog(t.database)).toBeGreaterThanOrEqual(1);
    const field = await t.database.db
      .selectFrom('platform.fields')
      .select(['type', 'options'])
      .where('module_id', '=', deals.id)
      .where('api_name', '=', 'forecast_category')
      .executeTakeFirstOrThrow();
    expect(field.type).toBe('picklist');
    const after = await t.database.db.selectFrom('platform.modules').select('layout').where('id', '=', deals.id).executeTakeFirstOrThrow();
    expect(after.layout.find((section) => section.key === 'main')?.fields).toContain('forecast_category');
    const created = await t.request('POST', '/api/v1/records/deals', {
      as: org,
      body: { name: 'Override', stage: 'qualification', forecast_category: 'best_case' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data.data.forecast_category).toBe('best_case');
  });
});
