import { Group, Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RELATIVE_RANGES, type PeriodRange } from '../api';

const CUSTOM = 'custom';
const NONE = 'none';

/** A relative range ("this fiscal quarter", "last 30 days"), custom days, or none (the reports' own ranges). */
export function PeriodSelect({
  value,
  onChange,
  label,
  noneLabel,
  w = 220,
}: {
  value: PeriodRange | null;
  onChange: (value: PeriodRange | null) => void;
  label: string;
  /** What "no range" means here (all time, or each report's own range). */
  noneLabel: string;
  w?: number;
}) {
  const { t } = useTranslation('reports');
  const selected = value === null ? NONE : typeof value === 'string' ? value : CUSTOM;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <Select
        label={label}
        w={w}
        allowDeselect={false}
        data={[
          { value: NONE, label: noneLabel },
          ...RELATIVE_RANGES.map((range) => ({ value: range, label: t(`ranges.${range}`) })),
          { value: CUSTOM, label: t('ranges.custom') },
        ]}
        value={selected}
        onChange={(next) => {
          if (!next || next === NONE) onChange(null);
          else if (next === CUSTOM) onChange(typeof value === 'object' && value ? value : { from: today.slice(0, 8) + '01', to: today });
          else onChange(next as PeriodRange);
        }}
      />
      {value !== null && typeof value === 'object' && (
        <>
          <TextInput
            type="date"
            label={t('ranges.from')}
            value={value.from}
            onChange={(event) => onChange({ ...value, from: event.currentTarget.value })}
          />
          <TextInput
            type="date"
            label={t('ranges.to')}
            value={value.to}
            onChange={(event) => onChange({ ...value, to: event.currentTarget.value })}
          />
        </>
      )}
    </Group>
  );
}
