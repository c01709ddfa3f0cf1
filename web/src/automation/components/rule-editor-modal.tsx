import { useState } from 'react';
import { Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconFilter, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import type { Field } from '../../records/api';
import { countConditions, FilterBuilder, fromFilter, toFilter } from '../../records/components/filter-builder';
import { useModule } from '../../records/hooks/use-records';
import { notifySuccess } from '../../settings/components/feedback';
import { ModalForm } from '../../settings/components/modal-form';
import { TRIGGERS, useSaveRule, type Action, type RuleInput, type ScheduledActions, type Trigger, type WorkflowRule } from '../api';
import { ActionEditor, newAction } from './action-editor';
import { RuleBasics, ruleFormIntro } from './rule-basics';

export type RuleDialog = { mode: 'create' } | { mode: 'edit'; rule: WorkflowRule };

/** Create or edit a workflow rule: module, trigger, criteria (the list-view filter builder), instant and scheduled actions. */
export function RuleEditorModal({ dialog, onClose }: { dialog: RuleDialog | null; onClose: () => void }) {
  const { t } = useTranslation('automation');
  return (
    <AppModal
      opened={dialog !== null}
      onClose={onClose}
      title={dialog?.mode === 'edit' ? t('editor.editTitle', { name: dialog.rule.name }) : t('editor.createTitle')}
      size="xl"
    >
      {dialog && <RuleForm rule={dialog.mode === 'edit' ? dialog.rule : null} onDone={onClose} />}
    </AppModal>
  );
}

const EMPTY: RuleInput = {
  name: '',
  description: null,
  module: 'leads',
  trigger: 'create',
  triggerField: null,
  criteria: null,
  actions: [],
  scheduled: [],
  enabled: true,
};

function RuleForm({ rule, onDone }: { rule: WorkflowRule | null; onDone: () => void }) {
  const { t } = useTranslation('automation');
  const save = useSaveRule();
  const [draft, setDraft] = useState<RuleInput>(rule ?? EMPTY);
  const [editingCriteria, setEditingCriteria] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const module = useModule(draft.module);
  const fields = (module.data?.fields ?? []).filter((field) => !field.hidden);
  const set = (patch: Partial<RuleInput>) => setDraft((current) => ({ ...current, ...patch }));
  const criteria = fromFilter(draft.criteria);
  const conditions = countConditions(criteria);

  function handleSubmit() {
    if (!draft.name.trim()) return setLocalError(t('editor.nameRequired'));
    if (draft.actions.length === 0 && draft.scheduled.length === 0) return setLocalError(t('editor.needsAction'));
    setLocalError(null);
    // Only what a rule is made of (an edited rule also carries its id, owner and dates, which the API refuses).
    const body: RuleInput = {
      name: draft.name.trim(),
      description: draft.description,
      module: draft.module,
      trigger: draft.trigger,
      triggerField: draft.trigger === 'field_update' ? draft.triggerField : null,
      criteria: draft.criteria,
      actions: draft.actions,
      scheduled: draft.scheduled,
      enabled: draft.enabled,
    };
    save.mutate(
      { id: rule?.id, rule: body },
      {
        onSuccess: (saved) => {
          notifySuccess(t(rule ? 'editor.saved' : 'editor.created', { name: saved.name }));
          onDone();
        },
      },
    );
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={save.error}
      fields={[]}
      submitLabel={rule ? t('app:common.save') : t('app:common.create')}
      submitting={save.isPending}
      intro={ruleFormIntro(localError, save.error)}
    >
      <RuleBasics
        name={draft.name}
        module={draft.module}
        description={draft.description}
        moduleLocked={rule !== null}
        onChange={(patch) => set(patch.module ? { ...patch, criteria: null, actions: [], scheduled: [], triggerField: null } : patch)}
      />
      <Group grow align="flex-start">
        <Select
          label={t('editor.trigger')}
          data={TRIGGERS.map((trigger) => ({ value: trigger, label: t(`trigger.${trigger}`) }))}
          value={draft.trigger}
          onChange={(value) => value && set({ trigger: value as Trigger })}
          allowDeselect={false}
        />
        {draft.trigger === 'field_update' ? (
          <Select
            label={t('editor.triggerField')}
            required
            searchable
            data={fields.map((field) => ({ value: field.apiName, label: field.label }))}
            value={draft.triggerField}
            onChange={(value) => set({ triggerField: value })}
          />
        ) : (
          <span />
        )}
      </Group>

      <Stack gap={4}>
        <Group justify="space-between">
          <div>
            <Text size="sm" fw={500}>
              {t('editor.criteria')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('editor.criteriaHint')}
            </Text>
          </div>
          <Button variant="light" size="xs" leftSection={<IconFilter size={14} />} onClick={() => setEditingCriteria((open) => !open)}>
            {conditions ? t('editor.criteriaCount', { count: conditions }) : t('editor.criteriaNone')}
          </Button>
        </Group>
        {editingCriteria && fields.length > 0 && (
          <Paper withBorder p="sm" radius="sm">
            <FilterBuilder
              fields={fields}
              value={criteria}
              onApply={(group) => {
                set({ criteria: toFilter(group) ?? null });
                setEditingCriteria(false);
              }}
            />
          </Paper>
        )}
      </Stack>

      <ActionList title={t('editor.actions')} actions={draft.actions} fields={fields} onChange={(actions) => set({ actions })} />

      <Stack gap="xs">
        <div>
          <Title order={6}>{t('editor.scheduled')}</Title>
          <Text size="xs" c="dimmed">
            {t('editor.scheduledHint')}
          </Text>
        </div>
        {draft.scheduled.map((schedule, index) => (
          <ScheduleEditor
            key={index}
            schedule={schedule}
            fields={fields}
            onChange={(next) => set({ scheduled: draft.scheduled.map((old, i) => (i === index ? next : old)) })}
            onRemove={() => set({ scheduled: draft.scheduled.filter((_, i) => i !== index) })}
          />
        ))}
        <Group>
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={() => set({ scheduled: [...draft.scheduled, { when: { after: 60 }, actions: [newAction('task', fields)] }] })}
          >
            {t('editor.addSchedule')}
          </Button>
        </Group>
      </Stack>
      <Switch label={t('editor.enabled')} checked={draft.enabled} onChange={(event) => set({ enabled: event.currentTarget.checked })} />
    </ModalForm>
  );
}

/** A list of workflow actions with add and remove (rule editors, approval processes). */
export function ActionList({
  title,
  actions,
  fields,
  onChange,
}: {
  title?: string;
  actions: Action[];
  fields: Field[];
  onChange: (actions: Action[]) => void;
}) {
  const { t } = useTranslation('automation');
  return (
    <Stack gap="xs">
      {title && <Title order={6}>{title}</Title>}
      {actions.map((action, index) => (
        <ActionEditor
          key={index}
          action={action}
          fields={fields}
          onChange={(next) => onChange(actions.map((old, i) => (i === index ? next : old)))}
          onRemove={() => onChange(actions.filter((_, i) => i !== index))}
        />
      ))}
      <Group>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange([...actions, newAction('field_update', fields)])}
        >
          {t('editor.addAction')}
        </Button>
      </Group>
    </Stack>
  );
}

