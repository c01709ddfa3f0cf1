import { Button, Group, Textarea } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** The optional comment that goes with a submission or a decision. */
export function CommentBox({ value, onChange, minRows = 2 }: { value: string; onChange: (value: string) => void; minRows?: number }) {
  const { t } = useTranslation('automation');
  return (
    <Textarea
      label={t('approvals.panel.comment')}
      autosize
      minRows={minRows}
      maxLength={2000}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

/** Approve and Reject; `pending` spins the one being sent, `preferred` (from an e-mail link) is the filled one. */
export function DecisionButtons(props: {
  pending: 'approve' | 'reject' | null;
  preferred?: 'approve' | 'reject';
  onDecide: (decision: 'approve' | 'reject') => void;
}) {
  const { t } = useTranslation('automation');
  const preferred = props.preferred ?? 'approve';
  return (
    <Group gap="xs">
      <Button
        color="green"
        variant={preferred === 'approve' ? 'filled' : 'light'}
        leftSection={<IconCheck size={16} />}
        loading={props.pending === 'approve'}
        onClick={() => props.onDecide('approve')}
      >
        {t('approvals.panel.approve')}
      </Button>
      <Button
        color="red"
        variant={preferred === 'reject' ? 'filled' : 'light'}
        leftSection={<IconX size={16} />}
        loading={props.pending === 'reject'}
        onClick={() => props.onDecide('reject')}
      >
        {t('approvals.panel.reject')}
      </Button>
    </Group>
  );
}
