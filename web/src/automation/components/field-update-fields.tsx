import { Group, Select, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../records/api';
import { FieldInput } from '../../records/components/field-input';
import { useModule } from '../../records/hooks/use-records';
import type { Action } from '../api';

type FieldUpdate = Extract<Action, { type: 'field_update' }>;

/** Fields automation may set: not system, not read-only, not hidden (the server checks the same). */
export const writableFields = (fields: Field[]) => fields.filter((field) => !field.isSystem && !field.readOnly && !field.hidden);

/** Lookups of the module whose related record a field update may write. */
const lookupsOf = (fields: Field[]) => fields.filter((field) => field.type === 'lookup' && field.options.target && !field.hidden);

/** The field and its new value, from the fields of the module written. */
function FieldAndValue({ fields, action, onChange }: { fields: Field[]; action: FieldUpdate; onChange: (action: Action) => void }) {
  const { t } = useTranslation('automation');
  const field = fields.find((candidate) => candidate.apiName === action.field);
  return (
    <Group grow align="flex-start">
      <Select
        label={t('editor.field')}
        required
        searchable
        data={writableFields(fields).map((candidate) => ({ value: candidate.apiName, label: candidate.label }))}
        value={action.field || null}
        onChange={(name) => name && onChange({ ...action, field: name, value: null })}
        allowDeselect={false}
      />
      {field ? (
        <FieldInput
          field={{ ...field, label: t('editor.value'), required: false }}
          value={action.value}
          onChange={(value) => onChange({ ...action, value })}
        />
      ) : (
        <span />
      )}
    </Group>
  );
}

/** The fields of the module a lookup points to (loaded when that lookup is chosen). */
function RelatedFieldAndValue({ module, action, onChange }: { module: string; action: FieldUpdate; onChange: (action: Action) => void }) {
  const target = useModule(module);
  return <FieldAndValue fields={target.data?.fields ?? []} action={action} onChange={onChange} />;
}

/** A field update: which record (this one, or the one a lookup points to), then the field and its value. */
export function FieldUpdateFields({
  action,
  fields,
  onChange,
}: {
  action: FieldUpdate;
  fields: Field[];
  onChange: (action: Action) => void;
}) {
  const { t } = useTranslation('automation');
  const lookups = lookupsOf(fields);
  const lookup = lookups.find((field) => field.apiName === action.target);
  const chooseTarget = (target: string | null) => {
    if (!target || target === (action.target ?? 'record')) return;
    const next: FieldUpdate = { type: 'field_update', field: '', value: null };
    if (target !== 'record') next.target = target;
    else next.field = writableFields(fields)[0]?.apiName ?? '';
    onChange(next);
  };
  return (
    <Stack gap="xs">
      {lookups.length > 0 && (
        <Select
          label={t('actionEditor.target.label')}
          description={t('actionEditor.target.hint')}
          data={[
            { value: 'record', label: t('actionEditor.target.record') },
            ...lookups.map((field) => ({ value: field.apiName, label: t('actionEditor.target.lookup', { label: field.label }) })),
          ]}
          value={action.target ?? 'record'}
          onChange={chooseTarget}
          allowDeselect={false}
        />
      )}
      {lookup?.options.target ? (
        <RelatedFieldAndValue module={lookup.options.target} action={action} onChange={onChange} />
      ) : (
        <FieldAndValue fields={fields} action={action} onChange={onChange} />
      )}
    </Stack>
  );
}
