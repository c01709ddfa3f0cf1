import { useState } from 'react';
import { Alert, Anchor, Badge, Box, Button, Group, Modal, MultiSelect, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronLeft, IconLock, IconLockOpen, IconSend } from '@tabler/icons-react';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { PageLoader } from '../../components/page-loader';
import { useDirectoryUsers, useRecordQuery } from '../../records/hooks/use-records';
import { recordName } from '../../records/format';
import { useSendSurvey, useSetSurveyClosed, useSurvey, type SurveyDetail } from '../api';
import { canManageSurveys } from '../permissions';

/** /kam/surveys/:id — the score, its breakdown and distribution, the latest answers; sending to contacts or users, closing. */
export function SurveyPage() {
  const { t } = useTranslation('kam');
  const { id } = useParams({ strict: false }) as { id: string };
  const survey = useSurvey(id);
  const me = useMe();
  const setClosed = useSetSurveyClosed(id);
  const [sending, setSending] = useState(false);
  if (survey.isError) return <Alert color="red">{errorMessage(survey.error, t)}</Alert>;
  if (!survey.data) return <PageLoader />;
  const data = survey.data;
  const closed = data.status === 'closed';
  const canManage = me.data ? canManageSurveys(me.data.permissions) : false;
  const handleClosed = (value: boolean) =>
    setClosed.mutate(value, {
      onSuccess: () => notifications.show({ color: 'green', message: t(value ? 'survey.closedDone' : 'survey.reopenedDone') }),
      onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
    });
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/kam/surveys" size="sm">
        <Group gap={4}>
          <IconChevronLeft size={16} />
          {t('survey.back')}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">
            {t(`types.${data.type}`)} · {t(`status.${data.status}`)}
          </Text>
          <Title order={2}>{data.name}</Title>
        </Stack>
        {canManage && (
          <Group gap="xs">
            {closed ? (
              <Button
                variant="default"
                leftSection={<IconLockOpen size={16} />}
                loading={setClosed.isPending}
                onClick={() => handleClosed(false)}
              >
                {t('survey.reopen')}
              </Button>
            ) : (
              <Button
                variant="default"
                leftSection={<IconLock size={16} />}
                loading={setClosed.isPending}
                onClick={() => handleClosed(true)}
              >
                {t('survey.close')}
              </Button>
            )}
            <Button leftSection={<IconSend size={16} />} disabled={closed} onClick={() => setSending(true)}>
              {t('survey.send')}
            </Button>
          </Group>
        )}
      </Group>
      {closed && (
        <Alert color="gray" icon={<IconLock size={18} />}>
          {t('survey.closedHint')}
        </Alert>
      )}
      <Results survey={data} />
      {data.recent.length > 0 && <RecentAnswers survey={data} />}
      <SendModal survey={data} opened={sending} onClose={() => setSending(false)} />
    </Stack>
  );
}

function Results({ survey }: { survey: SurveyDetail }) {
  const { t, i18n } = useTranslation('kam');
  const { results } = survey;
  if (results.hidden) return <Alert color="gray">{t('survey.hidden')}</Alert>;
  const isCsat = survey.type === 'csat';
  const scoreText =
    results.score === null
      ? '—'
      : isCsat
        ? new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(results.score)
        : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(results.score);
  const max = Math.max(1, ...(results.distribution ?? []).map((d) => d.count));
  const groups = isCsat
    ? [
        { label: t('survey.satisfied'), value: results.promoters, color: 'green' },
        { label: t('survey.neutral'), value: results.passives, color: 'gray' },
        { label: t('survey.unsatisfied'), value: results.detractors, color: 'red' },
      ]
    : [
        { label: t('survey.promoters'), value: results.promoters, color: 'green' },
        { label: t('survey.passives'), value: results.passives, color: 'gray' },
        { label: t('survey.detractors'), value: results.detractors, color: 'red' },
      ];
  const barColor = (score: number) =>
    isCsat ? (score >= 4 ? 'green' : score === 3 ? 'gray' : 'red') : score >= 9 ? 'green' : score >= 7 ? 'gray' : 'red';
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('survey.results')}>
      <Title order={4} mb="sm">
        {t('survey.results')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('survey.score')}
          </Text>
          <Text fz={44} fw={700} lh={1} data-testid="survey-score">
            {scoreText}
          </Text>
          <Text size="sm" c="dimmed">
            {t('survey.responses', { count: results.responses })}
          </Text>
          <Group gap="xs" mt="xs">
            {groups.map((group) => (
              <Badge key={group.label} variant="light" color={group.color}>
                {group.label}: {group.value ?? 0}
              </Badge>
            ))}
          </Group>
        </Stack>
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('survey.distribution')}
          </Text>
          {results.responses === 0 ? (
            <Text size="sm" c="dimmed">
              {t('survey.noAnswers')}
            </Text>
          ) : (
            <Group gap={4} align="flex-end" h={96} role="img" aria-label={t('survey.distribution')} wrap="nowrap">
              {(results.distribution ?? []).map((d) => (
                <Stack key={d.score} gap={2} align="center" style={{ flex: 1 }}>
                  <Box
                    w="100%"
                    h={Math.max(2, (d.count / max) * 72)}
                    bg={`${barColor(d.score)}.5`}
                    style={{ borderRadius: 2 }}
                    title={`${d.score}: ${d.count}`}
                  />
                  <Text size="xs" c="dimmed">
                    {d.score}
                  </Text>
                </Stack>
              ))}
            </Group>
          )}
        </Stack>
      </SimpleGrid>
    </Paper>
  );
}

