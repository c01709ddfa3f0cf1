import { Fragment, useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Code,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconFilterOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useAuditLog, type AuditFilter } from '../hooks/use-audit-log';
import { useFormatters } from '../hooks/use-formatters';
import { useUsers } from '../hooks/use-users';
import { SettingsPageHeader } from '../components/settings-page-header';
import { LoadError } from '../components/settings-states';
import { PageLoader } from '../../components/page-loader';
import { AuditDiff } from '../components/audit-diff';
import { auditActionColor, auditActionLabel, auditTargetLabel, KNOWN_AUDIT_ACTIONS } from '../components/audit-actions';

interface FilterForm {
  action: string | null;
  actorId: string | null;
  from: string;
  to: string;
}

const EMPTY: FilterForm = { action: null, actorId: null, from: '', to: '' };

/** Local calendar days become the instants the API filters on. */
function toApiFilter(form: FilterForm): AuditFilter {
  const valid = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
  return {
    action: form.action ?? undefined,
    actorId: form.actorId ?? undefined,
    from: valid(form.from) ? new Date(`${form.from}T00:00:00`).toISOString() : undefined,
    to: valid(form.to) ? new Date(`${form.to}T23:59:59.999`).toISOString() : undefined,
  };
}

/** /settings/audit-log: who did what and when, newest first, with the before/after of each change. */
export function AuditLogPage() {
  const { t, i18n } = useTranslation('settings');
  const format = useFormatters();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const filter = useMemo(() => toApiFilter(form), [form]);
  const log = useAuditLog(filter);
  const users = useUsers({});
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  const toggle = (id: string) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const actionGroups = useMemo(() => {
    const byGroup = new Map<string, Array<{ value: string; label: string }>>();
    for (const action of KNOWN_AUDIT_ACTIONS) {
      const group = action.split('.')[0];
      byGroup.set(group, [...(byGroup.get(group) ?? []), { value: action, label: auditActionLabel(t, i18n, action) }]);
    }
    return [...byGroup.entries()].map(([group, items]) => ({ group: auditTargetLabel(t, i18n, group), items }));
  }, [t, i18n]);

  const actorName = (actorId: string | null, name?: string | null) => {
    if (name) return name;
    if (!actorId) return t('audit.system');
    return users.data?.find((user) => user.id === actorId)?.name ?? actorId.slice(0, 8);
  };

  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = form.action || form.actorId || form.from || form.to;

  let body;
  if (log.isPending) body = <PageLoader />;
  else if (log.isError) body = <LoadError error={log.error} onRetry={() => void log.refetch()} />;
  else if (entries.length === 0)
    body = (
      <Text size="sm" c="dimmed" ta="center" py="xl">
        {filtered ? t('audit.noMatch') : t('audit.empty')}
      </Text>
    );
  else
    body = (
      <Stack gap="md">
        {isPhone ? (
          <Stack gap={0} role="list" aria-label={t('sections.auditLog')}>
            {entries.map((entry, index) => {
              const open = expanded.has(entry.id);
              return (
                <Box
                  key={entry.id}
                  role="listitem"
                  py="sm"
                  style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                  data-testid="audit-row"
                >
                  <UnstyledButton
                    w="100%"
                    onClick={() => toggle(entry.id)}
                    aria-expanded={open}
                    aria-label={open ? t('audit.hideChanges') : t('audit.showChanges')}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                      <Stack gap={4} style={{ minWidth: 0 }}>
                        <Badge variant="light" color={auditActionColor(entry.action)} tt="none" size="md" maw="100%">
                          {auditActionLabel(t, i18n, entry.action)}
                        </Badge>
                        <Text size="sm">
                          {actorName(entry.actorId, entry.actorName)}
                          {entry.targetType && (
                            <Text span c="dimmed" size="sm">
                              {' · '}
                              {auditTargetLabel(t, i18n, entry.targetType)}
                            </Text>
                          )}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {format.dateTime(entry.createdAt)}
                          {entry.ip ? ` · ${entry.ip}` : ''}
                        </Text>
                      </Stack>
                      {open ? <IconChevronDown size={18} /> : <IconChevronRight size={18} />}
                    </Group>
                  </UnstyledButton>
                  {open && (
                    <Box mt="xs" style={{ overflowX: 'auto' }}>
                      <AuditDiff before={entry.before} after={entry.after} />
                    </Box>
                  )}
                </Box>
              );
            })}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={680}>
            <Table verticalSpacing="sm" aria-label={t('sections.auditLog')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40} />
                  <Table.Th w={180}>{t('audit.when')}</Table.Th>
                  <Table.Th>{t('audit.who')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.target')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => {
                  const open = expanded.has(entry.id);
                  return (
                    <Fragment key={entry.id}>
                      <Table.Tr
                        onClick={() => toggle(entry.id)}
                        style={{ cursor: 'pointer' }}
                        data-testid="audit-row"
                        bg={open ? 'var(--mantine-color-gray-0)' : undefined}
                      >
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            size="sm"
                            aria-expanded={open}
                            aria-label={open ? t('audit.hideChanges') : t('audit.showChanges')}
                            onClick={(event) => {
                              event.stopPropagation();
                              toggle(entry.id);
                            }}
                          >
                            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{format.dateTime(entry.createdAt)}</Text>
                          {entry.ip && (
                            <Text size="xs" c="dimmed" ff="monospace" title={t('audit.ip')}>
                              {entry.ip}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{actorName(entry.actorId, entry.actorName)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Tooltip label={entry.action} openDelay={400}>
                            <Badge
                              variant="light"
                              color={auditActionColor(entry.action)}
                              tt="none"
                              size="md"
                              style={{ minWidth: 'max-content' }}
                            >
                              {auditActionLabel(t, i18n, entry.action)}
                            </Badge>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td>
                          {entry.targetType ? (
                            <Group gap={6} wrap="nowrap">
                              <Text size="sm">{auditTargetLabel(t, i18n, entry.targetType)}</Text>
                              {entry.targetId && (
                                <Code fz="xs" title={entry.targetId}>
                                  {entry.targetId.slice(0, 8)}
                                </Code>
                              )}
                            </Group>
                          ) : (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                      {open && (
                        <Table.Tr bg="var(--mantine-color-gray-0)">
                          <Table.Td />
                          <Table.Td colSpan={4}>
                            <Box py={4}>
                              <AuditDiff before={entry.before} after={entry.after} />
                            </Box>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {log.hasNextPage && (
          <Group justify="center">
            <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
              {t('loadMore')}
            </Button>
          </Group>
        )}
      </Stack>
    );

  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((previous) => ({ ...previous, [key]: value }));
  return (
    <>
      <SettingsPageHeader title={t('sections.auditLog')} description={t('audit.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, xl: 4 }} spacing="sm">
            <Select
              label={t('audit.action')}
              placeholder={t('audit.anyAction')}
              data={actionGroups}
              value={form.action}
              onChange={(value) => set('action', value)}
              searchable
              clearable
              nothingFoundMessage={t('nothingFound')}
            />
            <Select
              label={t('audit.who')}
              placeholder={t('audit.anyone')}
              data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
              value={form.actorId}
              onChange={(value) => set('actorId', value)}
              searchable
              clearable
              nothingFoundMessage={t('nothingFound')}
            />
            <TextInput
              type="date"
              label={t('audit.from')}
              value={form.from}
              onChange={(event) => set('from', event.currentTarget.value)}
              max={form.to || undefined}
            />
            <TextInput
              type="date"
              label={t('audit.to')}
              value={form.to}
              onChange={(event) => set('to', event.currentTarget.value)}
              min={form.from || undefined}
            />
          </SimpleGrid>
          {filtered && (
            <Group>
              <Button variant="subtle" size="xs" leftSection={<IconFilterOff size={14} />} onClick={() => setForm(EMPTY)}>
                {t('audit.clearFilters')}
              </Button>
            </Group>
          )}
          {body}
        </Stack>
      </Paper>
    </>
  );
}
