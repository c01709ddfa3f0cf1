import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRecords } from '../../records/index.js';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { kpiFixtures } from '../kpis/kpi.fixtures.js';
import { createKpiService } from '../kpis/kpi.service.js';
import { createHealthDaily, type HealthDaily } from './health.daily.js';

/**
 * Daily snapshots and KAM alerts at chosen instants (Europe/Madrid). Alfa (key tier, owner Rita, Spanish) has a
 * decision maker and a champion, touched on 10 June; Beta (key tier, owner the administrator, English) has
 * nothing: never touched. Gamma is not a key account. With only touch and relationship known, Alfa's score is
 * 66.7 × touch + 33.3 and Beta's is 0.
 */
let t: TestContext;
let f: ReturnType<typeof kpiFixtures>;
let admin: TestUser;
let rep: TestUser;
let daily: HealthDaily;
let schema: string;
const id: Record<string, string> = {};

const at = (iso: string) => new Date(iso);

async function notifications() {
  const result = await sql<{ kind: string; title: string; body: string | null; user_id: string }>`
    SELECT kind, title, body, user_id FROM platform.notifications WHERE org_id = ${admin.orgId} ORDER BY created_at, title`.execute(
    t.database.db,
  );
  return result.rows;
}

async function snapshots() {
  const result = await sql<{ account_id: string; day: string; score: number; band: string }>`
    SELECT account_id, day::text AS day, score, band FROM ${sql.table(`${schema}.kam_health_snapshots`)} ORDER BY day, score`.execute(
    t.database.db,
  );
  return result.rows.map((row) => [
    row.account_id === id.alfa ? 'alfa' : row.account_id === id.beta ? 'beta' : 'other',
    row.day,
    row.score,
    row.band,
  ]);
}

beforeAll(async () => {
  t = await createTestContext();
  f = kpiFixtures(t);
  admin = await t.make.org();
  await f.api(admin, 'PATCH', '/api/v1/organization', { timeZone: 'Europe/Madrid', currency: 'EUR' });
  rep = await t.make.user(admin, { name: 'Rita', profile: 'standard' });
  await sql`UPDATE platform.users SET language = 'en' WHERE id = ${admin.userId}`.execute(t.database.db);
  await sql`UPDATE platform.users SET language = 'es' WHERE id = ${rep.userId}`.execute(t.database.db);
  schema = (await t.database.db
    .selectFrom('platform.organizations')
    .select('schema_name')
    .where('id', '=', admin.orgId)
    .executeTakeFirstOrThrow())!.schema_name;
  id.alfa = await f.create(admin, 'accounts', { name: 'Alfa', is_key_account: true, tier: 'key', owner_id: rep.userId });
  id.beta = await f.create(admin, 'accounts', { name: 'Beta', is_key_account: true, tier: 'key' });
  id.gamma = await f.create(admin, 'accounts', { name: 'Gamma', is_key_account: false });
  await f.create(admin, 'contacts', { last_name: 'Decide', account_id: id.alfa, buying_role: 'decision_maker' });
  await f.create(admin, 'contacts', { last_name: 'Apoya', account_id: id.alfa, buying_role: 'champion' });
  await f.create(admin, 'touchpoints', {
    direction: 'outbound',
    channel: 'email',
    occurred_at: '2026-06-10T10:00:00Z',
    account_id: id.alfa,
    owner_id: rep.userId,
  });
  const metadata = getRecords(t.app.ctx).metadata;
  daily = createHealthDaily(t.app.ctx, { metadata, kpis: createKpiService(t.app.ctx, { metadata }) });
});

afterAll(async () => {
  await t?.close();
});

