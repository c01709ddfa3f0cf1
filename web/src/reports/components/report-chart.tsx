import { AreaChart, BarChart, DonutChart, FunnelChart, LineChart, PieChart } from '@mantine/charts';
import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowDownRight, IconArrowUpRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ChartType, GroupKeys, ReportDefinition, RunResult } from '../api';
import { chartValueKey, labelOfGroup, PALETTE, seriesData, seriesKeys } from '../chart-data';
import { chartNumber, formatCompact, formatReportValue } from '../format';

interface ChartProps {
  result: RunResult;
  definition: ReportDefinition;
  /** Replaces the definition's chart (a dashboard widget's override). */
  chart?: { type: ChartType; value?: string } | null;
  height?: number;
  /** Called with the group keys behind a clicked bar, slice, point or funnel step. */
  onDrill?: (keys: GroupKeys, label: string) => void;
}

/**
 * A report's chart, drawn with @mantine/charts. Summary reports chart their first grouping (stacked bars split by
 * the second one); matrix reports chart rows, stacked by columns; KPI shows the total against the previous period.
 */
export function ReportChart({ result, definition, chart: override, height = 280, onDrill }: ChartProps) {
  const { t, i18n } = useTranslation('reports');
  const chart = override ?? definition.chart;
  if (!chart) return null;
  const valueKey = chartValueKey(definition, chart);
  const column = result.columns.find((candidate) => candidate.key === valueKey);
  const context = { language: i18n.language, currency: result.currency };
  const format = (value: number) => formatReportValue(value, column, context);
  const empty = t('result.empty');

  if (chart.type === 'kpi') return <KpiCard result={result} valueKey={valueKey} label={column?.label ?? valueKey} format={format} />;

  const rowField = definition.groupBy?.[0]?.field;
  if (!rowField || !result.groups?.length)
    return (
      <Text c="dimmed" size="sm">
        {t('chart.noGroups')}
      </Text>
    );
  const groups = result.groups;
  const drill = (index: number, extra: GroupKeys = {}) => {
    const group = groups[index];
    if (group && onDrill) onDrill({ ...group.keys, ...extra }, labelOfGroup(group, rowField, empty));
  };
  const cursor = onDrill ? 'pointer' : undefined;

  if (chart.type === 'pie' || chart.type === 'donut' || chart.type === 'funnel') {
    const cells = groups.map((group, index) => ({
      name: labelOfGroup(group, rowField, empty),
      value: chartNumber(group.values[valueKey]),
      color: PALETTE[index % PALETTE.length]!,
    }));
    const click = { onClick: (_: unknown, index: number) => drill(index), cursor };
    if (chart.type === 'funnel')
      return (
        <FunnelChart
          data={cells}
          size={height}
          withLabels
          labelsPosition="right"
          valueFormatter={format}
          funnelProps={click}
          tooltipDataSource="segment"
        />
      );
    const Chart = chart.type === 'pie' ? PieChart : DonutChart;
    return (
      <Group justify="center" data-testid="report-chart">
        <Chart
          data={cells}
          size={Math.min(height, 260)}
          withLabelsLine
          withLabels
          valueFormatter={format}
          pieProps={click}
          tooltipDataSource="segment"
        />
        <Stack gap={4}>
          {cells.map((cell) => (
            <Group key={cell.name} gap={6} wrap="nowrap">
              <Badge color={cell.color} size="xs" circle>
                {' '}
              </Badge>
              <Text size="xs">
                {cell.name}: {format(cell.value)}
              </Text>
            </Group>
          ))}
        </Stack>
      </Group>
    );
  }

  const { data, series } = seriesData(result, definition, valueKey, chart.type, empty);
  const axis = {
    valueFormatter: format,
    yAxisProps: {
      tickFormatter: (value: number) => formatCompact(value, column?.format ?? column?.type, context),
      width: 72,
      // Counts read 0, 1, 2, 3 — not 0,8 and 2,3.
      allowDecimals: !data.every((row) => series.every((entry) => Number.isInteger(row[entry.name]))),
    },
  };
  const common = { h: height, data, dataKey: 'label', series, withLegend: series.length > 1, ...axis, 'data-testid': 'report-chart' };
  if (chart.type === 'line' || chart.type === 'area') {
    const onClick = (state: { activeTooltipIndex?: number | string | null }) =>
      state.activeTooltipIndex !== undefined && state.activeTooltipIndex !== null && drill(Number(state.activeTooltipIndex));
    return chart.type === 'line' ? (
      <LineChart {...common} curveType="monotone" lineChartProps={{ onClick, style: { cursor } }} />
    ) : (
      <AreaChart {...common} curveType="monotone" areaChartProps={{ onClick, style: { cursor } }} />
    );
  }
  return (
    <BarChart
      {...common}
      type={chart.type === 'stacked_bar' ? 'stacked' : 'default'}
      barProps={(one) => ({
        cursor,
        maxBarSize: 72,
        onClick: (_: unknown, index: number) => drill(index, seriesKeys(one.name, series)),
      })}
    />
  );
}

/** A KPI: the total, and how it moved against the previous period of the same length. */
function KpiCard({
  result,
  valueKey,
  label,
  format,
}: {
  result: RunResult;
  valueKey: string;
  label: string;
  format: (value: number) => string;
}) {
  const { t } = useTranslation('reports');
  const current = result.totals?.[valueKey];
  const previous = result.previous?.[valueKey];
  const now = current === null || current === undefined ? null : chartNumber(current);
  const before = previous === null || previous === undefined ? null : chartNumber(previous);
  const change = now !== null && before !== null && before !== 0 ? (now - before) / Math.abs(before) : null;
  const up = change !== null && change >= 0;
  return (
    <Paper p="md" data-testid="report-kpi">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={36} fw={700} lh={1.2}>
        {now === null ? '—' : format(now)}
      </Text>
      {before !== null && (
        <Group gap={6} mt={4}>
          {change !== null && (
            <Badge
              color={up ? 'teal' : 'red'}
              variant="light"
              leftSection={up ? <IconArrowUpRight size={14} /> : <IconArrowDownRight size={14} />}
            >
              {new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(change)}
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            {t('chart.previous', { value: format(before) })}
          </Text>
        </Group>
      )}
    </Paper>
  );
}
