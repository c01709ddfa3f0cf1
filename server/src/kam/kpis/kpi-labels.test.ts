import { describe, expect, it } from 'vitest';
import { formatKpiValue } from './kpi-labels.js';

const plain = (text: string) => text.replace(/\s/g, ' ');

describe('KPI values for people', () => {
  it('writes ratios as percentages, the new-to-repeat ratio as a multiple and currency with its code', () => {
    expect(plain(formatKpiValue('es', 'upsell_rate', 'ratio', 0.8108, 'EUR'))).toBe('81,1 %');
    expect(formatKpiValue('en', 'upsell_rate', 'ratio', '0.45', 'EUR')).toBe('45%');
    expect(formatKpiValue('es', 'new_to_repeat_ratio', 'ratio', 15.977, 'EUR')).toBe('×16,0');
    expect(formatKpiValue('en', 'new_to_repeat_ratio', 'ratio', 0.8952, 'EUR')).toBe('×0.9');
    expect(plain(formatKpiValue('es', 'clv', 'currency', '125000.40', 'EUR'))).toBe('125.000 €');
    expect(formatKpiValue('en', 'days_since_last_touch', 'days', 12, 'EUR')).toBe('12 days');
    expect(formatKpiValue('es', 'touchpoints', 'count', 5, 'EUR')).toBe('5');
  });
});
