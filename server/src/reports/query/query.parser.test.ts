import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/http/app-error.js';
import { parseQuery } from './query.parser.js';

/** The error a query text raises, with where it points. */
function errorOf(text: string): { message: string; details: { line: number; column: number; token: string | null } } {
  try {
    parseQuery(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.statusCode).toBe(400);
    return { message: appError.message, details: appError.details as never };
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('query language parser', () => {
  it('reads a grouped query with aliases, buckets, a conditional aggregate and arithmetic', () => {
    const query = parseQuery(`
      SELECT owner_id, MONTH(closed_at) AS month, SUM(amount) won,
             COUNT(*) FILTER (WHERE stage = 'closed_won') / COUNT(*) AS win_rate
      FROM deals
      WHERE closed_at = THIS_FISCAL_YEAR AND (amount >= -10.5 OR account_id.tier IN ('a', 'b'))
      GROUP BY owner_id, MONTH(closed_at)
      ORDER BY won DESC, month
      LIMIT 20;`);
    expect(query.from.module).toBe('deals');
    expect(query.select.map((item) => [item.text, item.alias])).toEqual([
      ['owner_id', undefined],
      ['MONTH(closed_at)', 'month'],
      ['SUM(amount)', 'won'],
      ["COUNT(*) FILTER (WHERE stage = 'closed_won') / COUNT(*)", 'win_rate'],
    ]);
    const winRate = query.select[3]!.expression;
    expect(winRate.kind).toBe('arithmetic');
    if (winRate.kind !== 'arithmetic' || winRate.left.kind !== 'aggregate') throw new Error('expected COUNT(*) FILTER … / COUNT(*)');
    expect(winRate.op).toBe('/');
    expect(winRate.left.filter).toMatchObject({
      kind: 'compare',
      op: '=',
      field: { path: 'stage' },
      value: { kind: 'string', value: 'closed_won' },
    });
    expect(query.where).toMatchObject({
      kind: 'and',
      items: [
        { kind: 'compare', field: { path: 'closed_at' }, value: { kind: 'date_range', name: 'THIS_FISCAL_YEAR' } },
        {
          kind: 'or',
          items: [
            { kind: 'compare', op: '>=', value: { kind: 'number', value: -10.5 } },
            { kind: 'in', field: { path: 'account_id.tier' }, negated: false, values: [{ value: 'a' }, { value: 'b' }] },
          ],
        },
      ],
    });
    expect(query.groupBy.map((group) => group.kind)).toEqual(['field', 'bucket']);
    expect(query.orderBy.map((order) => order.direction)).toEqual(['desc', 'asc']);
    expect(query.limit?.value).toBe(20);
  });

  it('reads keywords in any case, comments, quotes inside text and the negated forms', () => {
    const query = parseQuery(`select * from leads -- every visible field
      where not (company like 'O''Brien%' or status is null) and owner_id = current_user
        and email is not null and status not in ('junk') and created_at not between LAST_N_DAYS(30) and TODAY`);
    expect(query.star).not.toBeNull();
    expect(query.where).toMatchObject({
      kind: 'and',
      items: [
        {
          kind: 'not',
          item: {
            kind: 'or',
            items: [
              { kind: 'like', pattern: { value: "O'Brien%" } },
              { kind: 'is_null', negated: false },
            ],
          },
        },
        { kind: 'compare', value: { kind: 'current_user' } },
        { kind: 'is_null', negated: true },
        { kind: 'in', negated: true },
        { kind: 'between', negated: true, low: { name: 'LAST_N_DAYS', days: 30 }, high: { name: 'TODAY' } },
      ],
    });
  });

  it('points at the offending token with its line and column', () => {
    expect(errorOf('SELECT name FORM deals')).toMatchObject({
      message: 'Expected FROM after the selected items (line 1, column 13, at "FORM")',
      details: { line: 1, column: 13, token: 'FORM' },
    });
    expect(errorOf('SELECT name\nFROM deals\nWHERE amount >')).toMatchObject({ details: { line: 3, column: 15, token: null } });
    expect(errorOf("SELECT name FROM deals WHERE name = 'open")).toMatchObject({
      message: expect.stringContaining('not closed with a quote'),
      details: { column: 37 },
    });
    expect(errorOf('SELECT name FROM deals WHERE amount = NULL')).toMatchObject({
      message: expect.stringContaining('Use IS NULL'),
      details: { token: 'NULL' },
    });
    expect(errorOf('SELECT name FROM deals LIMIT 2.5')).toMatchObject({ details: { token: '2.5' } });
    expect(errorOf('SELECT MEDIAN(amount) FROM deals')).toMatchObject({
      message: expect.stringContaining('Unknown function MEDIAN'),
      details: { column: 8 },
    });
    expect(errorOf('SELECT SUM(DISTINCT amount) FROM deals')).toMatchObject({
      message: expect.stringContaining('DISTINCT goes with COUNT'),
    });
    expect(errorOf('SELECT name FROM deals WHERE name ~ 1')).toMatchObject({
      message: expect.stringContaining('Unexpected character "~"'),
      details: { column: 35 },
    });
    expect(errorOf('SELECT name FROM deals; DROP TABLE deals')).toMatchObject({
      message: expect.stringContaining('Unexpected text after the query'),
      details: { token: 'DROP' },
    });
    expect(errorOf('SELECT name FROM deals WHERE created_at > LAST_N_DAYS(0)')).toMatchObject({ details: { token: '0' } });
    expect(errorOf('SELECT FROM deals')).toMatchObject({ details: { token: 'FROM' } });
  });

  it('refuses text longer than 10,000 characters', () => {
    expect(errorOf(`SELECT name FROM deals WHERE name = '${'x'.repeat(10_000)}'`).message).toContain('at most 10,000 characters');
  });
});
