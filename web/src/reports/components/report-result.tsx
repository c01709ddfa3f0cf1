import { useState } from 'react';
import { Alert, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { GroupKeys, ReportDefinition, RunResult } from '../api';
import { DrillDrawer, type DrillTarget } from './drill-drawer';
import { ReportChart } from './report-chart';
import { ReportTable } from './report-table';

/**
 * A run result as people read it: the chart, then the table, with drill-down from both into the records behind a
 * bar, slice, group or cell. `source` says where the drill-down asks (the saved report, or the definition edited).
 */
export function ReportResult({
  result,
  definition,
  source,
  chart,
  showTable = true,
  chartHeight,
  compact = false,
}: {
  result: RunResult;
  definition: ReportDefinition;
  source: { id: string } | { definition: ReportDefinition };
  chart?: ReportDefinition['chart'] | null;
  showTable?: boolean;
  chartHeight?: number;
  /** In a dashboard widget: no footer (time taken). */
  compact?: boolean;
}) {
  const { t } = useTranslation('reports');
  const [target, setTarget] = useState<DrillTarget | null>(null);
  const drill = definition.type === 'tabular' ? undefined : (keys: GroupKeys, label: string) => setTarget({ keys, label });
  const hasChart = definition.type !== 'tabular' && !!(chart ?? definition.chart);
  return (
    <Stack gap="md">
      {hasChart && <ReportChart result={result} definition={definition} chart={chart} onDrill={drill} height={chartHeight} />}
      {showTable && <ReportTable result={result} definition={definition} onDrill={drill} />}
      {!compact && (
        <Group justify="space-between">
          {result.truncated ? (
            <Alert color="yellow" p={6}>
              {t('result.truncated', { count: result.rows?.length ?? 0 })}
            </Alert>
          ) : (
            <span />
          )}
          <Text size="xs" c="dimmed">
            {t('result.duration', { ms: result.durationMs })}
          </Text>
        </Group>
      )}
      <DrillDrawer source={source} definition={definition} target={target} onClose={() => setTarget(null)} />
    </Stack>
  );
}
