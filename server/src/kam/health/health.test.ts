import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRecords } from '../../records/index.js';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { addDays, localDate } from '../../platform/orgs/periods.js';
import { kpiFixtures } from '../kpis/kpi.fixtures.js';
import { explainFactor } from './health.factors.js';
import { computeHealthScores, loadHealthOrg } from './health.service.js';

/**
 * The health score over real records. The hand-computed account H1 is scored
 * at a fixed instant, 15 June 2026 12:00 in Europe/Madrid (org currency EUR,
 * 1 EUR = 1.1 USD); the endpoint answers at the real now.
 */
let t: TestContext;
let f: ReturnType<typeof kpiFixtures>;
let admin: TestUser;
let rep: TestUser;
let stranger: TestUser;
const id: Record<string, string> = {};
const NOW = new Date('2026-06-15T10:00:00Z');

beforeAll(async () => {
  t = await createTestContext();
  f = kpiFixtures(t);
  admin = await t.make.org();
  stranger = await t.make.org();
  await f.api(admin, 'PATCH', '/api/v1/organization', { timeZone: 'Europe/Madrid', currency: 'EUR', exchangeRates: { USD: '1.1' } });
  rep = await t.make.user(admin, { name: 'Rita', profile: 'standard' });

  id.H1 = await f.create(admin, 'accounts', { name: 'Hotel Uno', is_key_account: true, tier: 'key' });
  id.H2 = await f.create(admin, 'accounts', { name: 'Otra', is_key_account: true, tier: 'key' });

  // NPS (last 12 months = from 16 June 2025 00:00 Madrid): 10, 9, 5, 7 and 10 at the window's first instant
  // count (3 promoters, 1 detractor of 5: NPS 40); a 0 one second earlier does not, nor H2's answer.
  await f.survey(admin.orgId, 'nps', [
    { score: 10, at: '2026-03-01T10:00:00Z', accountId: id.H1 },
    { score: 9, at: '2026-03-02T10:00:00Z', accountId: id.H1 },
    { score: 5, at: '2026-03-03T10:00:00Z', accountId: id.H1 },
    { score: 7, at: '2026-03-04T10:00:00Z', accountId: id.H1 },
    { score: 10, at: '2025-06-15T22:00:00Z', accountId: id.H1 },
    { score: 0, at: '2025-06-15T21:59:59Z', accountId: id.H1 },
    { score: 0, at: '2026-03-01T10:00:00Z', accountId: id.H2 },
  ]);

  // Touchpoints: the last of H1 at 23:30 Madrid on 29 April (47 days before 15 June); one after NOW does not count.
  const touch = (account: string, at: string) =>
    f.create(admin, 'touchpoints', { direction: 'outbound', channel: 'email', occurred_at: at, account_id: account });
  await touch(id.H1, '2026-03-01T10:00:00Z');
  await touch(id.H1, '2026-04-29T21:30:00Z');
  await touch(id.H2, '2026-06-14T10:00:00Z');

  // Cases with an SLA: open and past it (1), open and within it, resolved late on 1 May (2), resolved in time;
  // resolved late on 1 February (before the 90 days from 17 March) and one without SLA do not count: 2 of 4.
  const kase = async (status: string, due: string | null, resolved: string | null) => {
    const caseId = await f.create(admin, 'cases', { subject: 'Case', account_id: id.H1, status, resolved_at: resolved });
    await f.setColumns(admin.orgId, 'cases', [caseId], { sla_due_at: due });
  };
  await kase('open', '2026-06-10T10:00:00Z', null);
  await kase('open', '2026-06-20T10:00:00Z', null);
  await kase('resolved', '2026-04-30T10:00:00Z', '2026-05-01T10:00:00Z');
  await kase('resolved', '2026-05-03T10:00:00Z', '2026-05-02T10:00:00Z');
  await kase('resolved', '2026-01-30T10:00:00Z', '2026-02-01T10:00:00Z');
  await kase('open', null, null);

  // Contracts: C1 ends on 31 August (77 days away, within 90) and nothing renews it; a lost renewal deal does not help.
  // C2 ends in 2027. C3 ended in May, C4 was renewed by C5 (both out of the question).
  const contract = (values: Record<string, unknown>) => f.create(admin, 'contracts', { account_id: id.H1, ...values });
  await contract({ name: 'C1', start_date: '2025-09-01', end_date: '2026-08-31', value: 1000 });
  await contract({ name: 'C2', start_date: '2026-01-01', end_date: '2027-12-31', value: 1000 });
  await contract({ name: 'C3', start_date: '2025-06-01', end_date: '2026-05-31', value: 1000 });
  const c4 = await contract({ name: 'C4', start_date: '2025-07-01', end_date: '2026-07-31', value: 1000 });
  await contract({ name: 'C5', start_date: '2026-08-01', end_date: '2027-07-31', value: 1000, renews_contract_id: c4 });

  // Won revenue: last 12 months 6000 EUR + 1100 USD (1000 EUR) = 7000; the 12 before 10000 + 2000 (23:00 Madrid on
  // 15 June 2025, the last day before the window) = 12000 → 7000 / 12000 = 0.5833.
  const deal = (values: Record<string, unknown>) => f.create(admin, 'deals', { name: 'Deal', account_id: id.H1, ...values });
  await deal({ stage: 'closed_won', amount: 6000, closed_at: '2026-01-10T10:00:00Z' });
  await deal({ stage: 'closed_won', amount: 1100, currency: 'USD', closed_at: '2026-02-10T10:00:00Z' });
  await deal({ stage: 'closed_won', amount: 10000, closed_at: '2025-03-01T10:00:00Z' });
  await deal({ stage: 'closed_won', amount: 2000, closed_at: '2025-06-15T21:00:00Z' });
  await deal({ stage: 'closed_won', amount: 99000, closed_at: '2024-06-15T10:00:00Z' });
  await deal({ stage: 'closed_lost', amount: 5000, closed_at: '2026-03-10T10:00:00Z', deal_type: 'renewal' });

  // Goals: G1 0 → 100 over 2026 measured 50 on 1 June (expected 100 × 165/364 = 45.3: on track); G2 due 31 March
  // (within the last 90 days) measured 8 of 10: not on track; G3 dropped, G4 due in 2025: out. 1 of 2.
  const goal = (values: Record<string, unknown>) => f.create(admin, 'account_goals', { name: 'Goal', account_id: id.H1, ...values });
  const g1 = await goal({ baseline_value: 0, target_value: 100, start_date: '2026-01-01', target_date: '2026-12-31' });
  const g2 = await goal({ target_value: 10, start_date: '2026-01-01', target_date: '2026-03-31' });
  await goal({ target_value: 10, start_date: '2026-01-01', target_date: '2026-12-31', status: 'dropped' });
  await goal({ target_value: 10, start_date: '2025-01-01', target_date: '2025-12-31' });
  await f.create(admin, 'goal_measurements', { goal_id: g1, measured_on: '2026-06-01', actual_value: 50 });
  await f.create(admin, 'goal_measurements', { goal_id: g2, measured_on: '2026-03-30', actual_value: 8 });

  // Relationship: a decision maker and a user; no champion.
  await f.create(admin, 'contacts', { last_name: 'Decide', account_id: id.H1, buying_role: 'decision_maker' });
  await f.create(admin, 'contacts', { last_name: 'Usa', account_id: id.H1, buying_role: 'user' });
});

