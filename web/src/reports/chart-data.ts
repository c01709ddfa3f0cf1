import type { ChartType, GroupKeys, ReportDefinition, ResultGroup, RunResult } from './api';
import { chartNumber } from './format';

/** Mantine colors for series and slices, in order. */
export const PALETTE = ['blue.6', 'teal.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6', 'red.6', 'yellow.6'];

/** The aggregate or formula a chart draws: the chart's own, else the first aggregate, else the count. */
export function chartValueKey(definition: ReportDefinition, chart = definition.chart): string {
  return chart?.value ?? definition.aggregates?.[0]?.key ?? definition.formulas?.[0]?.key ?? 'count';
}

export const labelOfGroup = (group: { keys: GroupKeys; labels: Record<string, string | null> }, field: string, empty: string) =>
  group.labels[field] ?? (group.keys[field] === null || group.keys[field] === undefined ? empty : String(group.keys[field]));

export type Series = Array<{ name: string; label: string; color: string; keys: GroupKeys }>;

export const seriesKeys = (name: string, series: Series): GroupKeys => series.find((entry) => entry.name === name)?.keys ?? {};

/**
 * Rows for bar, line and area charts: one per first-level group; one series per second-level group (summary) or per
 * column (matrix) when stacked, else the value alone. Series are named s0, s1… (field values may hold dots, which
 * recharts would read as paths).
 */
export function seriesData(result: RunResult, definition: ReportDefinition, valueKey: string, type: ChartType, empty: string) {
  const rowField = definition.groupBy![0]!.field;
  const groups = result.groups ?? [];
  const label = result.columns.find((column) => column.key === valueKey)?.label ?? valueKey;
  const single: Series = [{ name: 's0', label, color: PALETTE[0]!, keys: {} }];
  const splitBy = (definition.type === 'matrix' ? definition.columnGroupBy?.[0]?.field : definition.groupBy?.[1]?.field) ?? null;
  if (type !== 'stacked_bar' || !splitBy) {
    return {
      series: single,
      data: groups.map((group) => ({ label: labelOfGroup(group, rowField, empty), s0: chartNumber(group.values[valueKey]) })),
    };
  }
  const series: Series = [];
  const nameOf = new Map<string, string>();
  const addSeries = (keys: GroupKeys, labels: Record<string, string | null>) => {
    const id = JSON.stringify(keys[splitBy] ?? null);
    if (!nameOf.has(id)) {
      const name = `s${series.length}`;
      nameOf.set(id, name);
      series.push({
        name,
        label: labelOfGroup({ keys, labels }, splitBy, empty),
        color: PALETTE[series.length % PALETTE.length]!,
        keys: { [splitBy]: keys[splitBy] ?? null },
      });
    }
    return nameOf.get(id)!;
  };
  const data = groups.map((group: ResultGroup) => {
    const row: Record<string, string | number> = { label: labelOfGroup(group, rowField, empty) };
    if (definition.type === 'matrix') {
      for (const cell of result.cells ?? []) {
        if (JSON.stringify(cell.row[rowField] ?? null) !== JSON.stringify(group.keys[rowField] ?? null)) continue;
        const columnLabels = result.columnKeys?.find((column) => JSON.stringify(column.keys) === JSON.stringify(cell.column))?.labels ?? {};
        row[addSeries(cell.column, columnLabels)] = chartNumber(cell.values[valueKey]);
      }
    } else {
      for (const child of group.children ?? []) row[addSeries(child.keys, child.labels)] = chartNumber(child.values[valueKey]);
    }
    return row;
  });
  for (const row of data) for (const entry of series) row[entry.name] ??= 0;
  return { series, data };
}
