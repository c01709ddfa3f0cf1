import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { kpiFixtures } from './kpi.fixtures.js';

/**
 * Every KPI on one small, hand-computed dataset: an organization in
 * Europe/Madrid (calendar fiscal year), the period 2026-Q1 (1 January – 31
 * March 2026, local). Roles: CEO (the administrator) → Sales manager (mgr) →
 * Sales rep (rep1, rep2); Other (other) beside Sales. Records are private
 * (the default), so rep1 sees only rep1's and "other" none of the sales team's.
 *
 * Accounts (owner): A1 Alfa (rep1, key, strategic), A2 Beta (rep2, key, key tier),
 * A3 Gamma (mgr, not key), A4 Delta (other, key, strategic).
 */
let t: TestContext;
let f: ReturnType<typeof kpiFixtures>;
let admin: TestUser;
let stranger: TestUser;
const user: Record<string, TestUser> = {};
const role: Record<string, string> = {};
const id: Record<string, string> = {};

type Item = {
  id: string;
  value: unknown;
  previous: unknown;
  target: unknown;
  unit: string;
  series: Array<{ period: string; value: unknown }>;
  details?: Record<string, unknown>;
  restricted?: boolean;
};

async function kpis(as: TestUser, query: string): Promise<Record<string, Item>> {
  const response = await t.request('GET', `/api/v1/kam/kpis?${query}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return Object.fromEntries((response.data.kpis as Item[]).map((item) => [item.id, item]));
}
const Q1 = 'period=2026-Q1';

beforeAll(async () => {
  t = await createTestContext();
  f = kpiFixtures(t);
  admin = await t.make.org();
  stranger = await t.make.org();
  await f.api(admin, 'PATCH', '/api/v1/organization', { timeZone: 'Europe/Madrid', currency: 'EUR', fiscalYearStartMonth: 1 });
  const roles = (await f.api(admin, 'GET', '/api/v1/roles')).data as Array<{ id: string; name: string }>;
  role.ceo = roles.find((r) => r.name === 'CEO')!.id;
  role.manager = (await f.api(admin, 'POST', '/api/v1/roles', { name: 'Sales manager', parentId: role.ceo })).id;
  role.rep = (await f.api(admin, 'POST', '/api/v1/roles', { name: 'Sales rep', parentId: role.manager })).id;
  role.other = (await f.api(admin, 'POST', '/api/v1/roles', { name: 'Other', parentId: role.ceo })).id;
  user.mgr = await t.make.user(admin, { name: 'Mario', roleId: role.manager });
  user.rep1 = await t.make.user(admin, { name: 'Rita', roleId: role.rep });
  user.rep2 = await t.make.user(admin, { name: 'Pablo', roleId: role.rep });
  user.other = await t.make.user(admin, { name: 'Olga', roleId: role.other });
  const owner = (name: string) => user[name]!.userId;

  const account = (name: string, by: string, key: boolean, tier: string | null) =>
    f.create(admin, 'accounts', { name, owner_id: owner(by), is_key_account: key, tier });
  id.A1 = await account('Alfa', 'rep1', true, 'strategic');
  id.A2 = await account('Beta', 'rep2', true, 'key');
  id.A3 = await account('Gamma', 'mgr', false, null);
  id.A4 = await account('Delta', 'other', true, 'strategic');

  // Contracts (ACV = value ÷ years): C1 A1 2 years 24000 → 12000; C6 A1 one quarter 3000 → 12000;
  // C2 A2 1 year 6000, renewed by C5 (9000 a year from 1 April); C3 A3 cancelled on 15 February;
  // C4 A4 cancelled on 1 January, the first day of the period: A4 is no customer at the start.
  const contract = (by: string, values: Record<string, unknown>) => f.create(admin, 'contracts', { owner_id: owner(by), ...values });
  id.C1 = await contract('rep1', {
    name: 'C1',
    account_id: id.A1,
    start_date: '2025-01-01',
    end_date: '2026-12-31',
    value: 24000,
    sow_value: 10000,
  });
  id.C6 = await contract('rep1', { name: 'C6', account_id: id.A1, start_date: '2026-01-01', end_date: '2026-03-31', value: 3000 });
  id.C2 = await contract('rep2', {
    name: 'C2',
    account_id: id.A2,
    start_date: '2025-04-01',
    end_date: '2026-03-31',
    value: 6000,
    sow_value: 5000,
  });
  id.C5 = await contract('rep2', {
    name: 'C5',
    account_id: id.A2,
    start_date: '2026-04-01',
    end_date: '2027-03-31',
    value: 9000,
    renews_contract_id: id.C2,
  });
  id.C3 = await contract('mgr', {
    name: 'C3',
    account_id: id.A3,
    start_date: '2025-06-01',
    end_date: '2026-05-31',
    value: 12000,
    sow_value: 2000,
    cancelled_at: '2026-02-15',
    status: 'cancelled',
  });
  id.C4 = await contract('other', {
    name: 'C4',
    account_id: id.A4,
    start_date: '2025-01-01',
    end_date: '2026-12-31',
    value: 10000,
    cancelled_at: '2026-01-01',
    status: 'cancelled',
  });

  const deal = (by: string, values: Record<string, unknown>) => f.create(admin, 'deals', { owner_id: owner(by), ...values });
  id.D1 = await deal('rep1', {
    name: 'D1',
    account_id: id.A1,
    deal_type: 'upsell',
    stage: 'closed_won',
    amount: 1000,
    closed_at: '2026-02-10T10:00:00Z',
    lead_source: 'customer_referral',
  });
  id.D2 = await deal('rep1', {
    name: 'D2',
    account_id: id.A1,
    deal_type: 'upsell',
    stage: 'closed_lost',
    amount: 500,
    closed_at: '2026-03-01T10:00:00Z',
  });
  id.D3 = await deal('rep2', {
    name: 'D3',
    account_id: id.A2,
    deal_type: 'cross_sell',
    stage: 'closed_won',
    amount: 2000,
    closed_at: '2026-01-15T10:00:00Z',
    lead_source: 'web',
  });
  // 22:30 UTC on 31 March is 00:30 on 1 April in Madrid: Q2.
  id.D4 = await deal('mgr', {
    name: 'D4',
    account_id: id.A3,
    deal_type: 'new_business',
    stage: 'closed_won',
    amount: 4000,
    closed_at: '2026-03-31T22:30:00Z',
  });
  // 23:30 UTC on 31 December 2025 is 00:30 on 1 January 2026 in Madrid: Q1.
  id.D5 = await deal('mgr', {
    name: 'D5',
    account_id: id.A3,
    deal_type: 'new_business',
    stage: 'closed_won',
    amount: 3000,
    closed_at: '2025-12-31T23:30:00Z',
  });
  id.D6 = await deal('rep1', {
    name: 'D6',
    account_id: id.A1,
    deal_type: 'renewal',
    stage: 'closed_won',
    amount: 500,
    closed_at: '2025-11-20T10:00:00Z',
  });
  id.D7 = await deal('other', {
    name: 'D7',
    account_id: id.A4,
    deal_type: 'upsell',
    stage: 'closed_won',
    amount: 700,
    closed_at: '2026-02-01T10:00:00Z',
  });
  // Open deal: never counted.
  await deal('rep1', { name: 'D8', account_id: id.A1, deal_type: 'upsell', stage: 'proposal', amount: 9999 });

  const touch = (by: string, values: Record<string, unknown>) => f.create(admin, 'touchpoints', { owner_id: owner(by), ...values });
  id.T1 = await touch('rep1', {
    subject: 'T1',
    account_id: id.A1,
    direction: 'inbound',
    channel: 'email',
    occurred_at: '2026-01-10T09:00:00Z',
    duration_minutes: 30,
  });
  id.T2 = await touch('rep1', {
    subject: 'T2',
    account_id: id.A1,
    direction: 'outbound',
    channel: 'face_to_face',
    occurred_at: '2026-03-20T10:00:00Z',
    duration_minutes: 90,
  });
  // 23:30 UTC on 31 March is 1 April in Madrid: Q2.
  id.T3 = await touch('rep2', {
    subject: 'T3',
    account_id: id.A2,
    direction: 'outbound',
    channel: 'phone',
    occurred_at: '2026-03-31T23:30:00Z',
    duration_minutes: 15,
  });
  id.T4 = await touch('rep2', {
    subject: 'T4',
    account_id: id.A2,
    direction: 'outbound',
    channel: 'phone',
    occurred_at: '2026-02-27T12:00:00Z',
    duration_minutes: 45,
  });
  id.T5 = await touch('other', {
    subject: 'T5',
    account_id: id.A4,
    direction: 'inbound',
    channel: 'email',
    occurred_at: '2026-02-01T08:00:00Z',
    duration_minutes: 15,
  });
  // 23:30 UTC on 31 December 2025 is 1 January 2026 in Madrid: Q1.
  id.T6 = await touch('rep1', {
    subject: 'T6',
    account_id: id.A1,
    direction: 'outbound',
    channel: 'email',
    occurred_at: '2025-12-31T23:30:00Z',
  });

  // Cases: K1 24 h within SLA, K2 48 h past it, K3 6 h without SLA, K4 resolved on 1 April local (Q2).
  const kase = async (by: string, account: string, created: string, resolved: string, due: string | null) => {
    const caseId = await f.create(admin, 'cases', {
      subject: 'Case',
      account_id: account,
      owner_id: owner(by),
      status: 'resolved',
      resolved_at: resolved,
    });
    await f.setColumns(admin.orgId, 'cases', [caseId], { created_at: created, sla_due_at: due });
    return caseId;
  };
  id.K1 = await kase('rep1', id.A1, '2026-02-01T10:00:00Z', '2026-02-02T10:00:00Z', '2026-02-03T10:00:00Z');
  id.K2 = await kase('rep2', id.A2, '2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z', '2026-03-02T00:00:00Z');
  id.K3 = await kase('rep1', id.A1, '2026-03-10T00:00:00Z', '2026-03-10T06:00:00Z', null);
  id.K4 = await kase('mgr', id.A3, '2026-03-31T10:00:00Z', '2026-03-31T22:30:00Z', '2026-04-02T00:00:00Z');

  // A contact of A2 willing to be a reference.
  await f.create(admin, 'contacts', { last_name: 'Ruiz', account_id: id.A2, owner_id: owner('rep2'), willing_reference: true });
  await f.survey(admin.orgId, 'nps', [
    { accountId: id.A1, score: 10, at: '2026-02-01T10:00:00Z' },
    { accountId: id.A1, score: 9, at: '2026-03-31T21:00:00Z' }, // 23:00 local: Q1
    { accountId: id.A2, score: 3, at: '2026-01-15T10:00:00Z' },
    { accountId: id.A2, score: 7, at: '2026-02-15T10:00:00Z' },
    { accountId: id.A4, score: 8, at: '2026-02-20T10:00:00Z' },
    { accountId: id.A3, score: 10, at: '2026-03-31T22:30:00Z' }, // 00:30 on 1 April local: Q2
  ]);
  await f.survey(admin.orgId, 'csat', [
    { accountId: id.A1, score: 5, at: '2026-01-20T10:00:00Z' },
    { accountId: id.A2, score: 4, at: '2026-02-20T10:00:00Z' },
    { accountId: id.A2, score: 2, at: '2026-03-20T10:00:00Z' },
  ]);
  await f.survey(admin.orgId, 'enps', [
    { userId: owner('rep1'), score: 9, at: '2026-01-10T10:00:00Z' },
    { userId: owner('rep2'), score: 10, at: '2026-01-10T10:00:00Z' },
    { userId: owner('mgr'), score: 6, at: '2026-01-10T10:00:00Z' },
    { userId: owner('rep1'), score: 8, at: '2026-02-10T10:00:00Z' },
    { userId: owner('other'), score: 10, at: '2026-01-10T10:00:00Z' },
    { userId: admin.userId, score: 9, at: '2026-01-10T10:00:00Z' },
  ]);

  // Goals: G1 on track (30 ≥ 100 × 89/364 = 24.45), G2 (decrease 50 → 10 by 31 March) at 12 is not,
  // G3 ended before the period, G4 dropped, G5 has no measurement.
  const goal = (by: string, values: Record<string, unknown>) => f.create(admin, 'account_goals', { owner_id: owner(by), ...values });
  const measure = (by: string, goalId: string, on: string, value: number) =>
    f.create(admin, 'goal_measurements', { owner_id: owner(by), goal_id: goalId, measured_on: on, actual_value: value });
  id.G1 = await goal('rep1', {
    name: 'G1',
    account_id: id.A1,
    baseline_value: 0,
    target_value: 100,
    start_date: '2026-01-01',
    target_date: '2026-12-31',
  });
  await measure('rep1', id.G1, '2026-02-01', 10);
  await measure('rep1', id.G1, '2026-03-15', 30);
  id.G2 = await goal('rep2', {
    name: 'G2',
    account_id: id.A2,
    baseline_value: 50,
    target_value: 10,
    start_date: '2026-01-01',
    target_date: '2026-03-31',
  });
  await measure('rep2', id.G2, '2026-03-31', 12);
  await measure('rep2', id.G2, '2026-04-01', 5);
  id.G3 = await goal('rep1', { name: 'G3', account_id: id.A1, target_value: 10, start_date: '2025-01-01', target_date: '2025-12-31' });
  id.G4 = await goal('rep2', { name: 'G4', account_id: id.A2, target_value: 10, target_date: '2026-12-31', status: 'dropped' });
  id.G5 = await goal('mgr', { name: 'G5', account_id: id.A3, target_value: 100, start_date: '2026-02-01', target_date: '2026-05-01' });

  // Leads: L1 reached and converted in Q1; L2 reached in Q1; L3 reached in 2025-Q4 and converted in Q1;
  // L4 only inbound (never reached); L5 (other's) reached in Q1.
  const lead = async (by: string, name: string, touches: Array<[string, string, string]>, convertedAt: string | null) => {
    const leadId = await f.create(admin, 'leads', { last_name: name, owner_id: owner(by) });
    for (const [direction, channel, at] of touches)
      await f.create(admin, 'touchpoints', { lead_id: leadId, direction, channel, occurred_at: at, owner_id: owner(by) });
    if (convertedAt) await f.setColumns(admin.orgId, 'leads', [leadId], { is_converted: true, converted_at: convertedAt });
    return leadId;
  };
  id.L1 = await lead('rep1', 'L1', [['outbound', 'cold_call', '2026-01-05T10:00:00Z']], '2026-02-01T10:00:00Z');
  id.L2 = await lead('rep1', 'L2', [['outbound', 'email', '2026-02-10T10:00:00Z']], null);
  id.L3 = await lead('mgr', 'L3', [['outbound', 'email', '2025-12-10T10:00:00Z']], '2026-01-20T10:00:00Z');
  id.L4 = await lead('rep2', 'L4', [['inbound', 'email', '2026-01-10T10:00:00Z']], '2026-01-25T10:00:00Z');
  id.L5 = await lead('other', 'L5', [['outbound', 'phone', '2026-03-01T10:00:00Z']], null);

  await f.setTargets(admin.orgId, { churn_rate: 0.05, clv: 20000, nps: 30 });
}, 120_000);
afterAll(() => t.close());

describe('retention', () => {
  it('org: churn, revenue churn, NRR, GRR, renewals and SOW growth', async () => {
    const k = await kpis(admin, Q1);
    // S = {A1, A2, A3} (A4's only contract was cancelled on 1 January); A3 has nothing active on 1 April.
    expect(k.churn_rate!.value).toBe(0.3333);
    // ARR at the start: A1 12000 + 12000, A2 6000, A3 12000 = 42000; lost: A3's 12000.
    expect(k.revenue_churn!.value).toBe(0.2857);
    // ARR on 1 April of S: A1 12000 (C1), A2 9000 (C5), A3 0 = 21000 ÷ 42000.
    expect(k.nrr!.value).toBe(0.5);
    // min per account: 12000 + 6000 + 0 = 18000 ÷ 42000.
    expect(k.grr!.value).toBe(0.4286);
    // Up for renewal: C2 and C6 (end 31 March); C2 renewed by C5.
    expect(k.renewal_rate!.value).toBe(0.5);
    // SOW active on 1 January: 10000 + 5000 + 2000 = 17000; on 31 March: 10000 + 5000 = 15000 → −2000 ÷ 17000.
    expect(k.sow_growth!.value).toBe(-0.1176);
    expect(k.churn_rate).toMatchObject({ unit: 'ratio', target: 0.05 });
  });

  it('team of the reps: only A1 and A2', async () => {
    const k = await kpis(admin, `${Q1}&scope=team:${role.rep}`);
    expect(k.churn_rate!.value).toBe(0);
    // (12000 + 9000) ÷ (24000 + 6000)
    expect(k.nrr!.value).toBe(0.7);
    expect(k.grr!.value).toBe(0.6);
  });

  it('an account, and a tier', async () => {
    const k = await kpis(admin, `${Q1}&scope=account:${id.A2}`);
    expect(k.churn_rate!.value).toBe(0);
    expect(k.nrr!.value).toBe(1.5);
    // Strategic tier: A1 (customer, kept) and A4 (not a customer at the start).
    const strategic = await kpis(admin, `${Q1}&tier=strategic`);
    expect(strategic.churn_rate!.value).toBe(0);
    expect(strategic.nrr!.value).toBe(0.5);
  });

  it('counts only what the caller may see', async () => {
    // rep1 sees A1 only: S = {A1}, kept.
    const k = await kpis(user.rep1!, Q1);
    expect(k.churn_rate!.value).toBe(0);
    expect(k.nrr!.value).toBe(0.5);
    // "other" may name the sales manager's scope but sees none of its accounts: nothing to divide by.
    const blind = await kpis(user.other!, `${Q1}&scope=manager:${user.mgr!.userId}`);
    expect(blind.churn_rate!.value).toBeNull();
    expect(blind.touchpoints!.value).toBe(0);
  });

  it('previous period and series: in 2025-Q4 A4 churned (cancelled on 1 January)', async () => {
    const k = await kpis(admin, Q1);
    // 2025-Q4: S = {A1 (C1), A2 (C2), A3 (C3), A4 (C4)}; all still active on 1 January except A4 (cancelled that day).
    expect(k.churn_rate!.previous).toBe(0.25);
    expect(k.churn_rate!.series.map((s) => s.period)).toEqual([
      '2024-Q2',
      '2024-Q3',
      '2024-Q4',
      '2025-Q1',
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
      '2026-Q1',
    ]);
    // No contract before 2025: no customers, no rate.
    expect(k.churn_rate!.series[0]!.value).toBeNull();
  });
});

describe('sales and organic growth', () => {
  it('org: upsell, cross-sell, referral, repeat, new to repeat, CLV', async () => {
    const k = await kpis(admin, Q1);
    // Closed in Q1 local: D1, D2, D3, D5 (1 January local), D7; D4 is 1 April local.
    expect(k.upsell_rate!.value).toBe(0.6667); // D1, D7 won of D1, D2, D7
    expect(k.cross_sell_rate!.value).toBe(1); // D3
    expect(k.referral_revenue_share!.value).toBe(0.1493); // 1000 ÷ (1000 + 2000 + 3000 + 700)
    expect(k.repeat_customer_share!.value).toBe(0.25); // A1 (D6 in November) of A1, A2, A3, A4
    expect(k.new_to_repeat_ratio!.value).toBe(0.8108); // 3000 ÷ (1000 + 2000 + 700)
    // Won in the 12 months to 31 March: D1 + D3 + D5 + D6 + D7 = 7200 over 2 customers on 31 March (A1, A2) = 3600 a year;
    // customers on 1 April 2025: A1, A2, A4; A4 churned → 1/3 → 3 years. 3600 × 3.
    expect(k.clv).toMatchObject({ value: '10800.00', unit: 'currency', target: '20000.00' });
  });

  it('team of the reps', async () => {
    const k = await kpis(admin, `${Q1}&scope=team:${role.rep}`);
    expect(k.upsell_rate!.value).toBe(0.5);
    expect(k.referral_revenue_share!.value).toBe(0.3333);
    expect(k.repeat_customer_share!.value).toBe(0.5);
    expect(k.new_to_repeat_ratio!.value).toBe(0);
    // (1000 + 2000 + 500) ÷ 2 customers × 10 years (nobody churned: the cap).
    expect(k.clv!.value).toBe('17500.00');
  });

  it('CLV of an account: revenue to date plus projected remaining value', async () => {
    const k = await kpis(admin, `${Q1}&scope=account:${id.A1}`);
    // 1500 to date + 1500 a year × (3 years − 1.25 years as a customer since 1 January 2025).
    expect(k.clv!.value).toBe('4125.00');
  });
});

describe('service', () => {
  it('SLA compliance and median resolution time (every hour counts without business hours)', async () => {
    const k = await kpis(admin, Q1);
    expect(k.sla_compliance!.value).toBe(0.5); // K1 met, K2 missed; K3 has no SLA; K4 is Q2 local
    expect(k.resolution_time_hours).toMatchObject({ value: 24, unit: 'hours' }); // median of 24, 48, 6
    const mine = await kpis(user.rep1!, Q1);
    expect(mine.sla_compliance!.value).toBe(1); // K1 only
    expect(mine.resolution_time_hours!.value).toBe(15); // median of 24 and 6
  });
});

describe('interaction', () => {
  it('touchpoints in and out, time spent, days since last touch (Madrid days)', async () => {
    const k = await kpis(admin, Q1);
    // T1, T2, T4, T5, T6 (31 December 23:30 UTC is 1 January in Madrid); T3 is 1 April in Madrid.
    expect(k.touchpoints).toMatchObject({ value: 5, unit: 'count', details: { inbound: 2, outbound: 3, hoursSpent: 3 } });
    // Key accounts on 31 March: A1 11 days (20 March), A2 32 (27 February), A4 58 (1 February) → 32.
    // Longest gap: A1 touched on 1 January, 10 January and 20 March local → 69 days (A2's 32 and A4's 58 are shorter).
    expect(k.days_since_last_touch).toMatchObject({ value: 32, unit: 'days', details: { neverTouched: 0, longestGapDays: 69 } });
    const team = await kpis(admin, `${Q1}&scope=team:${role.rep}`);
    expect(team.touchpoints!.value).toBe(4);
    expect(team.days_since_last_touch!.value).toBe(21.5);
    // T3 counts in the reps' 2026-Q2.
    const q2 = await kpis(admin, `period=2026-Q2&scope=team:${role.rep}`);
    expect(q2.touchpoints!.value).toBe(1);
    expect(q2.touchpoints!.previous).toBe(4);
  });

  it('manager scope includes subordinates; the month view', async () => {
    const k = await kpis(admin, `${Q1}&scope=manager:${user.mgr!.userId}`);
    expect(k.touchpoints!.value).toBe(4); // A1, A2 (A3 has none), not A4
    const rep = await kpis(admin, `${Q1}&scope=manager:${user.rep1!.userId}`);
    expect(rep.touchpoints!.value).toBe(3); // T1, T2, T6
    const january = await kpis(admin, `period=2026-01&scope=manager:${user.rep1!.userId}`);
    expect(january.touchpoints!.value).toBe(2); // T1, T6
  });
});

describe('satisfaction', () => {
  it('NPS, CSAT, eNPS and referenceable accounts', async () => {
    const k = await kpis(admin, Q1);
    // 5 answers in Q1 local: promoters A1 10, A1 9; detractor A2 3 → 100 × (2 − 1) ÷ 5.
    expect(k.nps).toMatchObject({ value: 20, unit: 'score', target: 30 });
    expect(k.csat!.value).toBe(0.6667); // 5, 4 of 5, 4, 2
    // 6 employee answers: promoters 9, 10, 10, 9; detractor 6 → 100 × 3 ÷ 6.
    expect(k.enps).toMatchObject({ value: 50, details: { answers: 6 } });
    // Key accounts A1 (promoter), A2 (willing contact), A4 (neither).
    expect(k.referenceable_rate!.value).toBe(0.6667);
    const team = await kpis(admin, `${Q1}&scope=team:${role.rep}`);
    expect(team.nps!.value).toBe(25); // 4 answers, 2 promoters, 1 detractor
    expect(team.referenceable_rate!.value).toBe(1);
  });

  it('eNPS stays hidden under 5 answers and has no drill-down', async () => {
    const k = await kpis(admin, `${Q1}&scope=manager:${user.mgr!.userId}`);
    expect(k.enps).toMatchObject({ value: null, details: { answers: 4 } });
    const drill = await t.request('GET', `/api/v1/kam/kpis/enps/records?${Q1}`, { as: admin });
    expect(drill.statusCode).toBe(403);
  });
});

describe('outcomes and acquisition', () => {
  it('outcomes on track', async () => {
    expect((await kpis(admin, Q1)).outcomes_on_track!.value).toBe(0.3333); // G1 of G1, G2, G5
    expect((await kpis(admin, `${Q1}&scope=team:${role.rep}`)).outcomes_on_track!.value).toBe(0.5); // G1 of G1, G2
  });

  it('acquisition rate per scope', async () => {
    const k = await kpis(admin, Q1);
    // Reached in Q1: L1, L2, L5; converted in Q1 after being reached: L1, L3 (L4 was never reached).
    expect(k.acquisition_rate).toMatchObject({ value: 0.6667, details: { reached: 3, converted: 2 } });
    expect((await kpis(admin, `${Q1}&scope=team:${role.rep}`)).acquisition_rate!.value).toBe(0.5);
    expect((await kpis(admin, `${Q1}&scope=manager:${user.mgr!.userId}`)).acquisition_rate!.value).toBe(1);
    expect((await kpis(admin, `${Q1}&scope=account:${id.A1}`)).acquisition_rate!.value).toBeNull();
  });
});

describe('empty periods', () => {
  it('rates are null and counts 0', async () => {
    const k = await kpis(admin, 'period=2023');
    expect(k.touchpoints!.value).toBe(0);
    for (const kpi of [
      'churn_rate',
      'upsell_rate',
      'nps',
      'csat',
      'sla_compliance',
      'outcomes_on_track',
      'acquisition_rate',
      'clv',
      'resolution_time_hours',
    ])
      expect(k[kpi]!.value, kpi).toBeNull();
    expect(k.health_score!.value).toBeNull();
  });
});

describe('drill-down', () => {
  it('lists the records behind churn with the churned flagged', async () => {
    const response = await t.request('GET', `/api/v1/kam/kpis/churn_rate/records?${Q1}`, { as: admin });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data).toMatchObject({ module: 'accounts', period: '2026-Q1', total: 3, counted: 1, nextCursor: null });
    const byName = Object.fromEntries(response.data.data.map((row: { display: string }) => [row.display, row]));
    expect(byName.Gamma).toMatchObject({ id: id.A3, counted: true, value: '12000.00' });
    expect(byName.Alfa).toMatchObject({ counted: false, value: '24000.00' });
  });

  it('pages by id', async () => {
    const first = await t.request('GET', `/api/v1/kam/kpis/touchpoints/records?${Q1}&limit=2`, { as: admin });
    expect(first.data.data).toHaveLength(2);
    const second = await t.request('GET', `/api/v1/kam/kpis/touchpoints/records?${Q1}&limit=2&cursor=${first.data.nextCursor}`, {
      as: admin,
    });
    const third = await t.request('GET', `/api/v1/kam/kpis/touchpoints/records?${Q1}&limit=2&cursor=${second.data.nextCursor}`, {
      as: admin,
    });
    const ids = [...first.data.data, ...second.data.data, ...third.data.data].map((row: { id: string }) => row.id).sort();
    expect(ids).toEqual([id.T1, id.T2, id.T4, id.T5, id.T6].sort());
    expect(third.data.nextCursor).toBeNull();
  });

  it('shows the deals, cases, answers, goals and leads behind other KPIs', async () => {
    const drill = async (kpi: string, query = Q1) =>
      (await t.request('GET', `/api/v1/kam/kpis/${kpi}/records?${query}`, { as: admin })).data;
    const upsell = await drill('upsell_rate');
    expect(upsell).toMatchObject({ module: 'deals', total: 3, counted: 2 });
    expect(upsell.data.map((row: { display: string }) => row.display).sort()).toEqual(['D1', 'D2', 'D7']);
    expect(await drill('sla_compliance')).toMatchObject({ module: 'cases', total: 2, counted: 1 });
    expect(await drill('nps')).toMatchObject({ module: 'kam_survey_responses', total: 5, counted: 2 });
    expect(await drill('outcomes_on_track')).toMatchObject({ module: 'account_goals', total: 3, counted: 1 });
    expect(await drill('acquisition_rate')).toMatchObject({ module: 'leads', total: 4, counted: 2 });
    expect(await drill('renewal_rate')).toMatchObject({ module: 'contracts', total: 2, counted: 1 });
  });
});

describe('errors', () => {
  it('a bad period, scope, tier or id is a 400 naming it', async () => {
    const field = async (url: string) => {
      const response = await t.request('GET', url, { as: admin });
      expect(response.statusCode, response.body).toBe(400);
      return response.data.error.details?.field;
    };
    expect(await field('/api/v1/kam/kpis?period=2026-Q5')).toBe('period');
    expect(await field('/api/v1/kam/kpis?period=2026-Q1&scope=boss:1')).toBe('scope');
    expect(await field('/api/v1/kam/kpis?period=2026-Q1&scope=manager:not-a-uuid')).toBe('scope');
    expect(await field('/api/v1/kam/kpis?period=2026-Q1&tier=gold')).toBe('tier');
    expect(await field('/api/v1/kam/kpis?period=2026-Q1&ids=churn_rate,happiness')).toBe('ids');
    expect(await field('/api/v1/kam/kpis/happiness/records?period=2026-Q1')).toBe('id');
    expect(await field('/api/v1/kam/acquisition-curve?period=2026-Q1&channel=pigeon')).toBe('channel');
    const missing = await t.request('GET', '/api/v1/kam/kpis', { as: admin });
    expect(missing.statusCode).toBe(400);
  });

  it("another organization's user, role or account is a 404; so is an account the caller may not see", async () => {
    for (const scope of [`manager:${user.mgr!.userId}`, `team:${role.rep}`, `account:${id.A1}`]) {
      const response = await t.request('GET', `/api/v1/kam/kpis?${Q1}&scope=${scope}`, { as: stranger });
      expect(response.statusCode, scope).toBe(404);
    }
    expect((await t.request('GET', `/api/v1/kam/kpis?${Q1}&scope=account:${id.A4}`, { as: user.rep1! })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/kam/kpis/churn_rate/records?${Q1}&scope=account:${id.A1}`, { as: stranger })).statusCode).toBe(
      404,
    );
  });

  it('needs a signed-in user', async () => {
    expect((await t.request('GET', `/api/v1/kam/kpis?${Q1}`, { as: null })).statusCode).toBe(401);
  });

  it('a subset of KPIs by id', async () => {
    const response = await t.request('GET', `/api/v1/kam/kpis?${Q1}&ids=nps,churn_rate`, { as: admin });
    expect(response.data.kpis.map((k: { id: string }) => k.id)).toEqual(['nps', 'churn_rate']);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const paths = (await t.request('GET', '/api/openapi.json', { as: null })).data.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/v1/kam/kpis', '/api/v1/kam/kpis/{id}/records', '/api/v1/kam/acquisition-curve']),
    );
  });
});