afterAll(async () => {
  await t?.close();
});

describe('health score over records', () => {
  it('computes every factor of a hand-computed account in one set-based pass', async () => {
    const org = (await loadHealthOrg(t.database.db, getRecords(t.app.ctx).metadata, admin.orgId))!;
    const scores = await computeHealthScores(t.database.db, org, [id.H1!, id.H2!], NOW);
    const h1 = scores.get(id.H1!)!;
    const byId = Object.fromEntries(h1.factors.map((factor) => [factor.id, factor]));
    // NPS 40 → 0.7 → −6; touch 47 d / 30 → −11.3; 2 of 4 cases → −7.5; renewal → −15; goals 1 of 2 → −5;
    // revenue 0.5833 → −4.2; decision maker only → −5. Σ = −54.0 → 46, critical.
    expect(Object.fromEntries(h1.factors.map((factor) => [factor.id, [factor.value, factor.points]]))).toEqual({
      nps: [0.7, -6],
      touch_cadence: [0.4333, -11.3],
      cases_past_sla: [0.5, -7.5],
      renewal_risk: [0, -15],
      outcomes_on_track: [0.5, -5],
      revenue_trend: [0.5833, -4.2],
      relationship_coverage: [0.5, -5],
    });
    expect([h1.score, h1.band]).toEqual([46, 'critical']);
    expect(explainFactor('en', byId.nps!, 'EUR')).toBe('−6: NPS +40 from 5 answers in the last 12 months');
    expect(explainFactor('en', byId.touch_cadence!, 'EUR')).toBe('−11.3: no touchpoint for 47 days, cadence 30');
    expect(explainFactor('es', byId.renewal_risk!, 'EUR')).toBe(
      '−15: un contrato vence el 2026-08-31 (en 77 días) sin oportunidad de renovación',
    );
    expect(explainFactor('en', byId.revenue_trend!, 'EUR')).toBe(
      '−4.2: won revenue €7,000.00 in the last 12 months vs €12,000.00 the 12 before (−42%)',
    );

    // H2: NPS −100 (one 0) → 0 → −20 × 100/30; touched yesterday → 1; nothing else but no relationship (0):
    // weights 20 + 20 + 10 = 50 → nps 40 × 0 + touch 40 × 1 + relationship 20 × 0 = 40 → critical.
    const h2 = scores.get(id.H2!)!;
    expect(h2.factors.filter((factor) => factor.value !== null).map((factor) => [factor.id, factor.weight, factor.points])).toEqual([
      ['nps', 40, -40],
      ['touch_cadence', 40, 0],
      ['relationship_coverage', 20, -20],
    ]);
    expect([h2.score, h2.band]).toEqual([40, 'critical']);
  });

  it('an open renewal deal covers the ending contract', async () => {
    const deal = await f.create(admin, 'deals', { name: 'Renewal', account_id: id.H1, deal_type: 'renewal', stage: 'qualification' });
    const org = (await loadHealthOrg(t.database.db, getRecords(t.app.ctx).metadata, admin.orgId))!;
    const h1 = (await computeHealthScores(t.database.db, org, [id.H1!], NOW)).get(id.H1!)!;
    expect(h1.factors.find((factor) => factor.id === 'renewal_risk')!.value).toBe(1);
    expect(h1.score).toBe(61); // 46 + 15
    await f.api(admin, 'PATCH', `/api/v1/records/deals/${deal}`, { stage: 'closed_lost', closed_at: '2026-06-01T10:00:00Z' });
  });
});

