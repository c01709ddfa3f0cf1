import { useState } from 'react';
import { Paper } from '@mantine/core';
import { IconAlarm } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { RuleRow } from '../../components/rule-row';
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
              <RuleRow
                key={rule.id}
                name={rule.name}
                active={rule.active}
                summary={rule.levels
                  .map((level, i) =>
                    t('escalation.summary', {
                      n: i + 1,
                      hours: level.afterMinutes / 60,
                      to: level.target.type === 'user' ? userName(level.target.userId) : t('escalation.targets.manager'),
                    }),
                  )
                  .join(' · ')}
                first={index === 0}
                testId="escalation-rule-row"
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
