import { useState } from 'react';
import { Badge, Box, Group, Paper, Text } from '@mantine/core';
import { IconArrowsSplit, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { useModules } from '../../../records/hooks/use-records';
import { useUsers } from '../../../settings/hooks/use-users';
import { useRoles } from '../../../settings/hooks/use-roles';
import { useGroups } from '../../../settings/hooks/use-groups';
import { useAssignmentRules, useDeleteAssignmentRule, type AssignmentRule, type AssignmentTarget } from '../api';
import { AssignmentRuleEditor } from '../components/assignment-rule-editor';

/** Settings › Automation › Assignment rules: each module's rules, with their entries in order. */
export function AssignmentRulesPage() {
  const { t } = useTranslation('automation');
  const rules = useAssignmentRules();
  const modules = useModules();
  const users = useUsers({});
  const roles = useRoles();
  const groups = useGroups();
  const remove = useDeleteAssignmentRule();
  const [editing, setEditing] = useState<{ rule: AssignmentRule | null } | null>(null);
  const [deleting, setDeleting] = useState<AssignmentRule | null>(null);

  const moduleLabel = (apiName: string) => modules.data?.find((m) => m.apiName === apiName)?.pluralLabel ?? apiName;
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? '—';
  const poolName = (target: AssignmentTarget) => {
    if (target.type === 'user') return userName(target.userId ?? '');
    if (target.roleId) return roles.data?.find((role) => role.id === target.roleId)?.name ?? '—';
    if (target.groupId) return groups.data?.find((group) => group.id === target.groupId)?.name ?? '—';
    return (target.userIds ?? []).map(userName).join(', ');
  };

  return (
    <>
      <SettingsListPage
        title={t('assignment.title')}
        description={t('assignment.description')}
        query={rules}
        createLabel={t('assignment.create')}
        onCreate={() => setEditing({ rule: null })}
        empty={{ icon: <IconArrowsSplit size={28} />, title: t('assignment.emptyTitle'), body: t('assignment.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('assignment.title')}>
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
                data-testid="assignment-rule-row"
              >
                <Box style={{ minWidth: 0 }}>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {rule.name}
                    </Text>
                    <Badge variant="light" color="gray" tt="none">
                      {moduleLabel(rule.module)}
                    </Badge>
                    <Badge variant="light" color={rule.active ? 'green' : 'gray'}>
                      {rule.active ? t('assignment.active') : t('assignment.inactive')}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {t('assignment.entries', { count: rule.entries.length })}:{' '}
                    {rule.entries
                      .map((entry) => t(`assignment.summary.${entry.target.type}`, { name: poolName(entry.target) }))
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
      <AssignmentRuleEditor rule={editing?.rule ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('assignment.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('assignment.deleteBody')}
        doneMessage={t('assignment.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
