import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { makeProfile, makeSalesOrg, type SalesOrg } from '../report.fixtures.js';

/**
 * The query language over the report fixtures' deals (see report.fixtures.ts), Europe/Madrid, fiscal year from April,
 * EUR with 1 EUR = 1.25 USD:
 *   D1 Ana strategic 1000 EUR won  → 2026-04-01 local (fiscal 2026-Q1)
 *   D2 Ana strategic  500 USD won  → 2026-03-29 local = 400 EUR (fiscal 2025-Q4)
 *   D3 Bea key       2000 EUR lost → 2026-02-15
 *   D4 Bea (no tier)  300 EUR won  → 2026-01-01 local
 *   D5 admin          700 EUR negotiation, D6 Ana key 100 EUR proposal
 */
let t: TestContext;
let org: SalesOrg;
const FULL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

beforeAll(async () => {
  t = await createTestContext();
  org = await makeSalesOrg(t);
});
afterAll(() => t.close());

const query = (q: string, as: TestUser = org.admin) => t.request('POST', '/api/v1/query', { as, body: { q } });
async function rows(q: string, as?: TestUser) {
  const response = await query(q, as);
  expect(response.statusCode, response.body).toBe(200);
  return response.data as {
    columns: Array<{ name: string; type: string }>;
    data: Array<Record<string, unknown>>;
    labels: Array<Record<string, string | null>>;
    truncated: boolean;
  };
}

