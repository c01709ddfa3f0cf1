import { useState } from 'react';
import { Alert, Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { PageLoader } from '../../../components/page-loader';
import { useApprovalLink, useDecideByLink } from '../api';
import { CommentBox, DecisionButtons } from '../components/decision-controls';

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
            <CommentBox value={comment} onChange={setComment} />
            {decide.error && (
              <Alert color="red" role="alert">
                {errorMessage(decide.error, t)}
              </Alert>
            )}
            <DecisionButtons
              pending={decide.isPending ? (decide.variables?.decision ?? null) : null}
              preferred={decision === 'reject' ? 'reject' : 'approve'}
              onDecide={(choice) => decide.mutate({ token, decision: choice, comment: comment.trim() || undefined })}
            />
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