function RecentAnswers({ survey }: { survey: SurveyDetail }) {
  const { t, i18n } = useTranslation('kam');
  const contactIds = [...new Set(survey.recent.map((r) => r.contactId).filter((id): id is string => !!id))];
  const contacts = useRecordQuery(
    'contacts',
    { filter: { field: 'id', op: 'in', value: contactIds }, fields: ['first_name', 'last_name', 'account_id'], limit: 100 },
    contactIds.length > 0,
  );
  const byId = new Map((contacts.data?.data ?? []).map((row) => [row.id, row]));
  const display = contacts.data?.display ?? {};
  return (
    <Paper withBorder radius="md" component="section" aria-label={t('survey.recent')}>
      <Title order={4} p="md" pb={0}>
        {t('survey.recent')}
      </Title>
      <Table.ScrollContainer minWidth={480}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('survey.contact')}</Table.Th>
              <Table.Th>{t('survey.account')}</Table.Th>
              <Table.Th ta="right">{t('survey.score')}</Table.Th>
              <Table.Th>{t('survey.answeredAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {survey.recent.map((row) => {
              const contact = row.contactId ? byId.get(row.contactId) : undefined;
              return (
                <Table.Tr key={row.id}>
                  <Table.Td>
                    {row.contactId ? (
                      <Anchor
                        component={Link}
                        to="/records/$module/$id"
                        params={{ module: 'contacts', id: row.contactId } as never}
                        size="sm"
                      >
                        {recordName(contact, ['first_name', 'last_name']) || '—'}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    {row.accountId ? (
                      <Anchor
                        component={Link}
                        to="/records/$module/$id"
                        params={{ module: 'accounts', id: row.accountId } as never}
                        size="sm"
                      >
                        {display[row.accountId] ?? '—'}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{row.score}</Table.Td>
                  <Table.Td>{new Date(row.answeredAt).toLocaleDateString(i18n.language)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** NPS and CSAT go to contacts of key accounts that have an e-mail address; eNPS to users. */
function SendModal({ survey, opened, onClose }: { survey: SurveyDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('kam');
  const send = useSendSurvey(survey.id);
  const [selected, setSelected] = useState<string[]>([]);
  const forUsers = survey.type === 'enps';
  const contacts = useRecordQuery(
    'contacts',
    {
      filter: {
        and: [
          { field: 'account_id.is_key_account', op: 'eq', value: true },
          { field: 'email', op: 'is_not_empty' },
        ],
      },
      fields: ['first_name', 'last_name', 'email', 'account_id'],
      limit: 500,
    },
    opened && !forUsers,
  );
  const users = useDirectoryUsers();
  const options = forUsers
    ? (users.data ?? []).map((user) => ({ value: user.id, label: `${user.name} <${user.email}>` }))
    : (contacts.data?.data ?? []).map((row) => ({
        value: row.id,
        label: `${recordName(row, ['first_name', 'last_name'])} · ${contacts.data?.display[row.account_id as string] ?? ''} <${String(row.email)}>`,
      }));
  return (
    <Modal opened={opened} onClose={onClose} title={t('survey.sendTitle')} size="lg">
      <Stack gap="sm">
        <MultiSelect
          label={forUsers ? t('survey.sendUsers') : t('survey.sendContacts')}
          placeholder={forUsers ? t('survey.pickUsers') : t('survey.pickContacts')}
          data={options}
          value={selected}
          onChange={setSelected}
          searchable
          clearable
          maxDropdownHeight={260}
        />
        {send.isError && <Alert color="red">{errorMessage(send.error, t)}</Alert>}
        <Group justify="flex-end">
          <Button
            leftSection={<IconSend size={16} />}
            disabled={selected.length === 0}
            loading={send.isPending}
            onClick={() =>
              send.mutate(forUsers ? { userIds: selected } : { contactIds: selected }, {
                onSuccess: (answer) => {
                  notifications.show({ color: 'green', message: t('survey.sent', { count: answer.invited }) });
                  setSelected([]);
                  onClose();
                },
              })
            }
          >
            {t('survey.send')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
