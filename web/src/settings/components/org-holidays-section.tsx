import { useMemo, useState } from 'react';
import { Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useUpdateOrganization, type Holiday, type Organization } from '../hooks/use-organization';
import { fieldErrorUnder, notifySuccess } from './feedback';
import { SectionCard } from './section-card';
import { EditableRows, nextRowKey, useEditableRows } from './editable-rows';

interface HolidayRow extends Holiday {
  key: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function toRows(holidays: Holiday[]): HolidayRow[] {
  return [...(holidays ?? [])].sort((a, b) => a.date.localeCompare(b.date)).map((holiday) => ({ ...holiday, key: nextRowKey() }));
}

function toHolidays(rows: HolidayRow[]): Holiday[] {
  return rows.map(({ date, name }) => ({ date, name: name.trim() }));
}

/** Days the organization is closed (SLAs and escalations skip them). */
export function OrgHolidaysSection({ organization }: { organization: Organization }) {
  const { t, i18n } = useTranslation('settings');
  const update = useUpdateOrganization();
  const { rows, setRows, change, remove, add } = useEditableRows<HolidayRow>(() => toRows(organization.holidays));
  const [errors, setErrors] = useState<Record<number, { date?: string; name?: string }>>({});
  const saved = useMemo(() => JSON.stringify(toHolidays(toRows(organization.holidays))), [organization.holidays]);
  const dirty = JSON.stringify(toHolidays(rows)) !== saved;
  const weekday = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', timeZone: 'UTC' });

  function handleSubmit() {
    const sorted = [...rows].sort((a, b) => a.date.localeCompare(b.date));
    const found: typeof errors = {};
    const seen = new Set<string>();
    for (const row of sorted) {
      const rowErrors: { date?: string; name?: string } = {};
      if (!DATE.test(row.date)) rowErrors.date = t('validation.required');
      else if (seen.has(row.date)) rowErrors.date = t('organization.holidays.duplicate');
      seen.add(row.date);
      if (!row.name.trim()) rowErrors.name = t('validation.required');
      if (rowErrors.date || rowErrors.name) found[row.key] = rowErrors;
    }
    // Saved in date order, so a server error on holidays.N points at row N.
    setRows(sorted);
    setErrors(found);
    if (Object.keys(found).length) return;
    update.mutate({ holidays: toHolidays(sorted) }, { onSuccess: () => notifySuccess(t('organization.saved')) });
  }

  const rowServerError = (index: number, field: 'date' | 'name') => fieldErrorUnder(update.error, `holidays.${index}.${field}`);
  const generalError =
    update.error && !rows.some((_, index) => rowServerError(index, 'date') || rowServerError(index, 'name'))
      ? errorMessage(update.error, t)
      : null;

  return (
    <SectionCard
      title={t('organization.holidays.title')}
      description={t('organization.holidays.description')}
      onSubmit={handleSubmit}
      saving={update.isPending}
      dirty={dirty}
      error={generalError}
      testId="org-holidays"
    >
      <EditableRows
        rows={rows}
        emptyText={t('organization.holidays.empty')}
        header={
          <>
            <Text size="sm" fw={600} w={190}>
              {t('organization.holidays.date')}
            </Text>
            <Text size="sm" fw={600}>
              {t('organization.holidays.name')}
            </Text>
          </>
        }
        rowTestId="holiday-row"
        divided
        removeLabel={(row) => t('organization.holidays.remove', { name: row.name || row.date })}
        onRemove={(row) => remove(row.key)}
        addLabel={t('organization.holidays.add')}
        onAdd={() => add({ key: nextRowKey(), date: '', name: '' })}
      >
        {(row, index) => (
          <>
            <TextInput
              type="date"
              w={190}
              aria-label={t('organization.holidays.date')}
              value={row.date}
              onChange={(event) => change(row.key, { date: event.currentTarget.value })}
              error={errors[row.key]?.date ?? rowServerError(index, 'date')}
              description={DATE.test(row.date) ? weekday.format(new Date(`${row.date}T12:00:00Z`)) : undefined}
              inputWrapperOrder={['input', 'description', 'error']}
            />
            <TextInput
              style={{ flex: '1 1 200px' }}
              aria-label={t('organization.holidays.name')}
              placeholder={t('organization.holidays.namePlaceholder')}
              value={row.name}
              onChange={(event) => change(row.key, { name: event.currentTarget.value })}
              error={errors[row.key]?.name ?? rowServerError(index, 'name')}
              maxLength={200}
            />
          </>
        )}
      </EditableRows>
    </SectionCard>
  );
}
