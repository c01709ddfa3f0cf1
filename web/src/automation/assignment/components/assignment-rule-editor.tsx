import { useEffect, useState } from 'react';
import {
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { fromFilter, toFilter, type FilterGroup } from '../../../records/components/filter-builder';
import { CriteriaButton } from '../../components/criteria-button';
import { useModule, useModules } from '../../../records/hooks/use-records';
import { useUsers } from '../../../settings/hooks/use-users';
import { useRoles } from '../../../settings/hooks/use-roles';
import { useGroups } from '../../../settings/hooks/use-groups';
import { useSaveAssignmentRule, type AssignmentEntry, type AssignmentRule, type AssignmentTarget, type TargetType } from '../api';

type PoolKind = 'users' | 'role' | 'group';

interface DraftEntry {
  id?: string;
  criteria: FilterGroup;
  type: TargetType;
  pool: PoolKind;
  userIds: string[];
  roleId: string | null;
  groupId: string | null;
  followUp: boolean;
  taskSubject: string;
  taskDue: number | string;
}

const emptyEntry = (): DraftEntry => ({
  criteria: { kind: 'and', items: [] },
  type: 'round_robin',
  pool: 'users',
  userIds: [],
  roleId: null,
  groupId: null,
  followUp: false,
  taskSubject: '',
  taskDue: 1,
});

function toDraft(entry: AssignmentEntry): DraftEntry {
  const { target } = entry;
  return {
    id: entry.id,
    criteria: fromFilter(entry.criteria),
    type: target.type,
    pool: target.roleId ? 'role' : target.groupId ? 'group' : 'users',
    userIds: target.type === 'user' ? (target.userId ? [target.userId] : []) : (target.userIds ?? []),
    roleId: target.roleId ?? null,
    groupId: target.groupId ?? null,
    followUp: entry.followUpTask !== null,
    taskSubject: entry.followUpTask?.subject ?? '',
    taskDue: entry.followUpTask?.dueInDays ?? '',
  };
}

function fromDraft(draft: DraftEntry): AssignmentEntry {
  let target: AssignmentTarget;
  if (draft.type === 'user') target = { type: 'user', userId: draft.userIds[0] };
  else if (draft.pool === 'role') target = { type: draft.type, roleId: draft.roleId ?? undefined };
  else if (draft.pool === 'group') target = { type: draft.type, groupId: draft.groupId ?? undefined };
  else target = { type: draft.type, userIds: draft.userIds };
  return {
    ...(draft.id ? { id: draft.id } : {}),
    criteria: toFilter(draft.criteria) ?? null,
    target,
    followUpTask: draft.followUp
      ? { subject: draft.taskSubject.trim(), ...(draft.taskDue === '' ? {} : { dueInDays: Number(draft.taskDue) }) }
      : null,
  };
}

/** The dialog that creates or edits an assignment rule: module, name, and the ordered entries (conditions and target). */
export function AssignmentRuleEditor({ rule, opened, onClose }: { rule: AssignmentRule | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automation');
  const save = useSaveAssignmentRule();
  const modules = useModules();
  const users = useUsers({ active: true });
  const roles = useRoles();
  const groups = useGroups();
  const [module, setModule] = useState<string | null>('leads');
  const [name, setName] = useState('');
  const [active, setActive] = useState(true);
  const [entries, setEntries] = useState<DraftEntry[]>([emptyEntry()]);
  const moduleDetail = useModule(module ?? 'leads');

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setModule(rule?.module ?? 'leads');
    setName(rule?.name ?? '');
    setActive(rule?.active ?? true);
    setEntries(rule ? rule.entries.map(toDraft) : [emptyEntry()]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, rule]);

  const change = (index: number, patch: Partial<DraftEntry>) =>
    setEntries((list) => list.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)));
  const move = (index: number, by: number) =>
    setEntries((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });

  const userOptions = (users.data ?? []).map((user) => ({ value: user.id, label: user.name }));
  const submit = () =>
    save.mutate(
      { id: rule?.id, rule: { module: module ?? undefined, name: name.trim(), active, entries: entries.map(fromDraft) } },
      {
        onSuccess: () => {
          notifySuccess(t('assignment.saved'));
          onClose();
        },
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={rule ? t('assignment.editorTitleEdit') : t('assignment.editorTitleNew')}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        error={save.error}
        fields={['module', 'name']}
        submitLabel={t('assignment.save')}
        submitting={save.isPending}
      >
        <Group grow align="flex-start">
          <Select
            label={t('assignment.module')}
            data={(modules.data ?? []).map((m) => ({ value: m.apiName, label: m.pluralLabel }))}
            value={module}
            onChange={(value) => {
              setModule(value);
              setEntries((list) => list.map((entry) => ({ ...entry, criteria: { kind: 'and', items: [] } })));
            }}
            disabled={!!rule}
            allowDeselect={false}
            required
          />
          <TextInput
            label={t('assignment.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={120}
          />
        </Group>
        <Switch
          label={t('assignment.active')}
          description={t('assignment.activeHint')}
          checked={active}
          onChange={(event) => setActive(event.currentTarget.checked)}
        />
        {entries.map((entry, index) => (
          <Paper key={entry.id ?? `new-${index}`} withBorder radius="md" p="sm" data-testid="assignment-entry">
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600} size="sm">
                  {t('assignment.entry', { n: index + 1 })}
                </Text>
                <Group gap={2}>
                  <TooltipIconButton
                    tooltip={t('assignment.moveUp')}
                    label={t('assignment.moveUp')}
                    color="gray"
                    icon={<IconArrowUp size={16} />}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  />
                  <TooltipIconButton
                    tooltip={t('assignment.moveDown')}
                    label={t('assignment.moveDown')}
                    color="gray"
                    icon={<IconArrowDown size={16} />}
                    disabled={index === entries.length - 1}
                    onClick={() => move(index, 1)}
                  />
                  <TooltipIconButton
                    tooltip={t('assignment.removeEntry')}
                    label={t('assignment.removeEntry')}
                    color="red"
                    icon={<IconTrash size={16} />}
                    disabled={entries.length === 1}
                    onClick={() => setEntries((list) => list.filter((_, i) => i !== index))}
                  />
                </Group>
              </Group>
              <CriteriaButton
                fields={moduleDetail.data?.fields ?? []}
                value={entry.criteria}
                onApply={(group) => change(index, { criteria: group })}
                emptyLabel={t('assignment.criteriaAll')}
              />
              <Group grow align="flex-start">
                <Select
                  label={t('assignment.targetType')}
                  data={(['user', 'round_robin', 'least_loaded'] as const).map((type) => ({
                    value: type,
                    label: t(`assignment.targets.${type}`),
                  }))}
                  value={entry.type}
                  onChange={(value) => change(index, { type: (value ?? 'user') as TargetType })}
                  allowDeselect={false}
                />
                {entry.type !== 'user' && (
                  <Stack gap={4}>
                    <Text size="sm" fw={500}>
                      {t('assignment.pool')}
                    </Text>
                    <SegmentedControl
                      size="xs"
                      data={(['users', 'role', 'group'] as const).map((pool) => ({ value: pool, label: t(`assignment.pools.${pool}`) }))}
                      value={entry.pool}
                      onChange={(value) => change(index, { pool: value as PoolKind })}
                    />
                  </Stack>
                )}
              </Group>
              {entry.type === 'user' ? (
                <Select
                  label={t('assignment.user')}
                  data={userOptions}
                  value={entry.userIds[0] ?? null}
                  onChange={(value) => change(index, { userIds: value ? [value] : [] })}
                  searchable
                />
              ) : entry.pool === 'users' ? (
                <MultiSelect
                  label={t('assignment.users')}
                  data={userOptions}
                  value={entry.userIds}
                  onChange={(value) => change(index, { userIds: value })}
                  searchable
                />
              ) : entry.pool === 'role' ? (
                <Select
                  label={t('assignment.role')}
                  data={(roles.data ?? []).map((role) => ({ value: role.id, label: role.name }))}
                  value={entry.roleId}
                  onChange={(value) => change(index, { roleId: value })}
                  searchable
                />
              ) : (
                <Select
                  label={t('assignment.group')}
                  data={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
                  value={entry.groupId}
                  onChange={(value) => change(index, { groupId: value })}
                  searchable
                />
              )}
              <Checkbox
                label={t('assignment.followUp')}
                checked={entry.followUp}
                onChange={(event) => change(index, { followUp: event.currentTarget.checked })}
              />
              {entry.followUp && (
                <Group grow align="flex-start">
                  <TextInput
                    label={t('assignment.taskSubject')}
                    value={entry.taskSubject}
                    onChange={(event) => change(index, { taskSubject: event.currentTarget.value })}
                    maxLength={255}
                    required
                  />
                  <NumberInput
                    label={t('assignment.taskDue')}
                    value={entry.taskDue}
                    onChange={(value) => change(index, { taskDue: value })}
                    min={0}
                    max={365}
                    allowDecimal={false}
                  />
                </Group>
              )}
            </Stack>
          </Paper>
        ))}
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          disabled={entries.length >= 50}
          onClick={() => setEntries((list) => [...list, emptyEntry()])}
        >
          {t('assignment.addEntry')}
        </Button>
      </ModalForm>
    </Modal>
  );
}
