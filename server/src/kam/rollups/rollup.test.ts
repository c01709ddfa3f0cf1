import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRecords } from '../../records/index.js';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { createKpiService } from '../kpis/kpi.service.js';
import { kpiFixtures } from '../kpis/kpi.fixtures.js';
import { ROLLUP_TABLES } from './rollup.repository.js';
import { toAuthContext } from '../../platform/auth/session.service.js';

/**
 * The KPI rollups stand for the raw rows: after creates, updates, moves
 * between months and accounts, deletes, restores, a merge and a write in
 * plain SQL, (1) the rows kept from the triggers' marks equal a rebuild from
 * scratch, and (2) every KPI of the whole organization is the same read from
 * the rollups as from the raw rows, for a month, a quarter and a year.
 */
let t: TestContext;
let f: ReturnType<typeof kpiFixtures>;
let admin: TestUser;
let schema: string;
const id: Record<string, string> = {};

async function rollupRows(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ROLLUP_TABLES) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(`${schema}.${table}`)}`.execute(t.database.db);
    out[table] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

async function orgKpis(period: string) {
  const response = await t.request('GET', `/api/v1/kam/kpis?scope=org&period=${period}`, { as: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.kpis as Array<{ id: string; series: unknown[]; details?: unknown }>;
}

async function dirtyMarks(): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(`${schema}.kam_rollup_dirty`)}`.execute(t.database.db);
  return result.rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestContext();
  f = kpiFixtures(t);
  admin = await t.make.org();
  await f.api(admin, 'PATCH', '/api/v1/organization', { timeZone: 'America/New_York', currency: 'EUR', exchangeRates: { USD: '1.25' } });
  schema = (
    await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', admin.orgId).executeTakeFirstOrThrow()
  ).schema_name;
  id.A1 = await f.create(admin, 'accounts', { name: 'Alfa', is_key_account: true, tier: 'strategic' });
  id.A2 = await f.create(admin, 'accounts', { name: 'Beta', is_key_account: true, tier: 'key' });
  id.A3 = await f.create(admin, 'accounts', { name: 'Alfa duplicada' });
  id.L1 = await f.create(admin, 'leads', { last_name: 'Lead uno', company: 'Uno' });
  id.L2 = await f.create(admin, 'leads', { last_name: 'Lead dos', company: 'Dos' });
  // The first request builds them (a small organization: inline).
  await orgKpis('2026-Q1');
});

afterAll(() => t.close());

