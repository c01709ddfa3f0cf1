import { describe, expect, it } from 'vitest';
import type { ReportDefinition, RunResult } from './api';
import { chartValueKey, seriesData } from './chart-data';
import { placeWidgets } from './dashboard-layout';
import { formatReportValue } from './format';

const result = (overrides: Partial<RunResult>): RunResult => ({
  columns: [],
  currency: 'EUR',
  truncated: false,
  durationMs: 1,
  ...overrides,
});

describe('report chart data', () => {
  const summary: ReportDefinition = {
    module: 'deals',
    type: 'summary',
    groupBy: [{ field: 'closed_at', bucket: 'month' }, { field: 'owner_id' }],
    aggregates: [{ key: 'won_amount', fn: 'sum', field: 'amount' }],
  };
  const groups = [
    {
      keys: { closed_at: '2026-02' },
      labels: { closed_at: 'feb 2026' },
      values: { won_amount: '1200.50' },
      children: [
        { keys: { closed_at: '2026-02', owner_id: 'u1' }, labels: { owner_id: 'Ana' }, values: { won_amount: '1000.50' } },
        { keys: { closed_at: '2026-02', owner_id: 'u2' }, labels: { owner_id: 'Luis' }, values: { won_amount: 200 } },
      ],
    },
    {
      keys: { closed_at: '2026-03' },
      labels: { closed_at: 'mar 2026' },
      values: { won_amount: null },
      children: [{ keys: { closed_at: '2026-03', owner_id: 'u2' }, labels: { owner_id: 'Luis' }, values: { won_amount: 50 } }],
    },
  ];

  it('draws the first grouping with the chart value (money strings become numbers, empty is 0)', () => {
    const { data, series } = seriesData(result({ groups }), summary, 'won_amount', 'bar', '(vacío)');
    expect(series).toHaveLength(1);
    expect(data).toEqual([
      { label: 'feb 2026', s0: 1200.5 },
      { label: 'mar 2026', s0: 0 },
    ]);
    expect(chartValueKey(summary)).toBe('won_amount');
    expect(chartValueKey({ ...summary, chart: { type: 'bar', value: 'count' } })).toBe('count');
  });

  it('stacks by the second grouping, one series per value with its keys for the drill-down', () => {
    const { data, series } = seriesData(result({ groups }), summary, 'won_amount', 'stacked_bar', '(vacío)');
    expect(series.map((entry) => [entry.name, entry.label, entry.keys])).toEqual([
      ['s0', 'Ana', { owner_id: 'u1' }],
      ['s1', 'Luis', { owner_id: 'u2' }],
    ]);
    expect(data).toEqual([
      { label: 'feb 2026', s0: 1000.5, s1: 200 },
      { label: 'mar 2026', s0: 0, s1: 50 },
    ]);
  });

  it('stacks a matrix by its columns', () => {
    const matrix: ReportDefinition = {
      module: 'leads',
      type: 'matrix',
      groupBy: [{ field: 'lead_source' }],
      columnGroupBy: [{ field: 'status' }],
    };
    const run = result({
      groups: [
        { keys: { lead_source: 'web' }, labels: { lead_source: 'Web' }, values: { count: 3 } },
        { keys: { lead_source: null }, labels: {}, values: { count: 1 } },
      ],
      columnKeys: [{ keys: { status: 'new' }, labels: { status: 'Nuevo' } }],
      cells: [
        { row: { lead_source: 'web' }, column: { status: 'new' }, values: { count: 3 } },
        { row: { lead_source: null }, column: { status: 'new' }, values: { count: 1 } },
      ],
    });
    const { data, series } = seriesData(run, matrix, 'count', 'stacked_bar', '(vacío)');
    expect(series.map((entry) => entry.label)).toEqual(['Nuevo']);
    expect(data).toEqual([
      { label: 'Web', s0: 3 },
      { label: '(vacío)', s0: 1 },
    ]);
  });
});

describe('report values', () => {
  it('formats money, percentages and numbers in the UI language', () => {
    const es = { language: 'es', currency: 'EUR' };
    expect(formatReportValue('25000.00', { format: 'currency' }, es)).toBe('25.000,00\u00a0€');
    expect(formatReportValue(0.5, { format: 'percent' }, { language: 'en', currency: 'EUR' })).toBe('50%');
    expect(formatReportValue(1234.5, { format: 'number' }, es)).toBe('1234,5');
    expect(formatReportValue(null, { format: 'currency' }, es)).toBe('—');
    expect(formatReportValue('Nuevo', { type: 'picklist' }, es)).toBe('Nuevo');
  });
});

describe('dashboard layout', () => {
  it('places widgets in order, wrapping at 12 columns', () => {
    const widget = (w: number) => ({ reportId: 'r', x: 9, y: 9, w, h: 3 });
    expect(placeWidgets([widget(6), widget(6), widget(8), widget(4), widget(12)]).map(({ x, y }) => [x, y])).toEqual([
      [0, 0],
      [6, 0],
      [0, 1],
      [8, 1],
      [0, 2],
    ]);
  });
});
