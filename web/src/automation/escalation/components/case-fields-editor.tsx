import { Group, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../../records/api';
import { FieldInput } from '../../../records/components/field-input';
import { writableFields } from '../../components/field-update-fields';
import { AddRowButton, RemoveRowButton } from '../../components/row-buttons';

type SetField = { field: string; value: unknown };

/** The fields an escalation level sets on the case (priority → high…): up to 5, each once; the owner goes by "reassign". */
export function CaseFieldsEditor({
  fields,
  value,
  onChange,
}: {
  fields: Field[];
  value: SetField[];
  onChange: (value: SetField[]) => void;
}) {
  const { t } = useTranslation('automation');
  const choices = writableFields(fields).filter((field) => field.apiName !== 'owner_id');
  const taken = new Set(value.map((item) => item.field));
  const set = (index: number, item: SetField) => onChange(value.map((old, i) => (i === index ? item : old)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t('actionEditor.escalation.setFields')}
      </Text>
      {value.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('actionEditor.escalation.noSetFields')}
        </Text>
      )}
      {value.map((item, index) => {
        const field = choices.find((candidate) => candidate.apiName === item.field);
        return (
          <Group key={index} grow align="flex-start" wrap="nowrap" data-testid="escalation-set-field">
            <Select
              aria-label={t('editor.field')}
              placeholder={t('editor.field')}
              searchable
              data={choices
                .filter((candidate) => candidate.apiName === item.field || !taken.has(candidate.apiName))
                .map((candidate) => ({ value: candidate.apiName, label: candidate.label }))}
              value={item.field || null}
              onChange={(name) => name && set(index, { field: name, value: null })}
              allowDeselect={false}
            />
            {field ? (
              <FieldInput
                field={{ ...field, label: t('editor.value'), required: false }}
                hideLabel
                value={item.value}
                onChange={(next) => set(index, { ...item, value: next })}
              />
            ) : (
              <span />
            )}
            <RemoveRowButton
              label={t('actionEditor.escalation.removeSetField')}
              onClick={() => onChange(value.filter((_, i) => i !== index))}
            />
          </Group>
        );
      })}
      <AddRowButton
        label={t('actionEditor.escalation.addSetField')}
        disabled={value.length >= 5}
        onClick={() =>
          onChange([...value, { field: choices.find((candidate) => !taken.has(candidate.apiName))?.apiName ?? '', value: null }])
        }
      />
    </Stack>
  );
}
