import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

async function api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const response = await t.request(method, url, { as: admin, body });
  expect(response.statusCode, `${method} ${url} ${response.body}`).toBeLessThan(300);
  return response.data;
}

const account = async (name: string) => (await api('POST', '/api/v1/records/accounts', { name })).data.id as string;
const deal = async (accountId: string, amount: string) =>
  (
    await api('POST', '/api/v1/records/deals', {
      name: `Deal ${amount}`,
      account_id: accountId,
      amount,
      stage: 'qualification',
      close_date: '2025-01-01',
    })
  ).data.id as string;

describe('roll-up fields', () => {
  it('fills existing records when created, and follows create, update, move, delete and restore of children', async () => {
    const a = await account('A');
    const b = await account('B');
    await deal(a, '100.10');
    await deal(a, '0.20');
    const total = (
      await api('POST', '/api/v1/modules/accounts/fields', {
        label: 'Deals total',
        type: 'rollup',
        options: { rollup: { module: 'deals', via: 'account_id', fn: 'sum', field: 'amount' } },
      })
    ).apiName as string;
    const count = (
      await api('POST', '/api/v1/modules/accounts/fields', {
        label: 'Deal count',
        type: 'rollup',
        options: { rollup: { module: 'deals', via: 'account_id', fn: 'count' } },
      })
    ).apiName as string;
    const biggest = (
      await api('POST', '/api/v1/modules/accounts/fields', {
        label: 'Biggest deal',
        type: 'rollup',
        options: { rollup: { module: 'deals', via: 'account_id', fn: 'max', field: 'amount' } },
      })
    ).apiName as string;
    const values = async (id: string) => {
      const record = (await api('GET', `/api/v1/records/accounts/${id}`)).data;
      return [record[total], record[count], record[biggest]];
    };
    // Backfilled.
    expect(await values(a)).toEqual(['100.30', '2', '100.10']);
    expect(await values(b)).toEqual(['0.00', '0', null]);
    // A new parent starts at zero.
    expect(await values(await account('C'))).toEqual(['0.00', '0', null]);

    const d = await deal(a, '50');
    expect(await values(a)).toEqual(['150.30', '3', '100.10']);
    await api('PATCH', `/api/v1/records/deals/${d}`, { amount: '500' });
    expect(await values(a)).toEqual(['600.30', '3', '500.00']);
    // Moved to another account: both parents change.
    await api('PATCH', `/api/v1/records/deals/${d}`, { account_id: b });
    expect(await values(a)).toEqual(['100.30', '2', '100.10']);
    expect(await values(b)).toEqual(['500.00', '1', '500.00']);
    await api('DELETE', `/api/v1/records/deals/${d}`);
    expect(await values(b)).toEqual(['0.00', '0', null]);
    await api('POST', `/api/v1/records/deals/${d}/restore`);
    expect(await values(b)).toEqual(['500.00', '1', '500.00']);
    // Bulk writes go through the same path.
    await api('POST', '/api/v1/records/deals/bulk', {
      mode: 'create',
      records: [
        { name: 'Bulk 1', account_id: b, amount: '1', stage: 'qualification', close_date: '2025-01-01' },
        { name: 'Bulk 2', account_id: b, amount: '2', stage: 'qualification', close_date: '2025-01-01' },
      ],
    });
    expect(await values(b)).toEqual(['503.00', '3', '500.00']);
    // The roll-up is read-only.
    expect((await t.request('PATCH', `/api/v1/records/accounts/${b}`, { as: admin, body: { [total]: '1' } })).statusCode).toBe(400);
    // A formula can read a roll-up.
    const avg = (
      await api('POST', '/api/v1/modules/accounts/fields', {
        label: 'Average deal',
        type: 'formula',
        options: { expression: `${total} / ${count}`, returnType: 'currency' },
      })
    ).apiName as string;
    await deal(b, '3');
    expect((await api('GET', `/api/v1/records/accounts/${b}`)).data[avg]).toBe('126.50');
  });

  it('refuses settings that do not fit with 400 naming the option', async () => {
    for (const [rollup, field] of [
      [undefined, 'options.rollup'],
      [{ module: 'nothing_here', via: 'account_id', fn: 'sum', field: 'amount' }, 'options.rollup.module'],
      [{ module: 'deals', via: 'contact_id', fn: 'sum', field: 'amount' }, 'options.rollup.via'],
      [{ module: 'deals', via: 'name', fn: 'sum', field: 'amount' }, 'options.rollup.via'],
      [{ module: 'deals', via: 'account_id', fn: 'sum', field: 'name' }, 'options.rollup.field'],
      [{ module: 'deals', via: 'account_id', fn: 'sum' }, 'options.rollup.field'],
      [{ module: 'deals', via: 'account_id', fn: 'count', field: 'amount' }, 'options.rollup.field'],
    ] as const) {
      const response = await t.request('POST', '/api/v1/modules/accounts/fields', {
        as: admin,
        body: { label: 'Bad', type: 'rollup', options: { rollup } },
      });
      expect(response.statusCode, JSON.stringify(rollup)).toBe(400);
      expect(response.data.error.details.field, JSON.stringify(rollup)).toBe(field);
    }
    const fields = (await api('GET', '/api/v1/modules/accounts')).fields as Array<{ label: string }>;
    expect(fields.filter((f) => f.label === 'Bad')).toEqual([]);
  });
});
