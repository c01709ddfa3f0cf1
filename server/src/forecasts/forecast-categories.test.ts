import { describe, expect, it } from 'vitest';
import { addAmounts, defaultCategoryOf, fromCents, quotaFigures, subtractAmounts, toCents, zeroAmounts } from './forecast-categories.js';
import { buildHierarchy } from './forecast-hierarchy.js';

describe('forecast categories', () => {
  it('derives a stage’s default category from its outcome and probability', () => {
    expect(defaultCategoryOf('won', 100)).toBe('closed');
    expect(defaultCategoryOf('lost', 0)).toBe('omitted');
    expect(defaultCategoryOf('open', 70)).toBe('commit');
    expect(defaultCategoryOf('open', 69)).toBe('best_case');
    expect(defaultCategoryOf('open', 40)).toBe('best_case');
    expect(defaultCategoryOf('open', 39)).toBe('pipeline');
    expect(defaultCategoryOf(undefined, null)).toBe('pipeline');
  });

  it('adds and subtracts amounts to the cent', () => {
    expect(toCents('0.1') + toCents('0.2')).toBe(30n);
    expect(fromCents(toCents('-12.5'))).toBe('-12.50');
    const a = { ...zeroAmounts(), commit: '1000.10', closed: '0.20' };
    const b = { ...zeroAmounts(), commit: '999.99', omitted: '5' };
    expect(addAmounts([a, b])).toEqual({ pipeline: '0.00', best_case: '0.00', commit: '2000.09', closed: '0.20', omitted: '5.00' });
    expect(subtractAmounts(b, a)).toMatchObject({ commit: '-0.11', closed: '-0.20', omitted: '5.00' });
  });

  it('computes attainment, gap and projections, none without a quota', () => {
    const amounts = { pipeline: '100.00', best_case: '400.00', commit: '1300.00', closed: '2000.00', omitted: '900.00' };
    expect(quotaFigures(amounts, '4000.00')).toEqual({
      attainment: 0.5,
      gap: '2000.00',
      projections: { commit: '3300.00', bestCase: '3700.00' },
    });
    expect(quotaFigures(amounts, '1500.00')).toMatchObject({ attainment: 1.3333, gap: '-500.00' });
    expect(quotaFigures(amounts, null)).toMatchObject({ attainment: null, gap: null });
    expect(quotaFigures(amounts, '0.00')).toMatchObject({ attainment: null, gap: '-2000.00' });
  });
});

describe('forecast hierarchy', () => {
  const roles = [
    { id: 'ceo', parent_id: null },
    { id: 'sales', parent_id: 'ceo' },
    { id: 'reps', parent_id: 'sales' },
    { id: 'service', parent_id: 'ceo' },
  ];
  const user = (id: string, roleId: string | null) => ({ id, name: id, roleId, active: true });
  const hierarchy = buildHierarchy(
    [
      user('boss', 'ceo'),
      user('manager', 'sales'),
      user('peer', 'sales'),
      user('rep', 'reps'),
      user('agent', 'service'),
      user('loner', null),
    ],
    roles,
  );

  it('gives a manager the users of the roles below theirs, not their peers', () => {
    expect(hierarchy.directReports('boss').map((u) => u.id)).toEqual(['manager', 'peer', 'agent']);
    expect(hierarchy.team('manager')).toEqual(['manager', 'rep']);
    expect(hierarchy.isAbove('boss', 'rep')).toBe(true);
    expect(hierarchy.isAbove('manager', 'peer')).toBe(false);
    expect(hierarchy.isAbove('manager', 'agent')).toBe(false);
    expect(hierarchy.team('loner')).toEqual(['loner']);
  });
});
