import { describe, expect, it } from 'vitest';
import { evaluateFormula, parseFormula } from './report-formula.js';

const keys = new Set(['won', 'closed', 'amount', 'cost']);
const value = (expression: string, values: Record<string, number | null>) => evaluateFormula(parseFormula(expression, keys, 'f'), values);

describe('report formulas', () => {
  it('follows precedence, parentheses and unary minus', () => {
    expect(value('won / closed', { won: 3, closed: 4 })).toBe(0.75);
    expect(value('(amount - cost) / amount * 100', { amount: 200, cost: 50 })).toBe(75);
    expect(value('amount - cost * 2', { amount: 200, cost: 50 })).toBe(100);
    expect(value('-won + 10.5', { won: 3 })).toBe(7.5);
  });

  it('is null on a division by zero or an empty operand', () => {
    expect(value('won / closed', { won: 0, closed: 0 })).toBeNull();
    expect(value('amount + 1', { amount: null })).toBeNull();
  });

  it('points at the offending token', () => {
    expect(() => parseFormula('won / lost', keys, 'formulas[0].expression')).toThrow(
      'formulas[0].expression: "lost" is not an aggregate of the report at character 7',
    );
    expect(() => parseFormula('won $ 2', keys, 'f')).toThrow('unexpected "$" at character 5');
    expect(() => parseFormula('(won', keys, 'f')).toThrow('a ")" is missing at the end');
    expect(() => parseFormula('won closed', keys, 'f')).toThrow('unexpected "closed" at character 5');
    expect(() => parseFormula('won /', keys, 'f')).toThrow('the formula ends too soon');
  });
});
