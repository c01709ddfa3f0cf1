import { Alert, Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useModule, useRecordQuery } from '../../records/hooks/use-records';
import { recordName } from '../../records/format';
import type { Field, RecordData } from '../../records/api';

const ROLES = ['decision_maker', 'champion', 'influencer', 'user', 'blocker'] as const;
const SENTIMENT_COLOR: Record<string, string> = { positive: 'green', neutral: 'gray', negative: 'red' };
const INFLUENCE_COLOR: Record<string, string> = { high: 'violet', medium: 'blue', low: 'gray' };

/** An account's contacts grouped by their role in the buying group, with influence and sentiment; gaps flagged. */
export function RelationshipMapPanel({ accountId }: { accountId: string }) {
  const { t, i18n } = useTranslation('kam');
  const contactsModule = useModule('contacts');
  const contacts = useRecordQuery('contacts', {
    filter: { field: 'account_id', op: 'eq', value: accountId },
    fields: ['first_name', 'last_name', 'title', 'buying_role', 'influence', 'sentiment'],
    limit: 200,
  });
  const language = i18n.language === 'en' ? 'en' : 'es';
  const fields = contactsModule.data?.fields ?? [];
  const label = (apiName: string, code: unknown) => {
    const field: Field | undefined = fields.find((f) => f.apiName === apiName);
    return field?.options.values?.find((v) => v.code === code)?.labels[language] ?? String(code);
  };
  const rows = contacts.data?.data ?? [];
  const byRole = (role: string | null) => rows.filter((row) => (row.buying_role ?? null) === role);
  const hasDecisionMaker = byRole('decision_maker').length > 0;
  const hasChampion = byRole('champion').length > 0;
  const groups: Array<{ key: string; title: string; people: RecordData[] }> = [
    ...ROLES.map((role) => ({ key: role, title: label('buying_role', role), people: byRole(role) })),
    { key: 'unmapped', title: t('map.unmapped'), people: rows.filter((row) => !row.buying_role) },
  ].filter((group) => group.people.length > 0);

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('map.title')}>
      <Title order={4} mb="sm">
        {t('map.title')}
      </Title>
      {contacts.isSuccess && rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('map.empty')}
        </Text>
      ) : (
        <Stack gap="sm">
          {contacts.isSuccess && (!hasDecisionMaker || !hasChampion) ? (
            <Alert color="orange" p="xs">
              <Stack gap={2}>
                {!hasDecisionMaker && <Text size="sm">{t('map.noDecisionMaker')}</Text>}
                {!hasChampion && <Text size="sm">{t('map.noChampion')}</Text>}
              </Stack>
            </Alert>
          ) : (
            contacts.isSuccess && (
              <Text size="sm" c="green.8">
                {t('map.covered')}
              </Text>
            )
          )}
          {groups.map((group) => (
            <Stack key={group.key} gap={4}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                {group.title}
              </Text>
              {group.people.map((person) => (
                <Group key={person.id} justify="space-between" wrap="nowrap" gap="xs">
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Anchor
                      component={Link}
                      to="/records/$module/$id"
                      params={{ module: 'contacts', id: person.id } as never}
                      size="sm"
                      truncate
                    >
                      {recordName(person, ['first_name', 'last_name']) || '—'}
                    </Anchor>
                    {typeof person.title === 'string' && (
                      <Text size="xs" c="dimmed" truncate>
                        {person.title}
                      </Text>
                    )}
                  </Stack>
                  <Group gap={4} wrap="nowrap">
                    {typeof person.influence === 'string' && (
                      <Badge size="xs" variant="light" color={INFLUENCE_COLOR[person.influence] ?? 'gray'} title={t('map.influence')}>
                        {label('influence', person.influence)}
                      </Badge>
                    )}
                    {typeof person.sentiment === 'string' && (
                      <Badge size="xs" variant="dot" color={SENTIMENT_COLOR[person.sentiment] ?? 'gray'} title={t('map.sentiment')}>
                        {label('sentiment', person.sentiment)}
                      </Badge>
                    )}
                  </Group>
                </Group>
              ))}
            </Stack>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
