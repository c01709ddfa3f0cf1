import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { compileFormula, FormulaError } from './formula.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

async function field(module: string, label: string, type: string, options: Record<string, unknown> = {}, as = admin) {
  return t.request('POST', `/api/v1/modules/${module}/fields`, { as, body: { label, type, options } });
}

async function ok(module: string, label: string, type: string, options: Record<string, unknown> = {}) {
  const response = await field(module, label, type, options);
  expect(response.statusCode, response.body).toBe(201);
  return response.data.apiName as string;
}

describe('formula fields', () => {
  it('computes exact decimals from numeric strings, text, if() and dates, stored and filterable and sortable', async () => {
    const a = await ok('deals', 'Part A', 'decimal');
    const b = await ok('deals', 'Part B', 'decimal');
    const total = await ok('deals', 'Parts total', 'formula', { expression: `${a} + ${b}`, returnType: 'decimal' });
    const ratio = await ok('deals', 'Ratio', 'formula', { expression: `${a} / ${b}`, returnType: 'decimal', scale: 4 });
    const label = await ok('deals', 'Label', 'formula', {
      expression: `concat(upper(name), " #", ${a}, if(${a} > 1, " big", " small"))`,
      returnType: 'text',
    });
    const closeYear = await ok('deals', 'Close year', 'formula', {
      expression: 'year(close_date) * 100 + month(close_date)',
      returnType: 'integer',
    });

    const deal = async (name: string, va: string, vb: string) => {
      const response = await t.request('POST', '/api/v1/records/deals', {
        as: admin,
        body: { name, [a]: va, [b]: vb, stage: 'qualification', close_date: '2025-03-15' },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.data.data;
    };
    const first = await deal('alpha', '0.1', '0.2');
    expect(first[total]).toBe('0.30');
    expect(first[ratio]).toBe('0.5000');
    expect(first[label]).toBe('ALPHA #0.10 small');
    expect(first[closeYear]).toBe(202503);
    const second = await deal('beta', '5', '0');
    expect(second[total]).toBe('5.00');
    expect(second[ratio]).toBeNull(); // division by zero is empty, not an error
    expect(second[label]).toBe('BETA #5.00 big');

    // A formula is read-only, and follows the record's changes.
    const write = await t.request('PATCH', `/api/v1/records/deals/${first.id}`, { as: admin, body: { [total]: '9' } });
    expect(write.statusCode).toBe(400);
    const changed = await t.request('PATCH', `/api/v1/records/deals/${first.id}`, { as: admin, body: { [b]: '1.25' } });
    expect(changed.data.data[total]).toBe('1.35');

    const filtered = await t.request('POST', '/api/v1/records/deals/query', {
      as: admin,
      body: { filter: { field: total, op: 'gt', value: 2 }, sort: [{ field: total, direction: 'desc' }] },
    });
    expect(filtered.statusCode, filtered.body).toBe(200);
    expect(filtered.data.data.map((r: { name: string }) => r.name)).toEqual(['beta']);
    const sorted = await t.request('POST', '/api/v1/records/deals/query', {
      as: admin,
      body: { sort: [{ field: total, direction: 'asc' }] },
    });
    expect(sorted.data.data.map((r: { name: string }) => r.name)).toEqual(['alpha', 'beta']);
  });

  it('refuses bad expressions with 400 naming options.expression and a position, creating nothing', async () => {
    const before = (await t.request('GET', '/api/v1/modules/accounts', { as: admin })).data.fields.length;
    for (const [expression, returnType, position] of [
      ['employees +', 'decimal', 11],
      ['employees + nothing_here', 'decimal', 12],
      ['(employees', 'decimal', 10],
      ['employees + "x"', 'decimal', 12],
      ['sqrt(employees)', 'decimal', 0],
      ['round(employees, employees)', 'decimal', 17],
      ['if(employees, 1, 2)', 'decimal', 3],
      ['if(employees > 1, 1, "a")', 'decimal', 21],
      ['name', 'decimal', 0],
      ['created_at', 'date', 0], // datetime: not immutable
      ['employees; DROP TABLE x', 'decimal', 9],
      ['', 'decimal', 0],
    ] as const) {
      const response = await field('accounts', `F ${expression}`, 'formula', { expression, returnType });
      expect(response.statusCode, expression).toBe(400);
      expect(response.data.error.details, expression).toMatchObject({ field: 'options.expression' });
      if (expression) expect(response.data.error.details.position, expression).toBe(position);
    }
    expect((await field('accounts', 'No type', 'formula', { expression: '1' })).data.error.details.field).toBe('options.returnType');
    expect((await field('accounts', 'Bad type', 'formula', { expression: '1', returnType: 'lookup' })).statusCode).toBe(400);
    expect((await t.request('GET', '/api/v1/modules/accounts', { as: admin })).data.fields.length).toBe(before);
  });

  it('is for administrators only', async () => {
    const standard = await t.make.user(admin);
    expect((await field('accounts', 'Mine', 'formula', { expression: '1', returnType: 'decimal' }, standard)).statusCode).toBe(403);
  });
});

describe('compileFormula', () => {
  const fields = [
    { apiName: 'amount', type: 'currency', options: {} },
    { apiName: 'name', type: 'text', options: {} },
    { apiName: 'done', type: 'boolean', options: {} },
  ] as never;
  it('writes SQL with quoted names and literals only', () => {
    const { sql, fields: used } = compileFormula(`concat(name, "it's", 'x"y')`, 'text', fields);
    expect(sql).toContain(`'it''s'`);
    expect(used).toEqual(['name']);
    expect(compileFormula('amount * 2', 'currency', fields).sql).toContain('"amount"::numeric');
  });
  it('reports the position of the problem', () => {
    expect(() => compileFormula('amount * * 2', 'decimal', fields)).toThrow(FormulaError);
    try {
      compileFormula('amount * * 2', 'decimal', fields);
    } catch (error) {
      expect((error as FormulaError).position).toBe(9);
    }
    expect(() => compileFormula('not(done) + 1', 'decimal', fields)).toThrow(/numbers/);
  });
});