describe('GET /api/v1/kam/accounts/{id}/health', () => {
  it('answers the live score explained in the caller’s language with 90 days of snapshots', async () => {
    const account = await f.create(admin, 'accounts', { name: 'Viva', is_key_account: true, tier: 'key', owner_id: rep.userId });
    await f.create(admin, 'contacts', { last_name: 'Jefa', account_id: account, buying_role: 'decision_maker', owner_id: rep.userId });
    await f.create(admin, 'touchpoints', {
      direction: 'inbound',
      channel: 'phone',
      occurred_at: new Date().toISOString(),
      account_id: account,
      owner_id: rep.userId,
    });
    const today = localDate(new Date(), 'Europe/Madrid');
    const schema = (await t.database.db
      .selectFrom('platform.organizations')
      .select('schema_name')
      .where('id', '=', admin.orgId)
      .executeTakeFirstOrThrow())!.schema_name;
    for (const [day, score, band] of [
      [addDays(today, -1), 80, 'healthy'],
      [addDays(today, -89), 60, 'at_risk'],
      [addDays(today, -90), 40, 'critical'],
    ] as const)
      await sql`INSERT INTO ${sql.table(`${schema}.kam_health_snapshots`)} (account_id, day, score, band) VALUES (${account}, ${day}, ${score}, ${band})`.execute(
        t.database.db,
      );
    await sql`UPDATE platform.users SET language = 'en' WHERE id = ${admin.userId}`.execute(t.database.db);
    await sql`UPDATE platform.users SET language = 'es' WHERE id = ${rep.userId}`.execute(t.database.db);

    // Touch today → 1 (weight 20 of 30 → 66.7); decision maker only → 0.5 of 33.3 → −16.7; 83.3 → 83, healthy.
    const response = await t.request('GET', `/api/v1/kam/accounts/${account}/health`, { as: admin });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data).toMatchObject({ accountId: account, score: 83, band: 'healthy' });
    expect(
      response.data.factors.map((factor: { id: string; weight: number; points: number }) => [factor.id, factor.weight, factor.points]),
    ).toEqual([
      ['nps', 0, 0],
      ['touch_cadence', 66.7, 0],
      ['cases_past_sla', 0, 0],
      ['renewal_risk', 0, 0],
      ['outcomes_on_track', 0, 0],
      ['revenue_trend', 0, 0],
      ['relationship_coverage', 33.3, -16.7],
    ]);
    expect(response.data.factors[1].explanation).toBe('0: last touchpoint 0 days ago, cadence 30');
    expect(response.data.factors[6].explanation).toBe('−16.7: no champion mapped');
    expect(response.data.factors[3].explanation).toBe('no data: no active contract; its weight goes to the other factors');
    expect(response.data.history).toEqual([
      { date: addDays(today, -89), score: 60, band: 'at_risk' },
      { date: addDays(today, -1), score: 80, band: 'healthy' },
    ]);
    expect(new Date(response.data.computedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const spanish = await t.request('GET', `/api/v1/kam/accounts/${account}/health`, { as: rep });
    expect(spanish.statusCode, spanish.body).toBe(200);
    expect(spanish.data.factors[6].explanation).toBe('−16,7: ningún promotor (champion) identificado');
    expect(spanish.data.factors[1].explanation).toBe('0: última interacción hace 0 días (cadencia 30)');
  });

  it('tells a factor built from a field the caller’s profile hides without its facts; the score stays', async () => {
    const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
    const profile = await f.api(admin, 'POST', '/api/v1/profiles', {
      name: 'No buying roles',
      modules: { '*': ALL },
      fields: { contacts: { buying_role: 'hidden' }, deals: { amount: 'hidden' } },
    });
    const viewer = await t.make.user(admin, { profileId: profile.id as string });
    await sql`UPDATE platform.users SET language = 'en' WHERE id = ANY(${[admin.userId, viewer.userId]}::uuid[])`.execute(t.database.db);
    const account = await f.create(admin, 'accounts', { name: 'Sombra', is_key_account: true, tier: 'key', owner_id: viewer.userId });
    await f.create(admin, 'contacts', { last_name: 'Jefe', account_id: account, buying_role: 'decision_maker' });
    await f.create(admin, 'touchpoints', {
      direction: 'inbound',
      channel: 'phone',
      occurred_at: new Date().toISOString(),
      account_id: account,
    });

    // As for Viva: touch today → 1 of 66.7; decision maker only → −16.7; 83.
    const seen = await t.request('GET', `/api/v1/kam/accounts/${account}/health`, { as: viewer });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.data).toMatchObject({ score: 83, band: 'healthy' });
    const byId = Object.fromEntries(seen.data.factors.map((factor: { id: string }) => [factor.id, factor]));
    expect(byId.relationship_coverage).toEqual({
      id: 'relationship_coverage',
      value: 0.5,
      weight: 33.3,
      points: -16.7,
      explanation: '−16.7: restricted: your profile cannot see some of its data',
      restricted: true,
    });
    expect(byId.revenue_trend).toMatchObject({
      value: null,
      explanation: '0: restricted: your profile cannot see some of its data',
      restricted: true,
    });
    expect(byId.touch_cadence).toMatchObject({ explanation: '0: last touchpoint 0 days ago, cadence 30' });
    expect(byId.touch_cadence.restricted).toBeUndefined();

    const full = await t.request('GET', `/api/v1/kam/accounts/${account}/health`, { as: admin });
    expect(full.data.score).toBe(83);
    expect(full.data.factors[6]).toMatchObject({ explanation: '−16.7: no champion mapped' });
    expect(full.data.factors[6].restricted).toBeUndefined();
  });

  it('is a 404 for an account the caller cannot see, of another organization or unknown; 400 for a bad id; 401 signed out', async () => {
    // Records are private by default: the standard user does not see the administrator's account.
    expect((await t.request('GET', `/api/v1/kam/accounts/${id.H1}/health`, { as: rep })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/kam/accounts/${id.H1}/health`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/kam/accounts/00000000-0000-4000-8000-000000000000/health', { as: admin })).statusCode).toBe(
      404,
    );
    const bad = await t.request('GET', '/api/v1/kam/accounts/nope/health', { as: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id');
    expect((await t.request('GET', `/api/v1/kam/accounts/${id.H1}/health`, { as: null })).statusCode).toBe(401);
  });
});

describe('KPI health_score', () => {
  it('averages each key account’s last snapshot of an ended period, and the live scores of the current one', async () => {
    const schema = (await t.database.db
      .selectFrom('platform.organizations')
      .select('schema_name')
      .where('id', '=', admin.orgId)
      .executeTakeFirstOrThrow())!.schema_name;
    const snap = (account: string, day: string, score: number, band: string) =>
      sql`INSERT INTO ${sql.table(`${schema}.kam_health_snapshots`)} (account_id, day, score, band) VALUES (${account}, ${day}, ${score}, ${band})`.execute(
        t.database.db,
      );
    await snap(id.H1!, '2026-05-10', 70, 'at_risk');
    await snap(id.H1!, '2026-05-31', 60, 'at_risk');
    await snap(id.H2!, '2026-05-15', 41, 'critical');
    await snap(id.H2!, '2026-06-01', 99, 'healthy');
    // May: H1's last is 60, H2's 41 (1 June is June's) → 50.5; April has no snapshot → null.
    const may = await t.request('GET', '/api/v1/kam/kpis?period=2026-05&ids=health_score', { as: admin });
    expect(may.statusCode, may.body).toBe(200);
    expect(may.data.kpis[0]).toMatchObject({ id: 'health_score', unit: 'score', value: 50.5, previous: null });
    const drill = await t.request('GET', '/api/v1/kam/kpis/health_score/records?period=2026-05', { as: admin });
    expect(drill.statusCode, drill.body).toBe(200);
    const rows = Object.fromEntries(
      (drill.data.data as Array<{ id: string; counted: boolean; value: string | null }>).map((row) => [row.id, [row.counted, row.value]]),
    );
    expect(rows[id.H1!]).toEqual([true, '60']);
    expect(rows[id.H2!]).toEqual([true, '41']);

    // The current month, for the account of the endpoint test: its live score (83).
    const viva = (await t.request('GET', '/api/v1/records/accounts?limit=100', { as: rep })).data.data.find(
      (row: { name: string }) => row.name === 'Viva',
    );
    const month = localDate(new Date(), 'Europe/Madrid').slice(0, 7);
    const live = await t.request('GET', `/api/v1/kam/kpis?period=${month}&ids=health_score&scope=account:${viva.id}`, { as: rep });
    expect(live.statusCode, live.body).toBe(200);
    expect(live.data.kpis[0].value).toBe(83);
  });
});
