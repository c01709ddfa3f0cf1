import { useState } from 'react';
import { Alert, Button, Group, Stack, Textarea } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { notifySuccess } from '../../../settings/components/feedback';
import { useApprovalAction, type Submission } from '../api';

/** The current approver's comment box with Approve and Reject (record page, inbox). */
export function DecisionBox({ submission }: { submission: Submission }) {
  const { t } = useTranslation('automation');
  const action = useApprovalAction();
  const [comment, setComment] = useState('');
  const decide = (decision: 'approve' | 'reject') =>
    action.mutate(
      { action: decision, id: submission.id, comment: comment.trim() || undefined },
      {
        onSuccess: () => {
          setComment('');
          notifySuccess(t(decision === 'approve' ? 'approvals.panel.approved' : 'approvals.panel.rejected'));
        },
      },
    );
  return (
    <Stack gap="xs">
      <Textarea
        label={t('approvals.panel.comment')}
        autosize
        minRows={2}
        maxLength={2000}
        value={comment}
        onChange={(event) => setComment(event.currentTarget.value)}
      />
      {action.error && (
        <Alert color="red" role="alert">
          {errorMessage(action.error, t)}
        </Alert>
      )}
      <Group gap="xs">
        <Button
          color="green"
          leftSection={<IconCheck size={16} />}
          loading={action.isPending && action.variables?.action === 'approve'}
          onClick={() => decide('approve')}
        >
          {t('approvals.panel.approve')}
        </Button>
        <Button
          color="red"
          variant="light"
          leftSection={<IconX size={16} />}
          loading={action.isPending && action.variables?.action === 'reject'}
          onClick={() => decide('reject')}
        >
          {t('approvals.panel.reject')}
        </Button>
      </Group>
    </Stack>
  );
}
