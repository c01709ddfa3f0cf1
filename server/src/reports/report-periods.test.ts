import { describe, expect, it } from 'vitest';
import { previousRange, resolveRange } from './report-periods.js';
import { RELATIVE_RANGES, type PeriodRange } from './report.schemas.js';

// Friday 15 May 2026; the fiscal year starts in April, days are Madrid's (summer time: UTC+2).
const calendar = { timeZone: 'Europe/Madrid', fiscalYearStartMonth: 4 };
const today = '2026-05-15';
const days = (range: PeriodRange) => {
  const resolved = resolveRange(range, today, calendar);
  return [resolved.from, resolved.to];
};

describe('relative ranges', () => {
  it('resolves every range from a fixed today', () => {
    const expected: Record<string, [string, string]> = {
      today: ['2026-05-15', '2026-05-15'],
      yesterday: ['2026-05-14', '2026-05-14'],
      this_week: ['2026-05-11', '2026-05-17'],
      last_week: ['2026-05-04', '2026-05-10'],
      this_month: ['2026-05-01', '2026-05-31'],
      last_month: ['2026-04-01', '2026-04-30'],
      next_month: ['2026-06-01', '2026-06-30'],
      this_quarter: ['2026-04-01', '2026-06-30'],
      last_quarter: ['2026-01-01', '2026-03-31'],
      next_quarter: ['2026-07-01', '2026-09-30'],
      this_fiscal_quarter: ['2026-04-01', '2026-06-30'],
      last_fiscal_quarter: ['2026-01-01', '2026-03-31'],
      this_fiscal_year: ['2026-04-01', '2027-03-31'],
      last_fiscal_year: ['2025-04-01', '2026-03-31'],
      last_7_days: ['2026-05-09', '2026-05-15'],
      last_30_days: ['2026-04-16', '2026-05-15'],
      last_90_days: ['2026-02-15', '2026-05-15'],
      next_30_days: ['2026-05-16', '2026-06-14'],
      next_90_days: ['2026-05-16', '2026-08-13'],
    };
    expect(Object.keys(expected).sort()).toEqual([...RELATIVE_RANGES].sort());
    for (const range of RELATIVE_RANGES) expect([range, ...days(range)]).toEqual([range, ...expected[range]!]);
  });

  it('makes fiscal quarters from the fiscal year’s first month', () => {
    // A fiscal year from November: Nov–Jan is its first quarter, Feb–Apr its second.
    const november = { timeZone: 'UTC', fiscalYearStartMonth: 11 };
    const quarter = resolveRange('this_fiscal_quarter', '2026-02-10', november);
    expect([quarter.from, quarter.to]).toEqual(['2026-02-01', '2026-04-30']);
    const year = resolveRange('this_fiscal_year', '2026-02-10', november);
    expect([year.from, year.to]).toEqual(['2025-11-01', '2026-10-31']);
  });

  it('starts and ends on local midnights', () => {
    const range = resolveRange('this_month', today, calendar);
    expect(range.startAt.toISOString()).toBe('2026-04-30T22:00:00.000Z');
    expect(range.endAt.toISOString()).toBe('2026-05-31T22:00:00.000Z');
    // March 2026 changes to summer time on the 29th: it starts at UTC+1 and ends at UTC+2.
    const march = resolveRange({ from: '2026-03-01', to: '2026-03-31' }, today, calendar);
    expect([march.startAt.toISOString(), march.endAt.toISOString()]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
  });

  it('steps back one period for the comparison', () => {
    const previous = (range: PeriodRange) => {
      const resolved = previousRange(resolveRange(range, today, calendar), calendar);
      return [resolved.from, resolved.to];
    };
    expect(previous('this_month')).toEqual(['2026-04-01', '2026-04-30']);
    expect(previous('this_fiscal_year')).toEqual(['2025-04-01', '2026-03-31']);
    expect(previous('last_30_days')).toEqual(['2026-03-17', '2026-04-15']);
    expect(previous({ from: '2026-03-01', to: '2026-03-31' })).toEqual(['2026-01-29', '2026-02-28']);
  });

  it('refuses an impossible day or a reversed range', () => {
    expect(() => resolveRange({ from: '2026-02-30', to: '2026-03-01' }, today, calendar)).toThrow(/YYYY-MM-DD/);
    expect(() => resolveRange({ from: '2026-03-02', to: '2026-03-01' }, today, calendar)).toThrow(/after/);
  });
});
