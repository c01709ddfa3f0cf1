import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useMailOutbox, type MailStatus, type OutboxMail } from '../hooks/use-mail-outbox';
import { useFormatters } from '../hooks/use-formatters';
import { SettingsPageHeader } from '../components/settings-page-header';
import { LoadError } from '../components/settings-states';
import { PageLoader } from '../../components/page-loader';
import { AppModal } from '../../components/app-modal';

const STATUS_COLORS: Record<MailStatus, string> = { sent: 'teal', stored: 'blue', failed: 'red' };

function StatusBadge({ status }: { status: MailStatus }) {
  const { t } = useTranslation('settings');
  return (
    <Badge variant="light" color={STATUS_COLORS[status] ?? 'gray'} style={{ flexShrink: 0 }}>
      {t(`mail.status.${status}`, { defaultValue: status })}
    </Badge>
  );
}

/** /settings/mail-outbox: every mail Clave sent or, without SMTP_URL, kept here for an administrator to read. */
export function MailOutboxPage() {
  const { t } = useTranslation('settings');
  const format = useFormatters();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const outbox = useMailOutbox();
  const [reading, setReading] = useState<OutboxMail | null>(null);
  const mails = outbox.data?.pages.flatMap((page) => page.data) ?? [];

  let body;
  if (outbox.isPending) body = <PageLoader />;
  else if (outbox.isError) body = <LoadError error={outbox.error} onRetry={() => void outbox.refetch()} />;
  else if (mails.length === 0)
    body = (
      <Text size="sm" c="dimmed" ta="center" py="xl">
        {t('mail.empty')}
      </Text>
    );
  else
    body = (
      <Stack gap="md">
        {isPhone ? (
          <Stack gap={0} role="list" aria-label={t('sections.mailOutbox')}>
            {mails.map((mail, index) => (
              <UnstyledButton
                key={mail.id}
                role="listitem"
                py="sm"
                onClick={() => setReading(mail)}
                aria-label={t('mail.open', { subject: mail.subject })}
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                data-testid="mail-row"
              >
                <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                  <Text size="sm" fw={500} lineClamp={2}>
                    {mail.subject}
                  </Text>
                  <StatusBadge status={mail.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  {mail.to} · {format.dateTime(mail.createdAt)}
                </Text>
              </UnstyledButton>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" highlightOnHover aria-label={t('sections.mailOutbox')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={170}>{t('mail.date')}</Table.Th>
                  <Table.Th>{t('mail.to')}</Table.Th>
                  <Table.Th>{t('mail.subject')}</Table.Th>
                  <Table.Th w={120}>{t('mail.statusLabel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {mails.map((mail) => (
                  <Table.Tr
                    key={mail.id}
                    onClick={() => setReading(mail)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        setReading(mail);
                      }
                    }}
                    tabIndex={0}
                    aria-label={t('mail.open', { subject: mail.subject })}
                    style={{ cursor: 'pointer' }}
                    data-testid="mail-row"
                  >
                    <Table.Td>
                      <Text size="sm">{format.dateTime(mail.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{mail.to}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500} lineClamp={1}>
                        {mail.subject}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={mail.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {outbox.hasNextPage && (
          <Group justify="center">
            <Button variant="default" onClick={() => void outbox.fetchNextPage()} loading={outbox.isFetchingNextPage}>
              {t('loadMore')}
            </Button>
          </Group>
        )}
      </Stack>
    );

  return (
    <>
      <SettingsPageHeader title={t('sections.mailOutbox')} description={t('mail.description')} />
      <Stack gap="lg">
        <Alert color="blue" icon={<IconInfoCircle size={18} />} title={t('mail.smtpTitle')}>
          {t('mail.smtpBody')} <Code>SMTP_URL</Code>.
        </Alert>
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          {body}
        </Paper>
      </Stack>
      <AppModal opened={reading !== null} onClose={() => setReading(null)} title={reading?.subject} size="lg">
        {reading && (
          <Stack gap="sm">
            <Group gap="xs">
              <StatusBadge status={reading.status} />
              <Text size="sm" c="dimmed">
                {format.dateTime(reading.createdAt)}
              </Text>
            </Group>
            <Text size="sm">
              <Text span c="dimmed">
                {t('mail.to')}:
              </Text>{' '}
              {reading.to}
            </Text>
            {reading.error && (
              <Alert color="red" title={t('mail.errorTitle')}>
                {reading.error}
              </Alert>
            )}
            <Paper
              withBorder
              p="md"
              bg="gray.0"
              style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontSize: 'var(--mantine-font-size-sm)' }}
              data-testid="mail-text"
            >
              {reading.text || t('mail.noText')}
            </Paper>
          </Stack>
        )}
      </AppModal>
    </>
  );
}
