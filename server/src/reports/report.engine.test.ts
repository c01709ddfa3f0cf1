import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { api, CLOSED, makeSalesOrg, WON, type SalesOrg } from './report.fixtures.js';

let t: TestContext;
let org: SalesOrg;

beforeAll(async () => {
  t = await createTestContext();
  org = await makeSalesOrg(t);
});
afterAll(() => t.close());

const run = async (definition: Record<string, unknown>, period?: unknown) =>
  api(t, org.admin, 'POST', '/api/v1/reports/run', { definition: { module: 'deals', ...definition }, ...(period ? { period } : {}) });

const byKey = (groups: Array<{ keys: Record<string, unknown>; values: Record<string, unknown> }>, field: string) =>
  Object.fromEntries(groups.map((group) => [String(group.keys[field]), group.values]));

describe('summary reports', () => {
  it('sums won revenue by month in the organization’s time zone, in its currency', async () => {
    const result = await run({
      type: 'summary',
      filter: WON,
      groupBy: [{ field: 'closed_at', bucket: 'month' }],
      aggregates: [{ key: 'won_amount', fn: 'sum', field: 'amount' }],
    });
    // d4 closed 23:30 UTC on 31 Dec 2025 = 00:30 on 1 Jan in Madrid; d1 22:30 UTC on 31 Mar = 00:30 on 1 Apr (summer time);
    // d2 is 500 USD = 400 EUR.
    expect(result.groups.map((g: any) => [g.keys.closed_at, g.values.won_amount])).toEqual([
      ['2026-01', 300],
      ['2026-03', 400],
      ['2026-04', 1000],
    ]);
    expect(result.groups.map((g: any) => g.labels.closed_at)).toEqual(['ene 2026', 'mar 2026', 'abr 2026']);
    expect(result.totals).toEqual({ won_amount: 1700 });
    expect(result.currency).toBe('EUR');
  });

  it('buckets by fiscal quarter and fiscal year with the year starting in April', async () => {
    const quarters = await run({ type: 'summary', filter: WON, groupBy: [{ field: 'closed_at', bucket: 'fiscal_quarter' }] });
    expect(quarters.groups.map((g: any) => [g.keys.closed_at, g.values.count])).toEqual([
      ['2025-Q4', 2],
      ['2026-Q1', 1],
    ]);
    const years = await run({ type: 'summary', groupBy: [{ field: 'closed_at', bucket: 'fiscal_year' }] });
    expect(years.groups.map((g: any) => [g.keys.closed_at, g.values.count])).toEqual([
      ['FY2025', 3],
      ['FY2026', 1],
      [null, 2],
    ]);
    const calendar = await run({ type: 'summary', filter: WON, groupBy: [{ field: 'closed_at', bucket: 'quarter' }] });
    expect(calendar.groups.map((g: any) => [g.keys.closed_at, g.values.count])).toEqual([
      ['2026-Q1', 2],
      ['2026-Q2', 1],
    ]);
  });

  it('computes conditional aggregates and formulas per group, a division by zero being null', async () => {
    const result = await run({
      type: 'summary',
      groupBy: [{ field: 'owner_id' }],
      aggregates: [
        { key: 'won', fn: 'count', filter: WON },
        { key: 'closed', fn: 'count', filter: CLOSED },
      ],
      formulas: [{ key: 'win_rate', expression: 'won / closed', format: 'percent' }],
    });
    const owners = byKey(result.groups, 'owner_id');
    expect(owners[org.ana.userId]).toEqual({ won: 2, closed: 2, win_rate: 1 });
    expect(owners[org.bea.userId]).toEqual({ won: 1, closed: 2, win_rate: 0.5 });
    expect(owners[org.admin.userId]).toEqual({ won: 0, closed: 0, win_rate: null });
    expect(result.totals).toEqual({ won: 3, closed: 4, win_rate: 0.75 });
    const labels = Object.fromEntries(result.groups.map((g: any) => [g.keys.owner_id, g.labels.owner_id]));
    expect(labels[org.ana.userId]).toBe('Ana');
    expect(result.columns.find((c: any) => c.key === 'win_rate')).toMatchObject({ kind: 'formula', format: 'percent' });
  });

  it('groups by a related record’s field and by the owner’s role', async () => {
    const tiers = await run({
      type: 'summary',
      groupBy: [{ field: 'account_id.tier' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        { key: 'amount', fn: 'sum', field: 'amount' },
      ],
    });
    expect(tiers.groups.map((g: any) => [g.keys['account_id.tier'], g.labels['account_id.tier'], g.values.count, g.values.amount])).toEqual(
      [
        ['key', 'Clave', 2, 2100],
        ['strategic', 'Estratégica', 2, 1400],
        [null, '(Vacío)', 2, 1000],
      ],
    );
    const roles = await run({ type: 'summary', groupBy: [{ field: 'owner_id.role' }] });
    const counts = Object.fromEntries(roles.groups.map((g: any) => [g.labels['owner_id.role'], g.values.count]));
    expect(counts).toEqual({ CEO: 1, Sales: 3, Support: 2 });
  });

  it('gives subtotals per level and sorts siblings by an aggregate', async () => {
    const result = await run({
      type: 'summary',
      groupBy: [{ field: 'owner_id' }, { field: 'stage' }],
      aggregates: [{ key: 'amount', fn: 'sum', field: 'amount' }],
      sort: [{ by: 'amount', direction: 'desc' }],
    });
    // bea 2300, ana 1500 (1000 + 400 + 100), admin 700.
    expect(result.groups.map((g: any) => g.values.amount)).toEqual([2300, 1500, 700]);
    const ana = result.groups[1];
    expect(ana.keys).toEqual({ owner_id: org.ana.userId });
    expect(ana.children.map((c: any) => [c.keys.stage, c.values.amount])).toEqual([
      ['closed_won', 1400],
      ['proposal', 100],
    ]);
    expect(ana.children[0].keys).toEqual({ owner_id: org.ana.userId, stage: 'closed_won' });
    expect(result.totals.amount).toBe(4500);
  });

  it('counts distinct values, averages and the earliest date', async () => {
    const result = await run({
      type: 'summary',
      groupBy: [{ field: 'stage' }],
      aggregates: [
        { key: 'accounts', fn: 'count_distinct', field: 'account_id' },
        { key: 'average', fn: 'avg', field: 'amount' },
        { key: 'first', fn: 'min', field: 'closed_at' },
      ],
    });
    const won = byKey(result.groups, 'stage').closed_won!;
    expect(won).toEqual({ accounts: 2, average: 1700 / 3, first: '2025-12-31T23:30:00.000Z' });
    expect(result.totals.accounts).toBe(3);
  });

  it('rolls averages, minimums and conditional sums up from partial groups without distinct counts', async () => {
    const result = await run({
      type: 'summary',
      groupBy: [{ field: 'owner_id' }, { field: 'stage' }],
      aggregates: [
        { key: 'average', fn: 'avg', field: 'amount' },
        { key: 'first', fn: 'min', field: 'closed_at' },
        { key: 'largest', fn: 'max', field: 'amount' },
        { key: 'won_amount', fn: 'sum', field: 'amount', filter: WON },
      ],
    });
    // Ana: 1000 + 400 (won) + 100; Bea: 2000 (lost) + 300 (won); admin: 700.
    const owners = byKey(result.groups, 'owner_id');
    expect(owners[org.ana.userId]).toEqual({ average: 500, first: '2026-03-29T00:30:00.000Z', largest: 1000, won_amount: 1400 });
    expect(owners[org.bea.userId]).toEqual({ average: 1150, first: '2025-12-31T23:30:00.000Z', largest: 2000, won_amount: 300 });
    expect(owners[org.admin.userId]).toEqual({ average: 700, first: null, largest: 700, won_amount: null });
    expect(result.totals).toEqual({ average: 750, first: '2025-12-31T23:30:00.000Z', largest: 2000, won_amount: 1700 });
  });
});

describe('periods', () => {
  it('keeps the records of an absolute range (days of the organization’s time zone)', async () => {
    const definition = {
      type: 'summary',
      groupBy: [{ field: 'stage' }],
      period: { field: 'closed_at', range: { from: '2026-04-01', to: '2026-04-30' } },
    };
    // Only d1: 22:30 UTC on 31 March is already 1 April in Madrid.
    expect((await run(definition)).totals).toEqual({ count: 1 });
    // A run's period overrides the report's range (a dashboard's).
    expect((await run(definition, { from: '2025-10-01', to: '2026-03-31' })).totals).toEqual({ count: 3 });
  });

  it('compares a KPI with the previous period', async () => {
    const result = await run({
      type: 'summary',
      filter: WON,
      groupBy: [{ field: 'stage' }],
      aggregates: [{ key: 'won_amount', fn: 'sum', field: 'amount' }],
      period: { field: 'closed_at', range: { from: '2026-03-01', to: '2026-04-30' } },
      chart: { type: 'kpi', value: 'won_amount' },
    });
    expect(result.totals).toEqual({ won_amount: 1400 });
    // The 61 days before: 2025-12-30 … 2026-02-28 hold d4 (300).
    expect(result.previous).toEqual({ won_amount: 300 });
  });
});

describe('matrix reports', () => {
  it('gives cells, row and column totals and the grand total', async () => {
    const result = await run({ type: 'matrix', groupBy: [{ field: 'owner_id' }], columnGroupBy: [{ field: 'stage' }] });
    const cell = (owner: string, stage: string) =>
      result.cells.find((c: any) => c.row.owner_id === owner && c.column.stage === stage)?.values.count ?? 0;
    expect(cell(org.ana.userId, 'closed_won')).toBe(2);
    expect(cell(org.ana.userId, 'proposal')).toBe(1);
    expect(cell(org.bea.userId, 'closed_lost')).toBe(1);
    expect(cell(org.bea.userId, 'proposal')).toBe(0);
    expect(result.columnKeys.map((c: any) => [c.keys.stage, c.labels.stage, c.values.count])).toEqual([
      ['closed_lost', 'Cerrada perdida', 1],
      ['closed_won', 'Cerrada ganada', 3],
      ['negotiation', 'Negociación', 1],
      ['proposal', 'Propuesta/Presupuesto', 1],
    ]);
    expect(byKey(result.groups, 'owner_id')[org.ana.userId]).toEqual({ count: 3 });
    expect(result.totals).toEqual({ count: 6 });
  });
});

describe('tabular reports', () => {
  it('lists the columns, related ones included, sorted and cut at the limit', async () => {
    const result = await run({
      type: 'tabular',
      columns: ['name', 'amount', 'account_id.tier', 'owner_id.role'],
      sort: [{ by: 'amount', direction: 'desc' }],
      limit: 3,
    });
    expect(result.rows.map((row: any) => [row.name, row.amount, row['account_id.tier']])).toEqual([
      ['D3', '2000.00', 'key'],
      ['D1', '1000.00', 'strategic'],
      ['D5', '700.00', null],
    ]);
    expect(result.truncated).toBe(true);
    expect(result.display[result.rows[0]['owner_id.role']]).toBe('Support');
    expect(result.columns.map((c: any) => c.key)).toEqual(['name', 'amount', 'account_id.tier', 'owner_id.role']);
  });
});

describe('filters', () => {
  it('filter by the owner’s role and by $now, in reports and in list views alike', async () => {
    const filter = {
      and: [
        { field: 'owner_id.role', op: 'in', value: [org.roles.sales] },
        { field: 'closed_at', op: 'lt', value: '$now' },
      ],
    };
    const result = await run({ type: 'summary', filter, groupBy: [{ field: 'stage' }] });
    // Ana's closed deals (d1, d2); d6 has no closing time.
    expect(result.totals).toEqual({ count: 2 });
    const list = await api(t, org.admin, 'POST', '/api/v1/records/deals/query', { filter });
    expect(list.data.map((deal: any) => deal.name).sort()).toEqual(['D1', 'D2']);
    const bad = await t.request('POST', '/api/v1/records/deals/query', {
      as: org.admin,
      body: { filter: { field: 'owner_id.salary', op: 'eq', value: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.message).toMatch(/Users expose name, email, role/);
  });
});