function ScheduleEditor({
  schedule,
  fields,
  onChange,
  onRemove,
}: {
  schedule: ScheduledActions;
  fields: Field[];
  onChange: (schedule: ScheduledActions) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('automation');
  const dateFields = fields.filter((field) => field.type === 'date' || field.type === 'datetime');
  const when = schedule.when;
  return (
    <Paper withBorder p="sm" radius="sm" bg="gray.0">
      <Stack gap="xs">
        <Group justify="space-between">
          <SegmentedControl
            size="xs"
            value={'after' in when ? 'after' : 'date'}
            onChange={(kind) =>
              onChange({
                ...schedule,
                when: kind === 'after' ? { after: 60 } : { field: dateFields[0]?.apiName ?? '', days: -1, time: '09:00' },
              })
            }
            data={[
              { value: 'after', label: t('editor.whenKind.after') },
              { value: 'date', label: t('editor.whenKind.date'), disabled: dateFields.length === 0 },
            ]}
          />
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={onRemove}>
            {t('editor.removeSchedule')}
          </Button>
        </Group>
        {'after' in when ? (
          <NumberInput
            label={t('editor.afterMinutes')}
            min={1}
            max={525600}
            allowDecimal={false}
            value={when.after}
            onChange={(value) => onChange({ ...schedule, when: { after: typeof value === 'number' ? value : 1 } })}
            w={200}
          />
        ) : (
          <Group grow align="flex-start">
            <Select
              label={t('editor.dateField')}
              data={dateFields.map((field) => ({ value: field.apiName, label: field.label }))}
              value={when.field || null}
              onChange={(field) => field && onChange({ ...schedule, when: { ...when, field } })}
              allowDeselect={false}
            />
            <NumberInput
              label={t('editor.days')}
              min={-3650}
              max={3650}
              allowDecimal={false}
              value={when.days}
              onChange={(value) => onChange({ ...schedule, when: { ...when, days: typeof value === 'number' ? value : 0 } })}
            />
            <TextInput
              label={t('editor.time')}
              type="time"
              value={when.time}
              onChange={(event) => onChange({ ...schedule, when: { ...when, time: event.currentTarget.value.slice(0, 5) } })}
            />
          </Group>
        )}
        <ActionList actions={schedule.actions} fields={fields} onChange={(actions) => onChange({ ...schedule, actions })} />
      </Stack>
    </Paper>
  );
}
