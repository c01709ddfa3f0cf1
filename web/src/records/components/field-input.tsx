import { useState } from 'react';
import { Checkbox, MultiSelect, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { recordsApi, type Display, type Field } from '../api';
import { labelOf } from '../format';
import { useDirectoryUsers, useModule } from '../hooks/use-records';

export interface FieldInputProps {
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  /** Names of the records and users the value points at. */
  display?: Display;
  /** Hide the label (inline editing and filters show it elsewhere). */
  hideLabel?: boolean;
  autoFocus?: boolean;
  /** Filters: allow the caller ("$me") in user fields. */
  allowMe?: boolean;
  /** Shown but not editable (a field another process owns); `hint` says why. */
  disabled?: boolean;
  /** A line under the input instead of the field's help text. */
  hint?: string;
}

/** A datetime-local value (local time) from an ISO instant, and back. */
const toLocalInput = (iso: unknown) => {
  if (typeof iso !== 'string' || !iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
const fromLocalInput = (text: string) => (text ? new Date(text).toISOString() : null);

/** The input a field's type calls for: text, number, date, picklist, lookup, user, yes/no. */
export function FieldInput({ field, value, onChange, error, display, hideLabel, autoFocus, allowMe, disabled, hint }: FieldInputProps) {
  const { t, i18n } = useTranslation('records');
  const common = {
    label: hideLabel ? undefined : field.label,
    'aria-label': hideLabel ? field.label : undefined,
    required: field.required && !hideLabel,
    withAsterisk: field.required && !hideLabel,
    error,
    description: hideLabel ? undefined : (hint ?? field.helpText ?? undefined),
    autoFocus,
    disabled,
  };
  switch (field.type) {
    case 'long_text':
      return (
        <Textarea {...common} autosize minRows={2} value={(value as string) ?? ''} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'integer':
    case 'decimal':
    case 'currency':
    case 'percent':
      return (
        <NumberInput
          {...common}
          decimalScale={field.type === 'integer' ? 0 : (field.options.scale ?? 2)}
          decimalSeparator={i18n.language.startsWith('es') ? ',' : '.'}
          value={value === null || value === undefined ? '' : Number(value)}
          onChange={(next) => onChange(next === '' ? null : String(next))}
        />
      );
    case 'date':
      return (
        <TextInput {...common} type="date" value={(value as string) ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)} />
      );
    case 'datetime':
      return (
        <TextInput
          {...common}
          type="datetime-local"
          value={toLocalInput(value)}
          onChange={(e) => onChange(fromLocalInput(e.currentTarget.value))}
        />
      );
    case 'boolean':
      return (
        <Checkbox
          label={hideLabel ? t('form.yes') : field.label}
          aria-label={hideLabel ? field.label : undefined}
          error={error}
          checked={value === true}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.checked)}
          mt={hideLabel ? 0 : 'sm'}
        />
      );
    case 'picklist': {
      const data = (field.options.values ?? [])
        .filter((option) => !option.hidden || option.code === value)
        .map((option) => ({ value: option.code, label: labelOf(option.labels, i18n.language) }));
      return (
        <Select
          {...common}
          data={data}
          value={(value as string) ?? null}
          onChange={(next) => onChange(next)}
          clearable={!field.required}
          searchable={data.length > 8}
        />
      );
    }
    case 'multi_select': {
      const data = (field.options.values ?? []).map((option) => ({ value: option.code, label: labelOf(option.labels, i18n.language) }));
      return (
        <MultiSelect {...common} data={data} value={Array.isArray(value) ? (value as string[]) : []} onChange={(next) => onChange(next)} />
      );
    }
    case 'user':
      return <UserSelect {...common} value={(value as string) ?? null} onChange={onChange} allowMe={allowMe} />;
    case 'lookup':
      return field.options.target ? (
        <LookupSelect {...common} target={field.options.target} value={(value as string) ?? null} onChange={onChange} display={display} />
      ) : (
        <TextInput {...common} value={(value as string) ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)} />
      );
    default:
      return (
        <TextInput
          {...common}
          type={field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : field.type === 'phone' ? 'tel' : 'text'}
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}

interface SelectCommon {
  disabled?: boolean;
  label?: string;
  'aria-label'?: string;
  required?: boolean;
  withAsterisk?: boolean;
  error?: string;
  description?: string;
  autoFocus?: boolean;
}

/** A user of the organization. */
export function UserSelect({
  value,
  onChange,
  allowMe,
  ...common
}: SelectCommon & { value: string | null; onChange: (value: string | null) => void; allowMe?: boolean }) {
  const { t } = useTranslation('records');
  const users = useDirectoryUsers();
  const data = [
    ...(allowMe ? [{ value: '$me', label: t('filter.me') }] : []),
    ...(users.data ?? []).map((user) => ({ value: user.id, label: user.name })),
  ];
  return <Select {...common} data={data} value={value} onChange={onChange} searchable clearable={!common.required} />;
}

/** A record of another module, found by typing part of its name. */
export function LookupSelect({
  target,
  value,
  onChange,
  display,
  ...common
}: SelectCommon & { target: string; value: string | null; onChange: (value: string | null) => void; display?: Display }) {
  const { t } = useTranslation('records');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const module = useModule(target);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const nameField = module.data?.displayFields[0];
  const results = useQuery({
    queryKey: ['records', target, 'lookup', debounced],
    enabled: !!module.data,
    queryFn: async () => {
      const displayFields = module.data!.displayFields;
      const answer = await recordsApi.query(target, {
        limit: 20,
        fields: displayFields,
        filter:
          debounced && nameField
            ? { or: displayFields.map((name) => ({ field: name, op: 'contains' as const, value: debounced })) }
            : undefined,
        sort: nameField ? [{ field: nameField, direction: 'asc' }] : undefined,
      });
      return answer.data.map((record) => ({
        value: record.id,
        label:
          displayFields
            .map((name) => record[name])
            .filter(Boolean)
            .join(' ') || record.id,
      }));
    },
  });
  const options = [...(results.data ?? [])];
  const currentLabel = value ? (picked[value] ?? display?.[value]) : undefined;
  if (value && !options.some((option) => option.value === value)) options.unshift({ value, label: currentLabel ?? value });
  return (
    <Select
      {...common}
      data={options}
      value={value}
      searchable
      clearable={!common.required}
      placeholder={t('form.search')}
      nothingFoundMessage={results.isFetching ? undefined : t('form.nothingFound')}
      filter={({ options: all }) => all}
      onSearchChange={setSearch}
      onChange={(next, option) => {
        if (next && option) setPicked((names) => ({ ...names, [next]: option.label }));
        onChange(next);
      }}
    />
  );
}
