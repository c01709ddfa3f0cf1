import { describe, expect, it } from 'vitest';
import type { Kpi } from './cockpit-api';
import { formatChange, formatKpi, kpisToCsv } from './format';

const t = (key: string, values?: Record<string, unknown>) => (values ? `${key}:${JSON.stringify(values)}` : key);
const es = { language: 'es', currency: 'EUR', t };
const en = { language: 'en', currency: 'EUR', t };

const kpi = (overrides: Partial<Kpi>): Kpi =>
  ({ id: 'new_to_repeat_ratio', unit: 'ratio', value: null, previous: null, target: null, series: [], ...overrides }) as Kpi;

describe('formatKpi', () => {
  it('shows new-to-repeat revenue as a multiple with one decimal, in the language’s number format', () => {
    expect(formatKpi('new_to_repeat_ratio', 'ratio', 15.977, es)).toBe('×16,0');
    expect(formatKpi('new_to_repeat_ratio', 'ratio', 15.977, en)).toBe('×16.0');
    expect(formatKpi('new_to_repeat_ratio', 'ratio', 0.8108, es)).toBe('×0,8');
    expect(formatKpi('new_to_repeat_ratio', 'ratio', 0, en)).toBe('×0.0');
    expect(formatKpi('new_to_repeat_ratio', 'ratio', 1234.5, en)).toBe('×1,234.5');
  });

  it('keeps other ratios as percentages and "—" for no value', () => {
    expect(formatKpi('churn_rate', 'ratio', 0.1234, en)).toBe('12.3%');
    expect(formatKpi('new_to_repeat_ratio', 'ratio', null, es)).toBe('—');
  });
});

describe('formatChange', () => {
  it('gives the change of a multiple as a signed multiple, not percentage points', () => {
    expect(formatChange(kpi({ value: 16, previous: 15.5 }), es)).toBe('+×0,5');
    expect(formatChange(kpi({ value: 1.25, previous: 3 }), en)).toBe('−×1.8');
    expect(formatChange(kpi({ value: 2, previous: 2 }), en)).toBe('±×0.0');
  });

  it('keeps percentage points for the other ratios', () => {
    expect(formatChange(kpi({ id: 'churn_rate', value: 0.15, previous: 0.1 }), en)).toBe('+cockpit.units.pp:{"value":"5"}');
  });

  it('is null without both values', () => {
    expect(formatChange(kpi({ value: 2 }), en)).toBeNull();
  });
});

describe('kpisToCsv', () => {
  it('exports the multiple as its raw number', () => {
    const csv = kpisToCsv([kpi({ value: 15.977, previous: 12.5, series: [{ period: '2026', value: 15.977 }] as Kpi['series'] })], {
      t,
      period: '2026',
      scope: 'organization',
    });
    expect(csv.split('\r\n')[1]).toBe('cockpit.kpis.new_to_repeat_ratio,new_to_repeat_ratio,ratio,2026,organization,15.977,12.5,,15.977');
  });
});