describe('KPI rollups', () => {
  it('are built by the first request and kept from every later write, whatever writes it', async () => {
    const state = await sql<{ time_zone: string }>`SELECT time_zone FROM ${sql.table(`${schema}.kam_rollup_state`)}`.execute(t.database.db);
    expect(state.rows[0]?.time_zone).toBe('America/New_York');

    const deal = (values: Record<string, unknown>) => f.create(admin, 'deals', { name: 'Deal', ...values });
    // Months in New York: 2026-01-01T03:00Z is still 31 December 2025 there.
    id.D1 = await deal({
      account_id: id.A1,
      stage: 'closed_won',
      deal_type: 'new_business',
      amount: 1000,
      closed_at: '2026-01-01T03:00:00Z',
    });
    id.D2 = await deal({
      account_id: id.A1,
      stage: 'closed_won',
      deal_type: 'upsell',
      amount: 500,
      currency: 'USD',
      closed_at: '2026-02-10T12:00:00Z',
    });
    id.D3 = await deal({ account_id: id.A2, stage: 'closed_lost', deal_type: 'upsell', amount: 700, closed_at: '2026-02-11T12:00:00Z' });
    id.D4 = await deal({
      account_id: id.A2,
      stage: 'closed_won',
      deal_type: 'cross_sell',
      lead_source: 'customer_referral',
      amount: 300,
      closed_at: '2026-03-05T12:00:00Z',
    });
    id.D5 = await deal({ account_id: id.A3, stage: 'closed_won', deal_type: 'renewal', amount: 200, closed_at: '2025-11-05T12:00:00Z' });
    const touch = (values: Record<string, unknown>) => f.create(admin, 'touchpoints', { subject: 'Touch', ...values });
    id.T1 = await touch({
      account_id: id.A1,
      direction: 'outbound',
      channel: 'phone',
      occurred_at: '2026-01-10T10:00:00Z',
      duration_minutes: 30,
    });
    id.T2 = await touch({ account_id: id.A1, direction: 'inbound', channel: 'email', occurred_at: '2026-02-10T10:00:00Z' });
    id.T3 = await touch({
      account_id: id.A2,
      direction: 'outbound',
      channel: 'face_to_face',
      occurred_at: '2026-03-31T23:30:00Z',
      duration_minutes: 90,
    });
    id.T4 = await touch({
      account_id: id.A3,
      direction: 'outbound',
      channel: 'phone',
      occurred_at: '2026-02-01T10:00:00Z',
      duration_minutes: 15,
    });
    id.T5 = await touch({ lead_id: id.L1, direction: 'outbound', channel: 'cold_call', occurred_at: '2026-01-05T10:00:00Z' });
    id.T6 = await touch({ lead_id: id.L1, direction: 'outbound', channel: 'email', occurred_at: '2026-01-03T10:00:00Z' });
    id.T7 = await touch({ lead_id: id.L2, direction: 'inbound', channel: 'email', occurred_at: '2026-01-04T10:00:00Z' });
    expect(await dirtyMarks()).toBeGreaterThan(0);

    // Moves: a deal to another month and account, a stage change, a touchpoint to another account; deletes and a restore.
    await f.api(admin, 'PATCH', `/api/v1/records/deals/${id.D3}`, {
      stage: 'closed_won',
      closed_at: '2026-04-02T12:00:00Z',
      account_id: id.A1,
    });
    await f.api(admin, 'PATCH', `/api/v1/records/touchpoints/${id.T2}`, { account_id: id.A2 });
    await t.request('DELETE', `/api/v1/records/touchpoints/${id.T6}`, { as: admin });
    await t.request('DELETE', `/api/v1/records/deals/${id.D1}`, { as: admin });
    const restored = await t.request('POST', `/api/v1/records/deals/${id.D1}/restore`, { as: admin });
    expect(restored.statusCode, restored.body).toBeLessThan(300);
    await t.request('DELETE', `/api/v1/records/deals/${id.D5}`, { as: admin });
    // A merge moves the duplicate's touchpoints and deals in SQL, with no event per row.
    const merged = await t.request('POST', '/api/v1/records/accounts/merge', {
      as: admin,
      body: { masterId: id.A1, otherIds: [id.A3], values: {} },
    });
    expect(merged.statusCode, merged.body).toBeLessThan(300);
    // A lead's conversion (a system column, written in SQL by the fixture as by the conversion) moves its row.
    await f.setColumns(admin.orgId, 'leads', [id.L1!], { converted_at: '2026-02-01T10:00:00Z' });
    // A write straight in SQL is marked too.
    await sql`UPDATE ${sql.table(`${schema}.touchpoints`)} SET duration_minutes = 45 WHERE id = ${id.T1}`.execute(t.database.db);
    expect(await dirtyMarks()).toBeGreaterThan(0);

    // A request drains every mark before it reads.
    await orgKpis('2026-Q1');
    expect(await dirtyMarks()).toBe(0);
    const kept = await rollupRows();
    expect(kept.kam_rollup_touch_months.length).toBeGreaterThan(0);
    expect(kept.kam_rollup_lead_touches).toHaveLength(1);
    expect(JSON.parse(kept.kam_rollup_lead_touches[0] as string)).toMatchObject({ lead_id: id.L1, channel: 'cold_call' });
    expect(new Date(JSON.parse(kept.kam_rollup_lead_touches[0] as string).converted_at).toISOString()).toBe('2026-02-01T10:00:00.000Z');

    const records = getRecords(t.app.ctx);
    const metadata = await records.metadata.get(admin.orgId, schema);
    const { createRollupService } = await import('./rollup.service.js');
    const rollups = createRollupService(t.app.ctx, { metadata: records.metadata });
    await rollups.rebuild(metadata, { timeZone: 'America/New_York', won: ['closed_won'], lost: ['closed_lost'] });
    expect(await rollupRows()).toEqual(kept);

    // The facts behind them, as months of New York: D1 is December 2025's, D3 April's, T3 March's.
    const touchMonths = await sql<{ account_id: string; month: string; total: number; minutes: string }>`
      SELECT account_id, to_char(month, 'YYYY-MM') AS month, total, minutes::text FROM ${sql.table(`${schema}.kam_rollup_touch_months`)}
      ORDER BY month, account_id`.execute(t.database.db);
    expect(touchMonths.rows.map((row) => [row.account_id, row.month, row.total, row.minutes])).toEqual(
      [
        [id.A1, '2026-01', 1, '45'],
        [id.A1, '2026-02', 1, '15'],
        [id.A2, '2026-02', 1, '0'],
        [id.A2, '2026-03', 1, '90'],
      ].sort((a, b) => `${a[1]}${a[0]}`.localeCompare(`${b[1]}${b[0]}`)),
    );
    const dealMonths = await sql<{ month: string; outcome: string; deal_type: string; deals: number }>`
      SELECT to_char(month, 'YYYY-MM') AS month, outcome, deal_type, deals FROM ${sql.table(`${schema}.kam_rollup_deal_months`)} ORDER BY month, deal_type`.execute(
      t.database.db,
    );
    expect(dealMonths.rows.map((row) => `${row.month} ${row.outcome} ${row.deal_type} ${row.deals}`)).toEqual([
      '2025-12 won new_business 1',
      '2026-02 won upsell 1',
      '2026-03 won cross_sell 1',
      '2026-04 won upsell 1',
    ]);
  });

  it('give the same KPIs as the raw rows for the whole organization', async () => {
    const records = getRecords(t.app.ctx);
    const auth = (await toAuthContext(t.database.db, admin.userId, 'token'))!;
    const raw = createKpiService(t.app.ctx, { metadata: records.metadata });
    for (const period of ['2026-02', '2026-Q1', '2026-Q2', '2026']) {
      const fromRollups = (await orgKpis(period)).map(({ id, series, details }) => ({ id, series, details }));
      const fromRaw = (await raw.listKpis(auth, { scope: 'org', period })).kpis.map(({ id, series, details }) => ({ id, series, details }));
      expect(fromRollups, period).toEqual(fromRaw);
    }
    const q1 = Object.fromEntries((await orgKpis('2026-Q1')).map((kpi) => [kpi.id, kpi]));
    // Q1 in New York: D2 (upsell won, USD 500 = EUR 400) and D4 (cross-sell won, referral, EUR 300).
    expect(q1.upsell_rate!.series.at(-1)).toMatchObject({ value: 1 });
    expect(q1.referral_revenue_share!.series.at(-1)).toMatchObject({ value: 0.4286 });
  });

  it('are rebuilt when the organization moves to another time zone', async () => {
    await f.api(admin, 'PATCH', '/api/v1/organization', { timeZone: 'Asia/Tokyo' });
    await orgKpis('2026-Q1');
    const months = await sql<{ month: string }>`
      SELECT to_char(month, 'YYYY-MM') AS month FROM ${sql.table(`${schema}.kam_rollup_deal_months`)} ORDER BY month`.execute(
      t.database.db,
    );
    // D1 (1 January 03:00 UTC) is January's in Tokyo.
    expect(months.rows[0]?.month).toBe('2026-01');
    const state = await sql<{ time_zone: string }>`SELECT time_zone FROM ${sql.table(`${schema}.kam_rollup_state`)}`.execute(t.database.db);
    expect(state.rows[0]?.time_zone).toBe('Asia/Tokyo');
  });
});