describe('daily health snapshots and alerts', () => {
  it('snapshots every key account once a day; a rerun changes nothing', async () => {
    // 15 June: Alfa touched 5 days ago → 100; Beta never touched, nothing mapped → 0.
    expect(await daily.snapshotOrganization(admin.orgId, at('2026-06-15T10:00:00Z'))).toEqual({ snapshots: 2, bandDrops: 0, touchGaps: 1 });
    expect(await daily.snapshotOrganization(admin.orgId, at('2026-06-15T21:00:00Z'))).toEqual({ snapshots: 0, bandDrops: 0, touchGaps: 0 });
    expect(await snapshots()).toEqual([
      ['beta', '2026-06-15', 0, 'critical'],
      ['alfa', '2026-06-15', 100, 'healthy'],
    ]);
    const factors = await sql<{ factors: Array<{ id: string; value: number | null; facts: Record<string, unknown> }> }>`
      SELECT factors FROM ${sql.table(`${schema}.kam_health_snapshots`)} WHERE account_id = ${id.alfa}`.execute(t.database.db);
    expect(factors.rows[0]!.factors.find((factor) => factor.id === 'touch_cadence')).toMatchObject({
      value: 1,
      facts: { days: 5, cadence: 30 },
    });
    // The never-touched key account's owner heard once.
    expect(await notifications()).toEqual([
      { kind: 'kam.touch_gap', title: 'No touchpoint ever with Beta (cadence 30 days)', body: null, user_id: admin.userId },
    ]);
  });

  it('alerts the owner when the band drops and when the gap passes the cadence, once per gap', async () => {
    // 25 July: 45 days since 10 June → touch 0.5 → 66.7 × 0.5 + 33.3 = 66.7 → 67, at risk (from healthy).
    expect(await daily.snapshotOrganization(admin.orgId, at('2026-07-25T10:00:00Z'))).toEqual({ snapshots: 2, bandDrops: 1, touchGaps: 1 });
    // 26 July: same gap (46 days → 1 − 16/30 → 31.1 + 33.3 = 64), same band: no alert. 23:30 Madrid is still the 26th.
    expect(await daily.snapshotOrganization(admin.orgId, at('2026-07-26T21:30:00Z'))).toEqual({ snapshots: 2, bandDrops: 0, touchGaps: 0 });
    await f.create(admin, 'touchpoints', {
      direction: 'inbound',
      channel: 'phone',
      occurred_at: '2026-07-27T10:00:00Z',
      account_id: id.alfa,
      owner_id: rep.userId,
    });
    // 1 September: a new gap of 36 days since 27 July → a new alert; the score rises (1 − 6/30 = 0.8 → 87): no drop.
    expect(await daily.snapshotOrganization(admin.orgId, at('2026-09-01T10:00:00Z'))).toEqual({ snapshots: 2, bandDrops: 0, touchGaps: 1 });
    expect((await snapshots()).filter((row) => row[0] === 'alfa')).toEqual([
      ['alfa', '2026-06-15', 100, 'healthy'],
      ['alfa', '2026-07-25', 67, 'at_risk'],
      ['alfa', '2026-07-26', 64, 'at_risk'],
      ['alfa', '2026-09-01', 87, 'healthy'],
    ]);
    const sent = (await notifications()).filter((row) => row.user_id === rep.userId);
    expect(sent).toEqual([
      {
        kind: 'kam.health_band_drop',
        title: 'La salud de Alfa ha bajado a en riesgo (100 → 67)',
        body: '−33,3: sin interacciones desde hace 45 días (cadencia 30)',
        user_id: rep.userId,
      },
      { kind: 'kam.touch_gap', title: 'Sin interacciones con Alfa desde hace 45 días (cadencia 30)', body: null, user_id: rep.userId },
      { kind: 'kam.touch_gap', title: 'Sin interacciones con Alfa desde hace 36 días (cadencia 30)', body: null, user_id: rep.userId },
    ]);
    // Beta stayed critical and never touched: still the one alert.
    expect((await notifications()).filter((row) => row.user_id === admin.userId)).toHaveLength(1);
  });

  it('alerts each account manager once per KPI that missed its target in the closed month', async () => {
    await f.setTargets(admin.orgId, { touchpoints: 5, nps: 50 });
    // 5 August → July: Rita's scope had 1 touchpoint (27 July) < 5: missed; no NPS answer (null): not judged.
    const before = (await notifications()).length;
    const sent = await daily.checkKpiTargets(admin.orgId, at('2026-08-05T10:00:00Z'));
    const fresh = (await notifications()).slice(before);
    expect(fresh.filter((row) => row.user_id === rep.userId)).toEqual([
      {
        kind: 'kam.kpi_target_missed',
        title: 'Interacciones no alcanzó su objetivo en 2026-07: 1 frente a 5',
        body: null,
        user_id: rep.userId,
      },
    ]);
    // The administrator owns Beta (Rita has no role below theirs): no touchpoint in their scope, 0 < 5.
    expect(fresh.filter((row) => row.user_id === admin.userId)).toEqual([
      { kind: 'kam.kpi_target_missed', title: 'Touchpoints missed its target in 2026-07: 0 vs 5', body: null, user_id: admin.userId },
    ]);
    expect(sent).toBe(2);
    // Again later that month: nothing.
    expect(await daily.checkKpiTargets(admin.orgId, at('2026-08-20T10:00:00Z'))).toBe(0);
    expect((await notifications()).length).toBe(before + 2);
  });

  it('the scheduled run covers every organization once its day reaches 06:00, and is idempotent', async () => {
    // 03:30 in Madrid: too early for the organization's snapshot.
    expect(await daily.runDaily(at('2026-09-02T01:30:00Z'))).toMatchObject({ snapshots: 0 });
    expect((await snapshots()).filter((row) => row[1] === '2026-09-02')).toHaveLength(0);
    const now = at('2026-09-02T10:00:00Z');
    const first = await daily.runDaily(now);
    expect(first.snapshots).toBeGreaterThanOrEqual(2);
    const again = await daily.runDaily(now);
    expect(again).toMatchObject({ snapshots: 0, bandDrops: 0, touchGaps: 0, kpiAlerts: 0 });
    expect((await snapshots()).filter((row) => row[1] === '2026-09-02')).toHaveLength(2);
  });
});

