import { useState } from 'react';
import { Badge, Box, Group, Paper, Text } from '@mantine/core';
import { IconAlarm, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { useUsers } from '../../../settings/hooks/use-users';
import { useDeleteEscalationRule, useEscalationRules, type EscalationRule } from '../api';
import { EscalationRuleEditor } from '../components/escalation-rule-editor';

/** Settings › Case escalation: the rules that tell managers (or a named user) about cases past their SLA. */
export function EscalationRulesPage() {
  const { t } = useTranslation('automation');
  const rules = useEscalationRules();
  const users = useUsers({});
  const remove = useDeleteEscalationRule();
  const [editing, setEditing] = useState<{ rule: EscalationRule | null } | null>(null);
  const [deleting, setDeleting] = useState<EscalationRule | null>(null);
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? '—';

  return (
    <>
      <SettingsListPage
        title={t('escalation.title')}
        description={t('escalation.description')}
        query={rules}
        createLabel={t('assignment.create')}
        onCreate={() => setEditing({ rule: null })}
        empty={{ icon: <IconAlarm size={28} />, title: t('escalation.emptyTitle'), body: t('escalation.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('escalation.title')}>
            {list.map((rule, index) => (
              <Group
                key={rule.id}
                role="listitem"
                justify="space-between"
                align="flex-start"
                wrap="nowrap"
                px="md"
                py="sm"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                data-testid="escalation-rule-row"
              >
                <Box style={{ minWidth: 0 }}>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {rule.name}
                    </Text>
                    <Badge variant="light" color={rule.active ? 'green' : 'gray'}>
                      {rule.active ? t('assignment.active') : t('assignment.inactive')}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {rule.levels
                      .map((level, i) =>
                        t('escalation.summary', {
                          n: i + 1,
                          hours: level.afterMinutes / 60,
                          to: level.target.type === 'user' ? userName(level.target.userId) : t('escalation.targets.manager'),
                        }),
                      )
                      .join(' · ')}
                  </Text>
                </Box>
                <Group gap={2} wrap="nowrap">
                  <TooltipIconButton
                    tooltip={t('app:common.edit')}
                    label={t('assignment.edit', { name: rule.name })}
                    color="gray"
                    icon={<IconPencil size={18} />}
                    onClick={() => setEditing({ rule })}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.delete')}
                    label={t('assignment.delete', { name: rule.name })}
                    color="red"
                    icon={<IconTrash size={18} />}
                    onClick={() => {
                      remove.reset();
                      setDeleting(rule);
                    }}
                  />
                </Group>
              </Group>
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <EscalationRuleEditor rule={editing?.rule ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('assignment.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('escalation.deleteBody')}
        doneMessage={t('assignment.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
