import { useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Title } from '@mantine/core';
import { IconArrowBackUp, IconLock, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { notifySuccess } from '../../../settings/components/feedback';
import { useApprovalAction, useRecordApprovals } from '../api';
import { DecisionBox } from './decision-box';
import { CommentBox } from './decision-controls';
import { SubmissionSummary } from './submission-summary';

/**
 * The record page's approval panel: the lock banner while pending, the latest submission with its history, Approve
 * and Reject for the current approver, Recall for the submitter, and "Submit for approval" when a process applies.
 */
export function ApprovalPanel({ module, id }: { module: string; id: string }) {
  const { t } = useTranslation('automation');
  const approvals = useRecordApprovals(module, id);
  const action = useApprovalAction();
  const [comment, setComment] = useState('');
  const data = approvals.data;
  if (!data || (data.submissions.length === 0 && data.manualProcesses.length === 0)) return null;
  const latest = data.submissions[0];
  const submit = (processId: string) =>
    action.mutate(
      { action: 'submit', module, recordId: id, processId, comment: comment.trim() || undefined },
      {
        onSuccess: () => {
          setComment('');
          notifySuccess(t('approvals.panel.submitted'));
        },
      },
    );

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('approvals.panel.title')} data-testid="approval-panel">
      <Title order={4} mb="sm">
        {t('approvals.panel.title')}
      </Title>
      <Stack gap="sm">
        {data.locked && (
          <Alert color="yellow" icon={<IconLock size={18} />} data-testid="approval-lock">
            {t('approvals.panel.locked')}
          </Alert>
        )}
        {latest && <SubmissionSummary submission={latest} withHistory />}
        {latest?.canDecide && <DecisionBox submission={latest} />}
        {latest?.canRecall && (
          <Button
            variant="default"
            w="fit-content"
            leftSection={<IconArrowBackUp size={16} />}
            loading={action.isPending && action.variables?.action === 'recall'}
            onClick={() =>
              action.mutate({ action: 'recall', id: latest.id }, { onSuccess: () => notifySuccess(t('approvals.panel.recalled')) })
            }
          >
            {t('approvals.panel.recall')}
          </Button>
        )}
        {data.manualProcesses.length > 0 && (
          <Stack gap="xs">
            <CommentBox value={comment} onChange={setComment} minRows={1} />
            <Group gap="xs">
              {data.manualProcesses.map((process) => (
                <Button
                  key={process.id}
                  leftSection={<IconSend size={16} />}
                  loading={action.isPending && action.variables?.action === 'submit'}
                  onClick={() => submit(process.id)}
                >
                  {data.manualProcesses.length === 1 ? t('approvals.panel.submit') : `${t('approvals.panel.submit')}: ${process.name}`}
                </Button>
              ))}
            </Group>
          </Stack>
        )}
        {action.error && (
          <Alert color="red" role="alert">
            {errorMessage(action.error, t)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
