import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useFormatMoment } from '../hooks/use-format-moment';
import { errorMessage } from '../../../app/errors';
import { PageLoader } from '../../../components/page-loader';
import { notifySuccess } from '../../../settings/components/feedback';
import { useDirectoryUsers } from '../../../records/hooks/use-records';
import { useMe } from '../../../app/session';
import { useApprovalInbox, useMyDelegate, useSaveDelegate } from '../api';
import { DecisionBox } from '../components/decision-box';
import { SubmissionSummary } from '../components/submission-summary';

/** /approvals — what waits for my decision (approve or reject with a comment right here), what I submitted, my delegate. */
export function ApprovalsInboxPage() {
  const { t } = useTranslation('automation');
  const [mine, setMine] = useState<'pending' | 'submitted'>('pending');
  const inbox = useApprovalInbox(mine);
  const when = useFormatMoment();

  return (
    <Stack gap="md" maw={900}>
      <Title order={2}>{t('approvals.inbox.title')}</Title>
      <SegmentedControl
        w="fit-content"
        value={mine}
        onChange={(value) => setMine(value === 'submitted' ? 'submitted' : 'pending')}
        data={[
          { value: 'pending', label: t('approvals.inbox.pending') },
          { value: 'submitted', label: t('approvals.inbox.submitted') },
        ]}
      />
      {inbox.isError && <Alert color="red">{errorMessage(inbox.error, t)}</Alert>}
      {inbox.isPending ? (
        <PageLoader />
      ) : inbox.data && inbox.data.data.length === 0 ? (
        <Text c="dimmed">{mine === 'pending' ? t('approvals.inbox.empty') : t('approvals.inbox.emptySubmitted')}</Text>
      ) : (
        inbox.data?.data.map((submission) => (
          <Paper key={submission.id} withBorder radius="md" p="md" data-testid="approval-inbox-item">
            <Stack gap="sm">
              <Group justify="space-between" align="flex-start">
                <Stack gap={2}>
                  <Anchor component={Link} to={`/records/${submission.module}/${submission.recordId}`} fw={600}>
                    {submission.recordName || t('approvals.inbox.open')}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {t('approvals.inbox.submittedBy', { name: submission.submittedByName, when: when(submission.submittedAt) })}
                  </Text>
                </Stack>
              </Group>
              <SubmissionSummary submission={submission} withHistory={mine === 'submitted' || submission.decisions.length > 1} />
              {submission.canDecide && <DecisionBox submission={submission} />}
            </Stack>
          </Paper>
        ))
      )}
      <DelegateSection />
    </Stack>
  );
}

/** Who my approvals also go to while I am away, and between which dates. */
function DelegateSection() {
  const { t } = useTranslation('automation');
  const me = useMe();
  const delegate = useMyDelegate();
  const users = useDirectoryUsers();
  const save = useSaveDelegate();
  const [draft, setDraft] = useState({ delegateId: '', startsOn: '', endsOn: '' });
  useEffect(() => {
    if (delegate.data) setDraft({ delegateId: delegate.data.delegateId, startsOn: delegate.data.startsOn, endsOn: delegate.data.endsOn });
  }, [delegate.data]);
  const others = (users.data ?? []).filter((user) => user.id !== me.data?.user.id);

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('approvals.delegate.title')}>
      <Title order={4}>{t('approvals.delegate.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('approvals.delegate.hint')}
      </Text>
      <Text size="sm" mb="sm">
        {delegate.data
          ? t('approvals.delegate.current', { name: delegate.data.delegateName, from: delegate.data.startsOn, to: delegate.data.endsOn })
          : t('approvals.delegate.none')}
      </Text>
      <Group align="flex-end" gap="sm">
        <Select
          label={t('approvals.delegate.who')}
          searchable
          data={others.map((user) => ({ value: user.id, label: user.name }))}
          value={draft.delegateId || null}
          onChange={(value) => setDraft((current) => ({ ...current, delegateId: value ?? '' }))}
          w={240}
        />
        <TextInput
          label={t('approvals.delegate.from')}
          type="date"
          value={draft.startsOn}
          onChange={(event) => setDraft((current) => ({ ...current, startsOn: event.currentTarget.value }))}
        />
        <TextInput
          label={t('approvals.delegate.to')}
          type="date"
          value={draft.endsOn}
          onChange={(event) => setDraft((current) => ({ ...current, endsOn: event.currentTarget.value }))}
        />
        <Button
          disabled={!draft.delegateId || !draft.startsOn || !draft.endsOn}
          loading={save.isPending}
          onClick={() => save.mutate(draft, { onSuccess: () => notifySuccess(t('approvals.delegate.saved')) })}
        >
          {t('approvals.delegate.save')}
        </Button>
        {delegate.data && (
          <Button
            variant="subtle"
            color="red"
            onClick={() =>
              save.mutate(null, {
                onSuccess: () => {
                  setDraft({ delegateId: '', startsOn: '', endsOn: '' });
                  notifySuccess(t('approvals.delegate.removed'));
                },
              })
            }
          >
            {t('approvals.delegate.remove')}
          </Button>
        )}
      </Group>
      {save.error && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(save.error, t)}
        </Alert>
      )}
    </Paper>
  );
}
