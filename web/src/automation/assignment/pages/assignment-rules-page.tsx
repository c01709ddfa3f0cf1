import { useState } from 'react';
import { Badge, Paper } from '@mantine/core';
import { IconArrowsSplit } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { RuleRow } from '../../components/rule-row';
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
              <RuleRow
                key={rule.id}
                name={rule.name}
                active={rule.active}
                badges={
                  <Badge variant="light" color="gray" tt="none">
                    {moduleLabel(rule.module)}
                  </Badge>
                }
                summary={`${t('assignment.entries', { count: rule.entries.length })}: ${rule.entries
                  .map((entry) => t(`assignment.summary.${entry.target.type}`, { name: poolName(entry.target) }))
                  .join(' · ')}`}
                first={index === 0}
                testId="assignment-rule-row"
                onEdit={() => setEditing({ rule })}
                onDelete={() => {
                  remove.reset();
                  setDeleting(rule);
                }}
              />
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
