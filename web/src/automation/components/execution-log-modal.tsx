import { Anchor, Badge, Button, Group, ScrollArea, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { AppModal } from '../../components/app-modal';
import { PageLoader } from '../../components/page-loader';
import { LoadError } from '../../settings/components/settings-states';
import { useFormatters } from '../../settings/hooks/use-formatters';
import { useRuleExecutions, type ActionOutcome, type Execution, type WorkflowRule } from '../api';

export const STATUS_COLORS: Record<Execution['status'], string> = {
  running: 'blue',
  done: 'teal',
  failed: 'red',
  skipped: 'gray',
  stopped: 'orange',
};
const OUTCOME_COLORS: Record<string, string> = {
  done: 'teal',
  sent: 'teal',
  queued: 'blue',
  scheduled: 'blue',
  would: 'blue',
  failed: 'red',
};

/** Why an action did not run, in the user's language when the server gave a known code (its English text else). */
export function outcomeReason(detail: Record<string, unknown> | undefined, t: TFunction<'automation'>): string | undefined {
  if (!detail) return undefined;
  const english = typeof detail.reason === 'string' ? detail.reason : undefined;
  if (typeof detail.reasonCode !== 'string') return english;
  return t(`outcome.reasons.${detail.reasonCode}`, { field: String(detail.dateField ?? ''), defaultValue: english ?? '' }) || english;
}

/** One action's outcome as a badge: its type and how it went; the error or the reason on hover. */
export function OutcomeBadge({ outcome }: { outcome: ActionOutcome }) {
  const { t } = useTranslation('automation');
  const type = t(`outcome.types.${outcome.type}`, { defaultValue: outcome.type });
  const reason = outcome.error ?? outcomeReason(outcome.detail, t);
  const badge = (
    <Badge variant="light" color={OUTCOME_COLORS[outcome.status] ?? 'gray'} tt="none" styles={{ root: { maxWidth: 'none' } }}>
      {type}: {t(`outcome.${outcome.status}`, { defaultValue: outcome.status })}
      {outcome.durationMs !== undefined ? ` · ${outcome.durationMs} ms` : ''}
    </Badge>
  );
  return reason ? (
    <Tooltip label={reason} multiline maw={360}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

/** The execution log of one rule: each run with its trigger, criteria result, each action's outcome and duration. */
export function ExecutionLogModal({ rule, onClose }: { rule: WorkflowRule | null; onClose: () => void }) {
  const { t } = useTranslation('automation');
  return (
    <AppModal opened={rule !== null} onClose={onClose} title={t('logNamed', { name: rule?.name ?? '' })} size="xl">
      {rule && <ExecutionLog rule={rule} />}
    </AppModal>
  );
}

function ExecutionLog({ rule }: { rule: WorkflowRule }) {
  const { t } = useTranslation('automation');
  const format = useFormatters();
  const executions = useRuleExecutions(rule.id);
  if (executions.isPending) return <PageLoader />;
  if (executions.isError) return <LoadError error={executions.error} onRetry={() => void executions.refetch()} />;
  const list = executions.data.pages.flatMap((page) => page.data);
  if (list.length === 0) return <Text c="dimmed">{t('executions.empty')}</Text>;
  return (
    <Stack>
      <ScrollArea>
        <Table striped verticalSpacing="xs" miw={860}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('executions.when')}</Table.Th>
              <Table.Th>{t('executions.record')}</Table.Th>
              <Table.Th>{t('executions.trigger')}</Table.Th>
              <Table.Th>{t('executions.criteria')}</Table.Th>
              <Table.Th>{t('executions.status')}</Table.Th>
              <Table.Th>{t('executions.actions')}</Table.Th>
              <Table.Th>{t('executions.duration')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((execution) => (
              <Table.Tr key={execution.id} data-testid="execution-row">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(execution.createdAt)}</Table.Td>
                <Table.Td>
                  {/* Its name; the end of its id when it has none for this user (deleted since, or not theirs to read). */}
                  <Anchor
                    component={Link}
                    to={`/records/${execution.module}/${execution.recordId}`}
                    size="sm"
                    ff={execution.recordName ? undefined : 'monospace'}
                  >
                    {execution.recordName ?? execution.recordId.slice(-8)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {execution.trigger === 'scheduled'
                    ? t('executions.scheduled')
                    : t(`trigger.${execution.trigger}`, { defaultValue: execution.trigger })}
                  {execution.depth > 0 && (
                    <Text size="xs" c="dimmed">
                      {t('executions.depth', { depth: execution.depth })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {execution.matched === null
                    ? t('executions.notChecked')
                    : execution.matched
                      ? t('executions.matched')
                      : t('executions.notMatched')}
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[execution.status]} variant="light">
                    {t(`executions.statuses.${execution.status}`)}
                  </Badge>
                  {(execution.reason || execution.error) && (
                    <Text size="xs" c="dimmed" maw={220}>
                      {execution.error ?? execution.reason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {execution.actions.map((outcome, index) => (
                      <OutcomeBadge key={index} outcome={outcome} />
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{execution.durationMs === null ? '—' : `${execution.durationMs} ms`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {executions.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={executions.isFetchingNextPage} onClick={() => void executions.fetchNextPage()}>
            {t('executions.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
