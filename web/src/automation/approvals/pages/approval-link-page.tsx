import { useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { PageLoader } from '../../../components/page-loader';
import { useApprovalLink, useDecideByLink } from '../api';

/**
 * /approval?token=…&decision=approve|reject — the page an approval e-mail's one-click link opens (no sign-in): what
 * is asked, an optional comment, and the decision the link named, ready to confirm.
 */
export function ApprovalLinkPage() {
  const { t } = useTranslation('automation');
  const { token, decision } = useSearch({ strict: false }) as { token?: string; decision?: string };
  const link = useApprovalLink(token ?? '');
  const decide = useDecideByLink();
  const [comment, setComment] = useState('');
  if (!token || link.isError) return <Alert color="yellow">{t('approvals.link.invalid')}</Alert>;
  if (!link.data) return <PageLoader />;
  const view = link.data;
  const send = (choice: 'approve' | 'reject') => decide.mutate({ token, decision: choice, comment: comment.trim() || undefined });
  const preferred = decision === 'reject' ? 'reject' : 'approve';

  return (
    <Paper withBorder radius="md" p="lg" maw={560} mx="auto">
      <Stack gap="md">
        <Title order={3}>{t('approvals.link.title')}</Title>
        <Text>
          {t('approvals.link.intro', {
            submitter: view.submittedByName,
            record: view.recordName,
            process: view.processName,
            step: view.stepName,
          })}
        </Text>
        <Text size="sm" c="dimmed">
          {t('approvals.link.as', { name: view.approverName })}
        </Text>
        {decide.isSuccess ? (
          <Alert color="green" role="status">
            {t('approvals.link.done')}
          </Alert>
        ) : view.open ? (
          <>
            <Textarea
              label={t('approvals.panel.comment')}
              autosize
              minRows={2}
              maxLength={2000}
              value={comment}
              onChange={(event) => setComment(event.currentTarget.value)}
            />
            {decide.error && (
              <Alert color="red" role="alert">
                {errorMessage(decide.error, t)}
              </Alert>
            )}
            <Group>
              <Button
                color="green"
                variant={preferred === 'approve' ? 'filled' : 'light'}
                leftSection={<IconCheck size={16} />}
                loading={decide.isPending && decide.variables?.decision === 'approve'}
                onClick={() => send('approve')}
              >
                {t('approvals.panel.approve')}
              </Button>
              <Button
                color="red"
                variant={preferred === 'reject' ? 'filled' : 'light'}
                leftSection={<IconX size={16} />}
                loading={decide.isPending && decide.variables?.decision === 'reject'}
                onClick={() => send('reject')}
              >
                {t('approvals.panel.reject')}
              </Button>
            </Group>
          </>
        ) : (
          <Alert color="gray" role="status">
            {t('approvals.link.closed')}
          </Alert>
        )}
        <Anchor href={`/records/${view.module}/${view.recordId}`} size="sm">
          {t('approvals.link.openApp')}
        </Anchor>
      </Stack>
    </Paper>
  );
}
