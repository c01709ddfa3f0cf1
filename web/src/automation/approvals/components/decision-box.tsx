import { useState } from 'react';
import { Alert, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { notifySuccess } from '../../../settings/components/feedback';
import { useApprovalAction, type Submission } from '../api';
import { CommentBox, DecisionButtons } from './decision-controls';

/** The current approver's comment box with Approve and Reject (record page, inbox). */
export function DecisionBox({ submission }: { submission: Submission }) {
  const { t } = useTranslation('automation');
  const action = useApprovalAction();
  const [comment, setComment] = useState('');
  const sending = action.isPending ? action.variables?.action : undefined;
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
      <CommentBox value={comment} onChange={setComment} />
      {action.error && (
        <Alert color="red" role="alert">
          {errorMessage(action.error, t)}
        </Alert>
      )}
      <DecisionButtons pending={sending === 'approve' || sending === 'reject' ? sending : null} onDecide={decide} />
    </Stack>
  );
}
