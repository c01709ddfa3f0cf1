import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { useModule } from '../../../records/hooks/use-records';
import { useUsers } from '../../../settings/hooks/use-users';
import { useGroups } from '../../../settings/hooks/use-groups';
import { CriteriaButton } from '../../components/criteria-button';
import { fromFilter, toFilter } from '../../../records/components/filter-builder';
import { ActionList } from '../../components/rule-editor-modal';
import { RuleBasics, ruleFormIntro } from '../../components/rule-basics';
import {
  APPROVAL_TRIGGERS,
  useSaveApprovalProcess,
  type ApprovalProcess,
  type ApprovalProcessInput,
  type ApprovalStep,
  type Approvers,
} from '../api';

const EMPTY: ApprovalProcessInput = {
  name: '',
  description: null,
  module: 'deals',
  trigger: 'create_or_edit',
  criteria: null,
  steps: [{ name: '', approvers: { type: 'manager', levels: 1 } }],
  onApprove: [],
  onReject: [],
  enabled: true,
};

/** Only what a process is made of (a saved one also carries its id, owner and dates, which the API refuses). */
const inputOf = (process: ApprovalProcess | null): ApprovalProcessInput =>
  process
    ? {
        name: process.name,
        description: process.description,
        module: process.module,
        trigger: process.trigger,
        criteria: process.criteria,
        steps: process.steps,
        onApprove: process.onApprove,
        onReject: process.onReject,
        enabled: process.enabled,
      }
    : EMPTY;

/** The dialog that creates or edits an approval process: which records, when, the steps, the actions at the end. */
export function ApprovalProcessEditor({
  process,
  opened,
  onClose,
}: {
  process: ApprovalProcess | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation('automation');
  const save = useSaveApprovalProcess();
  const [draft, setDraft] = useState<ApprovalProcessInput>(EMPTY);
  const [localError, setLocalError] = useState<string | null>(null);
  const module = useModule(draft.module);
  const fields = (module.data?.fields ?? []).filter((field) => !field.hidden);
  const set = (patch: Partial<ApprovalProcessInput>) => setDraft((current) => ({ ...current, ...patch }));
  const setStep = (index: number, patch: Partial<ApprovalStep>) =>
    set({ steps: draft.steps.map((step, i) => (i === index ? { ...step, ...patch } : step)) });

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setLocalError(null);
    setDraft(inputOf(process));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, process]);

  function handleSubmit() {
    if (!draft.name.trim() || draft.steps.some((step) => !step.name.trim())) return setLocalError(t('approvals.editor.needsName'));
    setLocalError(null);
    save.mutate(
      { id: process?.id, process: { ...draft, name: draft.name.trim() } },
      {
        onSuccess: (saved) => {
          notifySuccess(t('approvals.saved', { name: saved.name }));
          onClose();
        },
      },
    );
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      size="xl"
      title={process ? t('approvals.editor.editTitle', { name: process.name }) : t('approvals.editor.createTitle')}
    >
      <ModalForm
        onSubmit={handleSubmit}
        onCancel={onClose}
        error={save.error}
        fields={[]}
        submitLabel={process ? t('app:common.save') : t('app:common.create')}
        submitting={save.isPending}
        intro={ruleFormIntro(localError, save.error)}
      >
        <RuleBasics
          name={draft.name}
          module={draft.module}
          description={draft.description}
          moduleLocked={process !== null}
          onChange={(patch) => set(patch.module ? { ...patch, criteria: null, onApprove: [], onReject: [] } : patch)}
        />
        <Select
          label={t('approvals.editor.trigger')}
          data={APPROVAL_TRIGGERS.map((trigger) => ({ value: trigger, label: t(`approvals.trigger.${trigger}`) }))}
          value={draft.trigger}
          onChange={(value) => value && set({ trigger: value as ApprovalProcessInput['trigger'] })}
          allowDeselect={false}
        />
        <Stack gap={4}>
          <CriteriaButton
            fields={fields}
            value={fromFilter(draft.criteria)}
            onApply={(group) => set({ criteria: toFilter(group) ?? null })}
            label={t('editor.criteria')}
            emptyLabel={t('editor.criteriaNone')}
          />
          <Text size="xs" c="dimmed">
            {t('approvals.editor.criteriaHint')}
          </Text>
        </Stack>

        <Title order={6}>{t('approvals.editor.steps')}</Title>
        {draft.steps.map((step, index) => (
          <StepEditor
            key={index}
            index={index}
            step={step}
            fields={fields}
            removable={draft.steps.length > 1}
            onChange={(patch) => setStep(index, patch)}
            onRemove={() => set({ steps: draft.steps.filter((_, i) => i !== index) })}
          />
        ))}
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          disabled={draft.steps.length >= 10}
          onClick={() => set({ steps: [...draft.steps, { name: '', approvers: { type: 'manager', levels: 1 } }] })}
        >
          {t('approvals.editor.addStep')}
        </Button>

        <ActionList
          title={t('approvals.editor.onApprove')}
          actions={draft.onApprove}
          fields={fields}
          onChange={(onApprove) => set({ onApprove })}
        />
        <ActionList
          title={t('approvals.editor.onReject')}
          actions={draft.onReject}
          fields={fields}
          onChange={(onReject) => set({ onReject })}
        />
        <Switch label={t('editor.enabled')} checked={draft.enabled} onChange={(event) => set({ enabled: event.currentTarget.checked })} />
      </ModalForm>
    </Modal>
  );
}

