import { Group, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useModuleFields, useModules } from '../hooks/use-modules';

export type RollupFn = 'sum' | 'count' | 'min' | 'max';

export interface RollupOptionsValue {
  module: string;
  via: string;
  fn: RollupFn;
  field?: string;
}

const NUMBER_TYPES = new Set(['integer', 'decimal', 'currency', 'percent', 'rollup']);

interface RollupFieldOptionsProps {
  /** The module the roll-up is added to (the parent). */
  module: string;
  value: RollupOptionsValue;
  onChange: (value: RollupOptionsValue) => void;
  /** Server messages by option: module, via, field (from details.field options.rollup.*). */
  errors?: Partial<Record<'module' | 'via' | 'field', string>>;
}

/** The options of a roll-up field: sum, count, min or max of a field of the related records pointing here. */
export function RollupFieldOptions({ module, value, onChange, errors = {} }: RollupFieldOptionsProps) {
  const { t } = useTranslation('settings');
  const modules = useModules();
  const childFields = useModuleFields(value.module || undefined);
  const lookups = (childFields.data ?? []).filter((field) => field.type === 'lookup' && field.options.target === module);
  const numbers = (childFields.data ?? []).filter(
    (field) =>
      NUMBER_TYPES.has(field.type) ||
      (field.type === 'formula' && ['decimal', 'currency', 'percent', 'integer'].includes(String(field.options.returnType))),
  );
  return (
    <Stack gap="xs">
      <Group grow align="flex-start" gap="xs">
        <Select
          label={t('fieldOptions.rollup.module')}
          data={(modules.data ?? []).map((entry) => ({ value: entry.apiName, label: entry.pluralLabel }))}
          value={value.module || null}
          searchable
          onChange={(name) => onChange({ ...value, module: name ?? '', via: '', field: undefined })}
          error={errors.module}
        />
        <Select
          label={t('fieldOptions.rollup.via')}
          data={lookups.map((field) => ({ value: field.apiName, label: field.label }))}
          value={value.via || null}
          disabled={!value.module}
          onChange={(name) => onChange({ ...value, via: name ?? '' })}
          error={
            errors.via ?? (value.module && childFields.isSuccess && lookups.length === 0 ? t('fieldOptions.rollup.noLookup') : undefined)
          }
        />
      </Group>
      <Group grow align="flex-start" gap="xs">
        <Select
          label={t('fieldOptions.rollup.fn')}
          data={(['sum', 'count', 'min', 'max'] as const).map((fn) => ({ value: fn, label: t(`fieldOptions.rollup.fns.${fn}`) }))}
          value={value.fn}
          allowDeselect={false}
          onChange={(fn) => fn && onChange({ ...value, fn: fn as RollupFn, field: fn === 'count' ? undefined : value.field })}
        />
        <Select
          label={t('fieldOptions.rollup.field')}
          data={numbers.map((field) => ({ value: field.apiName, label: field.label }))}
          value={value.fn === 'count' ? null : (value.field ?? null)}
          disabled={value.fn === 'count' || !value.module}
          onChange={(name) => onChange({ ...value, field: name ?? undefined })}
          error={errors.field}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('fieldOptions.rollup.help')}
      </Text>
    </Stack>
  );
}
