import { Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useModuleFields } from '../hooks/use-modules';

export const FORMULA_RETURN_TYPES = ['decimal', 'currency', 'percent', 'integer', 'text', 'date', 'boolean'] as const;
export type FormulaReturnType = (typeof FORMULA_RETURN_TYPES)[number];

export interface FormulaOptionsValue {
  expression: string;
  returnType: FormulaReturnType;
}

/** Field types a formula can read (datetime is left out: its date depends on a time zone). */
const READABLE = new Set([
  'text',
  'long_text',
  'email',
  'phone',
  'url',
  'picklist',
  'auto_number',
  'integer',
  'decimal',
  'currency',
  'percent',
  'rollup',
  'date',
  'boolean',
]);

interface FormulaFieldOptionsProps {
  /** The module the field is added to: its fields can be inserted into the expression. */
  module: string;
  value: FormulaOptionsValue;
  onChange: (value: FormulaOptionsValue) => void;
  /** The server's message for options.expression (it names the position). */
  expressionError?: string;
  returnTypeError?: string;
}

/** The options of a formula field for the custom field form: what it returns and its expression. */
export function FormulaFieldOptions({ module, value, onChange, expressionError, returnTypeError }: FormulaFieldOptionsProps) {
  const { t } = useTranslation('settings');
  const fields = useModuleFields(module);
  const insertable = (fields.data ?? []).filter((field) => READABLE.has(field.type));
  return (
    <Stack gap="xs">
      <Select
        label={t('fieldOptions.formula.returnType')}
        data={FORMULA_RETURN_TYPES.map((type) => ({ value: type, label: t(`fieldOptions.types.${type}`) }))}
        value={value.returnType}
        allowDeselect={false}
        onChange={(type) => type && onChange({ ...value, returnType: type as FormulaReturnType })}
        error={returnTypeError}
      />
      <Textarea
        label={t('fieldOptions.formula.expression')}
        description={t('fieldOptions.formula.help')}
        placeholder="if(amount > 1000, round(amount * 0.9, 2), amount)"
        autosize
        minRows={3}
        ff="monospace"
        value={value.expression}
        onChange={(event) => onChange({ ...value, expression: event.currentTarget.value })}
        error={expressionError}
      />
      <Group gap="xs" align="flex-end">
        <Select
          label={t('fieldOptions.formula.insertField')}
          placeholder={t('fieldOptions.formula.pickField')}
          data={insertable.map((field) => ({ value: field.apiName, label: `${field.label} (${field.apiName})` }))}
          value={null}
          searchable
          onChange={(name) =>
            name &&
            onChange({
              ...value,
              expression: `${value.expression}${value.expression && !value.expression.endsWith(' ') ? ' ' : ''}${name}`,
            })
          }
          style={{ flex: 1 }}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('fieldOptions.formula.functions')}
      </Text>
    </Stack>
  );
}
