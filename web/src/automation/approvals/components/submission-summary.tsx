import { Badge, Group, List, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormatMoment } from '../hooks/use-format-moment';
import type { Submission, SubmissionStatus } from '../api';

const STATUS_COLOR: Record<SubmissionStatus, string> = { pending: 'yellow', approved: 'green', rejected: 'red', recalled: 'gray' };

/** A submission's status, current step, who it waits for, and (optionally) its history with comments. */
export function SubmissionSummary({ submission, withHistory }: { submission: Submission; withHistory: boolean }) {
  const { t } = useTranslation('automation');
  const when = useFormatMoment();
  const waiting = submission.approvers
    .filter((approver) => approver.decision === null)
    .map((approver) =>
      approver.delegateName ? t('approvals.panel.delegateOf', { name: approver.name, delegate: approver.delegateName }) : approver.name,
    );
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Badge color={STATUS_COLOR[submission.status]} variant="light" data-testid="approval-status">
          {t(`approvals.status.${submission.status}`)}
        </Badge>
        <Text size="sm" fw={600}>
          {submission.processName}
        </Text>
      </Group>
      {submission.status === 'pending' && (
        <>
          <Text size="sm">
            {t('approvals.panel.stepOf', { n: submission.step + 1, total: submission.stepCount, name: submission.stepName })}
          </Text>
          {waiting.length > 0 && (
            <Text size="sm" c="dimmed">
              {t('approvals.panel.waitingFor', { names: waiting.join(', ') })}
            </Text>
          )}
        </>
      )}
      {withHistory && (
        <List size="sm" spacing={4} aria-label={t('approvals.panel.history')} data-testid="approval-history">
          {submission.decisions.map((decision) => (
            <List.Item key={decision.id}>
              <Text size="sm" span>
                {t(`approvals.decision.${decision.decision}`, { name: decision.userName ?? '' })}
                {decision.delegatedFromName ? ` (${t('approvals.onBehalf', { name: decision.delegatedFromName })})` : ''}
              </Text>
              <Text size="xs" c="dimmed" span>
                {' · '}
                {when(decision.at)}
              </Text>
              {decision.comment && (
                <Text size="sm" fs="italic">
                  “{decision.comment}”
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