describe('field-level security', () => {
  const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
  let auditor: TestUser;
  beforeAll(async () => {
    // Sees every record (CEO role) but not the deals' amounts, the accounts' tier nor the cases' SLA due time.
    const profile = await f.api(admin, 'POST', '/api/v1/profiles', {
      name: 'No amounts',
      modules: { '*': ALL },
      fields: { deals: { amount: 'hidden' }, accounts: { tier: 'hidden' }, cases: { sla_due_at: 'hidden' } },
    });
    auditor = await t.make.user(admin, { name: 'Ana', roleId: role.ceo!, profileId: profile.id as string });
  });

  it('withholds the KPIs built from a hidden field; the others stay as the administrator sees them', async () => {
    const k = await kpis(auditor, Q1);
    for (const kpi of ['referral_revenue_share', 'new_to_repeat_ratio', 'clv', 'sla_compliance']) {
      expect(k[kpi], kpi).toMatchObject({ value: null, previous: null, restricted: true });
      expect(
        k[kpi]!.series.every((s) => s.value === null),
        kpi,
      ).toBe(true);
      expect(k[kpi]!.series).toHaveLength(8);
    }
    // The target is a setting, not data: it stays.
    expect(k.clv!.target).toBe('20000.00');
    // Counts of deals do not read their amounts.
    expect(k.upsell_rate).toMatchObject({ value: 0.6667 });
    expect(k.upsell_rate!.restricted).toBeUndefined();
    expect(k.cross_sell_rate!.value).toBe(1);
    expect(k.repeat_customer_share!.value).toBe(0.25);
    expect(k.resolution_time_hours!.value).toBe(24);
    expect(k.churn_rate).toMatchObject({ value: 0.3333, previous: 0.25 });
    expect(k.revenue_churn!.value).toBe(0.2857);
    expect(k.nps!.value).toBe(20);
    expect(k.touchpoints).toMatchObject({ value: 5, details: { inbound: 2, outbound: 3, hoursSpent: 3 } });
    expect(k.acquisition_rate!.value).toBe(0.6667);
    expect(k.outcomes_on_track!.value).toBe(0.3333);
  });

  it('the administrator is unaffected', async () => {
    const k = await kpis(admin, Q1);
    expect(k.clv).toMatchObject({ value: '10800.00' });
    expect(k.clv!.restricted).toBeUndefined();
    expect(k.sla_compliance!.value).toBe(0.5);
  });

  it('a module the profile may not read restricts the KPIs that count it', async () => {
    const profile = await f.api(admin, 'POST', '/api/v1/profiles', {
      name: 'No cases',
      modules: { '*': ALL, cases: { ...ALL, create: false, read: false, edit: false, delete: false } },
    });
    const blind = await t.make.user(admin, { roleId: role.ceo!, profileId: profile.id as string });
    const k = await kpis(blind, `${Q1}&ids=sla_compliance,resolution_time_hours,nps`);
    expect(k.sla_compliance).toMatchObject({ value: null, restricted: true });
    expect(k.resolution_time_hours).toMatchObject({ value: null, restricted: true });
    expect(k.nps!.value).toBe(20);
  });

  it('the records behind a restricted KPI are a 403; those of a count show no amount', async () => {
    for (const kpi of ['clv', 'referral_revenue_share', 'sla_compliance']) {
      const response = await t.request('GET', `/api/v1/kam/kpis/${kpi}/records?${Q1}`, { as: auditor });
      expect(response.statusCode, kpi).toBe(403);
      expect(response.data.error.message).toContain(kpi);
    }
    const upsell = await t.request('GET', `/api/v1/kam/kpis/upsell_rate/records?${Q1}`, { as: auditor });
    expect(upsell.statusCode, upsell.body).toBe(200);
    expect(upsell.data).toMatchObject({ module: 'deals', total: 3, counted: 2 });
    expect(upsell.data.data.map((row: { value: unknown }) => row.value)).toEqual([null, null, null]);
    const mine = await t.request('GET', `/api/v1/kam/kpis/upsell_rate/records?${Q1}`, { as: admin });
    expect(mine.data.data.map((row: { value: string }) => row.value).sort()).toEqual(['1000.00', '500.00', '700.00']);
  });

  it('a tier filter on a hidden tier is a 400 naming tier', async () => {
    for (const url of [`/api/v1/kam/kpis?${Q1}&tier=strategic`, `/api/v1/kam/kpis/churn_rate/records?${Q1}&tier=strategic`]) {
      const response = await t.request('GET', url, { as: auditor });
      expect(response.statusCode, url).toBe(400);
      expect(response.data.error.details.field).toBe('tier');
    }
    expect((await t.request('GET', `/api/v1/kam/kpis?${Q1}&tier=strategic`, { as: admin })).statusCode).toBe(200);
  });

  it('documents restricted in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/api/openapi.json', { as: null })).data;
    expect(JSON.stringify(doc.paths['/api/v1/kam/kpis'].get.responses['200'])).toContain('restricted');
  });
});