describe('POST /api/v1/query', () => {
  it('groups, sums in the organization’s currency, computes arithmetic over aggregates and sorts by an alias', async () => {
    const result = await rows(`
      SELECT owner_id, SUM(amount) AS closed, COUNT(*) FILTER (WHERE stage = 'closed_won') / COUNT(*) AS win_rate
      FROM deals WHERE stage IN ('closed_won', 'closed_lost') GROUP BY owner_id ORDER BY closed DESC`);
    expect(result.columns.map((column) => [column.name, column.type])).toEqual([
      ['owner_id', 'user'],
      ['closed', 'currency'],
      ['win_rate', 'number'],
    ]);
    // Bea: 2000 + 300, one of two won; Ana: 1000 + 500 USD (400 EUR), both won.
    expect(result.data).toEqual([
      { owner_id: org.bea.userId, closed: 2300, win_rate: 0.5 },
      { owner_id: org.ana.userId, closed: 1400, win_rate: 1 },
    ]);
    expect(result.labels.map((labels) => labels.owner_id)).toEqual(['Bea', 'Ana']);
  });

  it('buckets dates in the organization’s time zone and fiscal year', async () => {
    const months = await rows(
      `SELECT MONTH(closed_at) AS month, COUNT(*) n FROM deals WHERE stage = 'closed_won' GROUP BY MONTH(closed_at) ORDER BY month`,
    );
    expect(months.data).toEqual([
      { month: '2026-01', n: 1 },
      { month: '2026-03', n: 1 },
      { month: '2026-04', n: 1 },
    ]);
    const quarters = await rows(
      `SELECT FISCAL_QUARTER(closed_at) q, COUNT(*) n FROM deals WHERE closed_at IS NOT NULL GROUP BY FISCAL_QUARTER(closed_at) ORDER BY q`,
    );
    expect(quarters.data).toEqual([
      { q: '2025-Q4', n: 3 },
      { q: '2026-Q1', n: 1 },
    ]);
  });

  it('gives the totals of aggregates without GROUP BY, and rows of records without aggregates', async () => {
    expect((await rows('SELECT COUNT(*), SUM(amount) total, MAX(closed_at) AS last FROM deals')).data).toEqual([
      { 'COUNT(*)': 6, total: 4500, last: '2026-03-31T22:30:00.000Z' },
    ]);
    const records = await rows(
      "SELECT name, account_id.tier AS tier, account_id FROM deals WHERE account_id.tier IN ('strategic', 'key') ORDER BY name DESC LIMIT 2",
    );
    expect(records.data).toEqual([
      { name: 'D6', tier: 'key', account_id: org.accounts.key },
      { name: 'D3', tier: 'key', account_id: org.accounts.key },
    ]);
    expect(records.labels[0]).toEqual({ account_id: 'Beta' });
    expect(records.truncated).toBe(true);
  });

  it('pushes NOT down, reads LIKE, IS NULL and BETWEEN, and date literals as ranges of local days', async () => {
    const names = async (where: string) => (await rows(`SELECT name FROM deals WHERE ${where} ORDER BY name`)).data.map((row) => row.name);
    expect(await names("NOT (stage IN ('closed_won', 'closed_lost') OR amount > 500)")).toEqual(['D6']);
    expect(await names("name LIKE 'D%' AND closed_at IS NULL")).toEqual(['D5', 'D6']);
    expect(await names('amount NOT BETWEEN 300 AND 1000')).toEqual(['D3', 'D6']);
    expect(await names('owner_id = CURRENT_USER')).toEqual(['D5']);
    // 2026-04-15 in Madrid: this month is April (D1 closed at 00:30 on 1 April, local), last month March.
    const now = t.app.ctx.now;
    t.app.ctx.now = () => new Date('2026-04-15T10:00:00Z');
    try {
      expect(await names('closed_at = THIS_MONTH')).toEqual(['D1']);
      expect(await names('closed_at = LAST_MONTH')).toEqual(['D2']);
      expect(await names('closed_at < LAST_MONTH')).toEqual(['D3', 'D4']);
      expect(await names('closed_at = THIS_FISCAL_QUARTER')).toEqual(['D1']);
      expect(await names('closed_at = LAST_N_DAYS(20)')).toEqual(['D1', 'D2']);
      expect(await names('closed_at != THIS_FISCAL_YEAR')).toEqual(['D2', 'D3', 'D4']);
    } finally {
      t.app.ctx.now = now;
    }
  });

  it('answers 400 pointing at the offending token', async () => {
    const error = async (q: string) => {
      const response = await query(q);
      expect(response.statusCode, response.body).toBe(400);
      return { message: response.data.error.message as string, details: response.data.error.details };
    };
    expect(await error('SELECT name FORM deals')).toMatchObject({ details: { line: 1, column: 13, token: 'FORM' } });
    expect(await error('SELECT name FROM dealz')).toMatchObject({
      message: expect.stringContaining('Unknown module "dealz"'),
      details: { column: 18 },
    });
    expect(await error('SELECT name, colour FROM deals')).toMatchObject({
      message: expect.stringContaining('unknown field "colour"'),
      details: { column: 14 },
    });
    expect(await error("SELECT name FROM deals\nWHERE stage = 'won'")).toMatchObject({
      message: expect.stringContaining('"won" is not a value of stage'),
      details: { line: 2, column: 7, token: 'stage' },
    });
    expect(await error('SELECT owner_id, COUNT(*) FROM deals')).toMatchObject({
      message: expect.stringContaining('must be in GROUP BY'),
      details: { column: 8 },
    });
    expect(await error('SELECT SUM(name) FROM deals')).toMatchObject({ message: expect.stringContaining('SUM takes a number field') });
    expect(await error('SELECT MONTH(amount) FROM deals GROUP BY MONTH(amount)')).toMatchObject({
      message: expect.stringContaining('takes a date field'),
    });
    expect(await error('SELECT name FROM deals WHERE amount = THIS_MONTH')).toMatchObject({ details: { token: 'THIS_MONTH' } });
    expect(await error('SELECT name FROM deals LIMIT 10001')).toMatchObject({ details: { token: '10001' } });
    expect((await t.request('POST', '/api/v1/query', { as: org.admin, body: { q: '' } })).statusCode).toBe(400);
    expect((await t.request('POST', '/api/v1/query', { as: org.admin, body: { query: 'SELECT 1' } })).statusCode).toBe(400);
  });

  it('reads as the caller: a hidden field is unknown, other owners’ records are not counted, the module right is needed', async () => {
    const hidden = await makeProfile(t, org.admin, 'Query without amounts', { reports: FULL }, { deals: { amount: 'hidden' } });
    const user = await t.make.user(org.admin, { profileId: hidden, roleId: org.roles.ceo });
    for (const q of [
      'SELECT SUM(amount) FROM deals',
      'SELECT name FROM deals WHERE amount > 1',
      'SELECT amount, COUNT(*) FROM deals GROUP BY amount',
    ]) {
      const response = await query(q, user);
      expect(response.statusCode, q).toBe(400);
      expect(response.data.error.message).toContain('unknown field "amount"');
    }
    const star = await rows('SELECT * FROM deals', user);
    expect(star.columns.map((column) => column.name)).not.toContain('amount');
    expect(JSON.stringify(star.data)).not.toContain('2000');

    // Deals are private: Ana counts her own three.
    const ana = await makeProfile(t, org.admin, 'Ana queries', { reports: FULL });
    await t.database.db.updateTable('platform.users').set({ profile_id: ana }).where('id', '=', org.ana.userId).execute();
    expect((await rows('SELECT COUNT(*) n FROM deals', org.ana)).data).toEqual([{ n: 3 }]);

    const noDeals = await t.make.user(org.admin, {
      profileId: await makeProfile(t, org.admin, 'Query no deals', { reports: FULL, deals: NONE }),
    });
    expect((await query('SELECT COUNT(*) FROM deals', noDeals)).statusCode).toBe(403);
    const noReports = await t.make.user(org.admin, { name: 'Sin informes' });
    expect((await query('SELECT COUNT(*) FROM deals', noReports)).statusCode).toBe(403);

    // Another organization asks the same question about its own (empty) data.
    const stranger = await t.make.org();
    expect((await rows('SELECT COUNT(*) n FROM deals', stranger)).data).toEqual([{ n: 0 }]);
  });
});
