import { useMemo, useState } from 'react';
import { Select, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useUpdateOrganization, type Organization } from '../hooks/use-organization';
import { fieldErrorUnder, notifySuccess } from './feedback';
import { useCurrencyOptions } from './org-general-section';
import { SectionCard } from './section-card';
import { EditableRows, nextRowKey, useEditableRows } from './editable-rows';

interface RateRow {
  key: number;
  currency: string | null;
  rate: string;
}

const DECIMAL = /^\d{1,12}(\.\d{1,10})?$/;

function toRows(rates: Record<string, string>): RateRow[] {
  return Object.entries(rates)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, rate]) => ({ key: nextRowKey(), currency, rate }));
}

function toRates(rows: RateRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.currency).map((row) => [row.currency as string, row.rate.trim().replace(',', '.')]));
}

/** Other currencies the organization works in, each with its rate against the organization's currency. */
export function OrgCurrenciesSection({ organization }: { organization: Organization }) {
  const { t } = useTranslation('settings');
  const update = useUpdateOrganization();
  const { rows, setRows, change, remove, add } = useEditableRows<RateRow>(() => toRows(organization.exchangeRates));
  const [errors, setErrors] = useState<Record<number, { currency?: string; rate?: string }>>({});
  const currencies = useCurrencyOptions(rows.map((row) => row.currency ?? ''));
  const base = organization.currency;
  const saved = useMemo(() => JSON.stringify(toRates(toRows(organization.exchangeRates))), [organization.exchangeRates]);
  const dirty = JSON.stringify(toRates(rows)) !== saved || rows.some((row) => !row.currency);

  function validate(): boolean {
    const found: typeof errors = {};
    const seen = new Set<string>();
    for (const row of rows) {
      const rowErrors: { currency?: string; rate?: string } = {};
      if (!row.currency) rowErrors.currency = t('validation.required');
      else if (row.currency === base) rowErrors.currency = t('organization.currencies.isBase', { currency: base });
      else if (seen.has(row.currency)) rowErrors.currency = t('organization.currencies.duplicate');
      if (row.currency) seen.add(row.currency);
      const rate = row.rate.trim().replace(',', '.');
      if (!rate) rowErrors.rate = t('validation.required');
      else if (!DECIMAL.test(rate) || Number(rate) <= 0) rowErrors.rate = t('organization.currencies.badRate');
      if (rowErrors.currency || rowErrors.rate) found[row.key] = rowErrors;
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  }

  function handleSubmit() {
    if (!validate()) return;
    update.mutate(
      { exchangeRates: toRates(rows) },
      {
        onSuccess: (saved) => {
          setRows(toRows(saved.exchangeRates));
          notifySuccess(t('organization.saved'));
        },
      },
    );
  }

  const available = (row: RateRow) =>
    currencies.filter(
      (option) => option.value !== base && (option.value === row.currency || !rows.some((other) => other.currency === option.value)),
    );
  const generalError =
    update.error && !rows.some((row) => row.currency && fieldErrorUnder(update.error, `exchangeRates.${row.currency}`))
      ? errorMessage(update.error, t)
      : null;

  return (
    <SectionCard
      title={t('organization.currencies.title')}
      description={t('organization.currencies.description', { currency: base })}
      onSubmit={handleSubmit}
      saving={update.isPending}
      dirty={dirty}
      error={generalError}
      testId="org-currencies"
    >
      <EditableRows
        rows={rows}
        emptyText={t('organization.currencies.empty', { currency: base })}
        header={
          <>
            <Text size="sm" fw={600} style={{ flex: '1 1 0' }}>
              {t('organization.currencies.currency')}
            </Text>
            <Text size="sm" fw={600} style={{ flex: '1 1 0' }}>
              {t('organization.currencies.rate', { currency: base })}
            </Text>
          </>
        }
        rowTestId="exchange-rate-row"
        removeLabel={(row) => t('organization.currencies.remove', { currency: row.currency ?? '' })}
        onRemove={(row) => remove(row.key)}
        addLabel={t('organization.currencies.add')}
        onAdd={() => add({ key: nextRowKey(), currency: null, rate: '' })}
      >
        {(row) => (
          <>
            <Select
              style={{ flex: '1 1 220px' }}
              aria-label={t('organization.currencies.currency')}
              placeholder={t('organization.currencies.pick')}
              data={available(row)}
              value={row.currency}
              onChange={(value) => change(row.key, { currency: value })}
              searchable
              nothingFoundMessage={t('nothingFound')}
              error={errors[row.key]?.currency}
            />
            <TextInput
              style={{ flex: '1 1 160px' }}
              aria-label={t('organization.currencies.rateFor', { currency: row.currency ?? '—', base })}
              inputMode="decimal"
              placeholder="1.0850"
              value={row.rate}
              onChange={(event) => change(row.key, { rate: event.currentTarget.value })}
              leftSection={
                <Text size="xs" c="dimmed">
                  1 {base} =
                </Text>
              }
              leftSectionWidth={68}
              rightSection={
                <Text size="xs" c="dimmed">
                  {row.currency ?? ''}
                </Text>
              }
              rightSectionWidth={44}
              error={errors[row.key]?.rate ?? (row.currency ? fieldErrorUnder(update.error, `exchangeRates.${row.currency}`) : undefined)}
            />
          </>
        )}
      </EditableRows>
    </SectionCard>
  );
}