describe('alerts to an owner whose profile hides some inputs', () => {
  it('names the factors the owner may not see without their figures; the same drop explains them to an owner who may', async () => {
    const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
    const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
    const boss = await t.make.org();
    await f.api(boss, 'PATCH', '/api/v1/organization', { timeZone: 'Europe/Madrid', currency: 'EUR' });
    // Cases are not for this profile, and the buying role of contacts is hidden from it.
    const profile = await f.api(boss, 'POST', '/api/v1/profiles', {
      name: 'Sin casos',
      modules: { '*': ALL, cases: NONE },
      fields: { contacts: { buying_role: 'hidden' } },
    });
    const carla = await t.make.user(boss, { name: 'Carla', profileId: profile.id as string });
    await sql`UPDATE platform.users SET language = 'es' WHERE id = ANY(${[boss.userId, carla.userId]}::uuid[])`.execute(t.database.db);

    // Two identical key accounts, one owned by Carla, one by the administrator: touched on 10 June, a decision
    // maker but no champion, one open case whose SLA runs out on 16 June.
    const accounts: Record<string, string> = {};
    for (const [name, owner] of [
      ['Delta', carla],
      ['Épsilon', boss],
    ] as const) {
      const account = await f.create(boss, 'accounts', { name, is_key_account: true, tier: 'key', owner_id: owner.userId });
      accounts[name] = account;
      await f.create(boss, 'contacts', { last_name: `Decide ${name}`, account_id: account, buying_role: 'decision_maker' });
      await f.create(boss, 'touchpoints', {
        direction: 'outbound',
        channel: 'email',
        occurred_at: '2026-06-10T10:00:00Z',
        account_id: account,
        owner_id: owner.userId,
      });
      const caseId = await f.create(boss, 'cases', { subject: `Caso ${name}`, account_id: account, status: 'open' });
      await f.setColumns(boss.orgId, 'cases', [caseId], { sla_due_at: '2026-06-16T10:00:00Z' });
    }

    // 15 June: touch 1 (44.4), case within its SLA 1 (33.3), decision maker only 0.5 (22.2 → 11.1): 89, healthy.
    expect(await daily.snapshotOrganization(boss.orgId, at('2026-06-15T10:00:00Z'))).toMatchObject({ snapshots: 2, bandDrops: 0 });
    // 20 June: the case is past its SLA → 0: 44.4 + 11.1 = 56, at risk.
    expect(await daily.snapshotOrganization(boss.orgId, at('2026-06-20T10:00:00Z'))).toMatchObject({ snapshots: 2, bandDrops: 2 });

    const sent = await sql<{ user_id: string; title: string; body: string | null }>`
      SELECT user_id, title, body FROM platform.notifications
      WHERE org_id = ${boss.orgId} AND kind = 'kam.health_band_drop' ORDER BY title`.execute(t.database.db);
    const toCarla = sent.rows.find((row) => row.user_id === carla.userId)!;
    expect(toCarla.title).toBe('La salud de Delta ha bajado a en riesgo (89 → 56)');
    expect(toCarla.body).toBe(
      [
        'Casos fuera de SLA: tu perfil no ve algún dato de este factor',
        'Cobertura de la relación: tu perfil no ve algún dato de este factor',
      ].join('\n'),
    );
    // Nothing of the figures: no points, no case count, no role.
    expect(toCarla.body).not.toMatch(/\d/);
    const toBoss = sent.rows.find((row) => row.user_id === boss.userId)!;
    expect(toBoss.title).toBe('La salud de Épsilon ha bajado a en riesgo (89 → 56)');
    expect(toBoss.body).toBe(
      [
        '−33,3: 1 de 1 caso fuera de SLA (abiertos o resueltos en los últimos 90 días)',
        '−11,1: ningún promotor (champion) identificado',
      ].join('\n'),
    );
  });

  it('tells an owner who may not read touchpoints of a gap without its days', async () => {
    const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
    const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
    const boss = await t.make.org();
    const profile = await f.api(boss, 'POST', '/api/v1/profiles', { name: 'Sin interacciones', modules: { '*': ALL, touchpoints: NONE } });
    const tomas = await t.make.user(boss, { name: 'Tomás', profileId: profile.id as string });
    await sql`UPDATE platform.users SET language = 'es' WHERE id = ${tomas.userId}`.execute(t.database.db);
    const account = await f.create(boss, 'accounts', { name: 'Zeta', is_key_account: true, tier: 'key', owner_id: tomas.userId });
    await f.create(boss, 'touchpoints', {
      direction: 'outbound',
      channel: 'email',
      occurred_at: '2026-05-01T10:00:00Z',
      account_id: account,
      owner_id: tomas.userId,
    });
    expect(await daily.snapshotOrganization(boss.orgId, at('2026-06-15T10:00:00Z'))).toMatchObject({ touchGaps: 1 });
    const sent = await sql<{ title: string }>`
      SELECT title FROM platform.notifications WHERE user_id = ${tomas.userId} AND kind = 'kam.touch_gap'`.execute(t.database.db);
    expect(sent.rows.map((row) => row.title)).toEqual(['Zeta ha pasado su cadencia de contacto sin interacciones']);
  });
});
