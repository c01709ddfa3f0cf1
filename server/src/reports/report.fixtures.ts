import { expect } from 'vitest';
import type { TestContext, TestUser } from '../test/test-app.js';

/**
 * A small sales organization for report tests, with values chosen so every
 * expected figure can be worked out by hand (see the table in each test file):
 * Europe/Madrid, fiscal year from April, EUR with 1 EUR = 1.25 USD.
 */
export interface SalesOrg {
  admin: TestUser;
  ana: TestUser;
  bea: TestUser;
  roles: { ceo: string; sales: string; support: string };
  accounts: { strategic: string; key: string; plain: string };
  deals: Record<'d1' | 'd2' | 'd3' | 'd4' | 'd5' | 'd6', string>;
}

export async function api(t: TestContext, as: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown) {
  const response = await t.request(method, url, { as, body });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.data;
}

async function createMany(t: TestContext, as: TestUser, module: string, records: Array<Record<string, unknown>>): Promise<string[]> {
  const result = await api(t, as, 'POST', `/api/v1/records/${module}/bulk?allowDuplicates=true`, { mode: 'create', records });
  return (result.data as Array<{ id: string; status: string }>).map((row) => {
    expect(row.status).toBe('created');
    return row.id;
  });
}

/**
 * Deals (owner, account tier, amount, stage, closed_at in UTC → Madrid local):
 *   d1 ana  strategic 1000 EUR closed_won  2026-03-31T22:30Z → 2026-04-01 00:30 (month 2026-04, fiscal 2026-Q1)
 *   d2 ana  strategic  500 USD closed_won  2026-03-29T00:30Z → 2026-03-29 01:30, the DST night (2026-03, 2025-Q4) = 400 EUR
 *   d3 bea  key       2000 EUR closed_lost 2026-02-15T12:00Z → 2026-02 (2025-Q4)
 *   d4 bea  (no tier)  300 EUR closed_won  2025-12-31T23:30Z → 2026-01-01 00:30 (2026-01, 2025-Q4)
 *   d5 admin (none)    700 EUR negotiation
 *   d6 ana  key        100 EUR proposal
 */
export async function makeSalesOrg(t: TestContext): Promise<SalesOrg> {
  const admin = await t.make.org();
  await api(t, admin, 'PATCH', '/api/v1/organization', {
    timeZone: 'Europe/Madrid',
    fiscalYearStartMonth: 4,
    currency: 'EUR',
    exchangeRates: { USD: '1.25' },
  });
  const ceo = (await api(t, admin, 'GET', '/api/v1/roles')).data[0].id as string;
  const sales = (await api(t, admin, 'POST', '/api/v1/roles', { name: 'Sales', parentId: ceo })).id as string;
  const support = (await api(t, admin, 'POST', '/api/v1/roles', { name: 'Support', parentId: ceo })).id as string;
  const ana = await t.make.user(admin, { name: 'Ana', roleId: sales });
  const bea = await t.make.user(admin, { name: 'Bea', roleId: support });
  const [strategic, key, plain] = await createMany(t, admin, 'accounts', [
    { name: 'Acme', tier: 'strategic' },
    { name: 'Beta', tier: 'key' },
    { name: 'Gamma' },
  ]);
  const deal = (
    name: string,
    owner: TestUser,
    account: string | null,
    amount: string,
    currency: string,
    stage: string,
    closedAt: string | null,
  ) => ({
    name,
    owner_id: owner.userId,
    account_id: account,
    amount,
    currency,
    stage,
    ...(closedAt ? { closed_at: closedAt } : {}),
  });
  const ids = await createMany(t, admin, 'deals', [
    deal('D1', ana, strategic!, '1000', 'EUR', 'closed_won', '2026-03-31T22:30:00Z'),
    deal('D2', ana, strategic!, '500', 'USD', 'closed_won', '2026-03-29T00:30:00Z'),
    deal('D3', bea, key!, '2000', 'EUR', 'closed_lost', '2026-02-15T12:00:00Z'),
    deal('D4', bea, plain!, '300', 'EUR', 'closed_won', '2025-12-31T23:30:00Z'),
    deal('D5', admin, null, '700', 'EUR', 'negotiation', null),
    deal('D6', ana, key!, '100', 'EUR', 'proposal', null),
  ]);
  const [d1, d2, d3, d4, d5, d6] = ids as [string, string, string, string, string, string];
  return {
    admin,
    ana,
    bea,
    roles: { ceo, sales, support },
    accounts: { strategic: strategic!, key: key!, plain: plain! },
    deals: { d1, d2, d3, d4, d5, d6 },
  };
}

/** A profile with the given module rights and field levels (standard users' '*' rights plus these). */
export async function makeProfile(
  t: TestContext,
  admin: TestUser,
  name: string,
  modules: Record<string, Record<string, boolean>>,
  fields?: Record<string, Record<string, 'hidden' | 'read_only'>>,
): Promise<string> {
  const all = { create: true, read: true, edit: true, delete: true, import: false, export: false };
  return (await api(t, admin, 'POST', '/api/v1/profiles', { name, modules: { '*': all, ...modules }, ...(fields ? { fields } : {}) })).id;
}

export const WON = { field: 'stage', op: 'in', value: ['closed_won'] };
export const CLOSED = { field: 'stage', op: 'in', value: ['closed_won', 'closed_lost'] };
