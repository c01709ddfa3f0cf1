import { useState } from 'react';
import { Badge, Paper } from '@mantine/core';
import { IconChecklist } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { RuleRow } from '../../components/rule-row';
import { useModules } from '../../../records/hooks/use-records';
import { useUsers } from '../../../settings/hooks/use-users';
import { useGroups } from '../../../settings/hooks/use-groups';
import { useApprovalProcesses, useDeleteApprovalProcess, type ApprovalProcess, type Approvers } from '../api';
import { ApprovalProcessEditor } from '../components/approval-process-editor';

/** Settings › Approval processes: each process with its trigger and steps. */
export function ApprovalProcessesPage() {
  const { t } = useTranslation('automation');
  const processes = useApprovalProcesses();
  const modules = useModules();
  const users = useUsers({});
  const groups = useGroups();
  const remove = useDeleteApprovalProcess();
  const [editing, setEditing] = useState<{ process: ApprovalProcess | null } | null>(null);
  const [deleting, setDeleting] = useState<ApprovalProcess | null>(null);
  const moduleLabel = (apiName: string) => modules.data?.find((m) => m.apiName === apiName)?.pluralLabel ?? apiName;

  const who = (approvers: Approvers) => {
    if (approvers.type === 'user') return users.data?.find((user) => user.id === approvers.userId)?.name ?? '—';
    if (approvers.type === 'manager') return t('approvals.who.manager', { count: approvers.levels });
    const name = groups.data?.find((group) => group.id === approvers.groupId)?.name ?? '—';
    return t(approvers.mode === 'all' ? 'approvals.who.groupAll' : 'approvals.who.groupAny', { name });
  };

  return (
    <>
      <SettingsListPage
        title={t('approvals.title')}
        description={t('approvals.description')}
        query={processes}
        createLabel={t('approvals.create')}
        onCreate={() => setEditing({ process: null })}
        empty={{ icon: <IconChecklist size={28} />, title: t('approvals.emptyTitle'), body: t('approvals.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('approvals.title')}>
            {list.map((process, index) => (
              <RuleRow
                key={process.id}
                name={process.name}
                active={process.enabled}
                badges={
                  <>
                    <Badge variant="light">{moduleLabel(process.module)}</Badge>
                    <Badge variant="light" color="grape">
                      {t(`approvals.trigger.${process.trigger}`)}
                    </Badge>
                  </>
                }
                summary={process.steps
                  .map((step, i) => t('approvals.summaryStep', { n: i + 1, name: step.name, who: who(step.approvers) }))
                  .join(' · ')}
                first={index === 0}
                testId="approval-process-row"
                onEdit={() => setEditing({ process })}
                onDelete={() => {
                  remove.reset();
                  setDeleting(process);
                }}
              />
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <ApprovalProcessEditor process={editing?.process ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('assignment.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('approvals.deleteBody')}
        doneMessage={t('assignment.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
