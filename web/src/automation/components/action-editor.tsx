import { ActionIcon, Group, NumberInput, Paper, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../records/api';
import { useDirectoryUsers } from '../../records/hooks/use-records';
import { useFunctions } from '../functions/api';
import { ACTION_TYPES, useEmailTemplates, type Action, type ActionType, type Recipient } from '../api';
import { FieldUpdateFields, writableFields } from './field-update-fields';
import { WebhookActionFields } from './webhook-action-fields';

/** A new action of a type, with sensible starting values. */
export function newAction(type: ActionType, fields: Field[]): Action {
  switch (type) {
    case 'field_update':
      return { type, field: writableFields(fields)[0]?.apiName ?? '', value: null };
    case 'task':
      return { type, subject: '', assignTo: 'owner' };
    case 'email':
      return { type, to: 'owner', subject: '', body: '' };
    case 'webhook':
      return { type, webhookId: '' };
    case 'custom_function':
      return { type, functionId: '' };
  }
}

/** One action of a rule: its type, then the inputs that type needs. */
export function ActionEditor({
  action,
  fields,
  onChange,
  onRemove,
  types = ACTION_TYPES,
}: {
  action: Action;
  fields: Field[];
  onChange: (action: Action) => void;
  onRemove: () => void;
  /** The action types offered (schedules: field update, task, e-mail). */
  types?: readonly ActionType[];
}) {
  const { t } = useTranslation('automation');
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="rule-action">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Select
            aria-label={t('editor.addAction')}
            data={types.map((type) => ({ value: type, label: t(`editor.actionType.${type}`) }))}
            value={action.type}
            onChange={(type) => type && onChange(newAction(type as ActionType, fields))}
            allowDeselect={false}
            w={240}
          />
          <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('editor.removeAction')}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
        <ActionFields action={action} fields={fields} onChange={onChange} />
      </Stack>
    </Paper>
  );
}

function UserSelect({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const { t } = useTranslation('automation');
  const users = useDirectoryUsers();
  return (
    <Select
      label={t('editor.pickUser')}
      required
      searchable
      data={(users.data ?? []).filter((user) => user.active).map((user) => ({ value: user.id, label: user.name }))}
      value={value ?? null}
      onChange={(id) => onChange(id ?? undefined)}
    />
  );
}

function ActionFields({ action, fields, onChange }: { action: Action; fields: Field[]; onChange: (action: Action) => void }) {
  const { t } = useTranslation('automation');
  const templates = useEmailTemplates();
  const functions = useFunctions();
  const mergeHint = t('editor.mergeHint', { examples: '{{first_name}}, {{owner_id}}, {{me.name}}' });
  switch (action.type) {
    case 'field_update':
      return <FieldUpdateFields action={action} fields={fields} onChange={onChange} />;
    case 'task':
      return (
        <Stack gap="xs">
          <TextInput
            label={t('editor.subject')}
            description={mergeHint}
            required
            maxLength={255}
            value={action.subject}
            onChange={(event) => onChange({ ...action, subject: event.currentTarget.value })}
          />
          <Group grow align="flex-start">
            <Select
              label={t('editor.assignTo')}
              data={[
                { value: 'owner', label: t('editor.owner') },
                { value: 'user', label: t('editor.user') },
              ]}
              value={action.assignTo}
              onChange={(value) => value && onChange({ ...action, assignTo: value as 'owner' | 'user' })}
              allowDeselect={false}
            />
            <NumberInput
              label={t('editor.dueInDays')}
              min={0}
              max={3650}
              allowDecimal={false}
              value={action.dueInDays ?? ''}
              onChange={(value) => onChange({ ...action, dueInDays: typeof value === 'number' ? value : undefined })}
            />
            <Select
              label={t('editor.priority')}
              data={(['high', 'normal', 'low'] as const).map((value) => ({ value, label: t(`editor.priorities.${value}`) }))}
              value={action.priority ?? 'normal'}
              onChange={(value) => value && onChange({ ...action, priority: value as 'high' | 'normal' | 'low' })}
              allowDeselect={false}
            />
          </Group>
          {action.assignTo === 'user' && <UserSelect value={action.userId} onChange={(userId) => onChange({ ...action, userId })} />}
        </Stack>
      );
    case 'email':
      return (
        <Stack gap="xs">
          <Group grow align="flex-start">
            <Select
              label={t('editor.emailTo')}
              data={(['owner', 'manager', 'user', 'contact'] as const).map((value) => ({ value, label: t(`editor.${value}`) }))}
              value={action.to}
              onChange={(value) => value && onChange({ ...action, to: value as Recipient })}
              allowDeselect={false}
            />
            <Select
              label={t('editor.template')}
              placeholder={t('editor.noTemplate')}
              clearable
              data={(templates.data ?? []).map((template) => ({ value: template.id, label: template.name }))}
              value={action.templateId ?? null}
              onChange={(templateId) =>
                onChange(
                  templateId
                    ? { type: 'email', to: action.to, userId: action.userId, templateId }
                    : { type: 'email', to: action.to, userId: action.userId, subject: '', body: '' },
                )
              }
            />
          </Group>
          {action.to === 'user' && <UserSelect value={action.userId} onChange={(userId) => onChange({ ...action, userId })} />}
          {!action.templateId && (
            <>
              <TextInput
                label={t('editor.subject')}
                required
                maxLength={255}
                value={action.subject ?? ''}
                onChange={(event) => onChange({ ...action, subject: event.currentTarget.value })}
              />
              <Textarea
                label={t('editor.body')}
                description={mergeHint}
                required
                autosize
                minRows={3}
                maxLength={20000}
                value={action.body ?? ''}
                onChange={(event) => onChange({ ...action, body: event.currentTarget.value })}
              />
            </>
          )}
        </Stack>
      );
    case 'webhook':
      return <WebhookActionFields action={action} fields={fields} onChange={onChange} />;
    case 'custom_function':
      return (
        <Select
          label={t('editor.customFunction')}
          required
          data={(functions.data ?? []).map((fn) => ({ value: fn.id, label: fn.name }))}
          value={action.functionId || null}
          onChange={(functionId) => functionId && onChange({ ...action, functionId })}
          allowDeselect={false}
        />
      );
  }
}