function StepEditor(props: {
  index: number;
  step: ApprovalStep;
  fields: Parameters<typeof CriteriaButton>[0]['fields'];
  removable: boolean;
  onChange: (patch: Partial<ApprovalStep>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('automation');
  const users = useUsers({ active: true });
  const groups = useGroups();
  const { step } = props;
  const approvers = step.approvers;
  const setApprovers = (next: Approvers) => props.onChange({ approvers: next });
  return (
    <Paper withBorder radius="md" p="sm" data-testid="approval-step">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {t('approvals.editor.step', { n: props.index + 1 })}
          </Text>
          <TooltipIconButton
            tooltip={t('approvals.editor.removeStep')}
            label={t('approvals.editor.removeStep')}
            color="red"
            icon={<IconTrash size={16} />}
            disabled={!props.removable}
            onClick={props.onRemove}
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            label={t('approvals.editor.stepName')}
            required
            maxLength={120}
            value={step.name}
            onChange={(event) => props.onChange({ name: event.currentTarget.value })}
          />
          <Select
            label={t('approvals.editor.approverType')}
            data={(['manager', 'user', 'group'] as const).map((type) => ({
              value: type,
              label: t(`approvals.editor.approverTypes.${type}`),
            }))}
            value={approvers.type}
            onChange={(type) =>
              setApprovers(
                type === 'user'
                  ? { type: 'user', userId: '' }
                  : type === 'group'
                    ? { type: 'group', groupId: '', mode: 'any' }
                    : { type: 'manager', levels: 1 },
              )
            }
            allowDeselect={false}
          />
        </Group>
        {approvers.type === 'manager' && (
          <NumberInput
            label={t('approvals.editor.levels')}
            min={1}
            max={10}
            allowDecimal={false}
            w={200}
            value={approvers.levels}
            onChange={(value) => setApprovers({ type: 'manager', levels: typeof value === 'number' ? value : 1 })}
          />
        )}
        {approvers.type === 'user' && (
          <Select
            label={t('assignment.user')}
            searchable
            data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
            value={approvers.userId || null}
            onChange={(userId) => setApprovers({ type: 'user', userId: userId ?? '' })}
          />
        )}
        {approvers.type === 'group' && (
          <Group grow align="flex-start">
            <Select
              label={t('approvals.editor.group')}
              searchable
              data={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
              value={approvers.groupId || null}
              onChange={(groupId) => setApprovers({ ...approvers, groupId: groupId ?? '' })}
            />
            <Select
              label={t('approvals.editor.modeLabel')}
              data={(['any', 'all'] as const).map((mode) => ({ value: mode, label: t(`approvals.editor.mode.${mode}`) }))}
              value={approvers.mode}
              onChange={(mode) => setApprovers({ ...approvers, mode: mode === 'all' ? 'all' : 'any' })}
              allowDeselect={false}
            />
          </Group>
        )}
        <CriteriaButton
          fields={props.fields}
          value={fromFilter(step.criteria ?? null)}
          onApply={(group) => props.onChange({ criteria: toFilter(group) ?? null })}
          label={t('approvals.editor.stepCriteria')}
          emptyLabel={t('approvals.editor.stepCriteriaNone')}
        />
      </Stack>
    </Paper>
  );
}
