import { useMemo, useState } from 'react';
import { Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { useUpdateOrganization, type Organization } from '../hooks/use-organization';
import { notifySuccess } from './feedback';
import { SectionCard } from './section-card';

/** Month names (1 = January) in the interface language: as written mid-sentence, and capitalised for lists. */
export function useMonthNames(): { inSentence: string[]; capitalised: string[] } {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(i18n.language, { month: 'long', timeZone: 'UTC' });
    const inSentence = Array.from({ length: 12 }, (_, index) => format.format(new Date(Date.UTC(2024, index, 15))));
    return { inSentence, capitalised: inSentence.map((name) => name.charAt(0).toLocaleUpperCase(i18n.language) + name.slice(1)) };
  }, [i18n.language]);
}

export function OrgFiscalYearSection({ organization }: { organization: Organization }) {
  const { t } = useTranslation('settings');
  const update = useUpdateOrganization();
  const months = useMonthNames();
  const [month, setMonth] = useState(organization.fiscalYearStartMonth);
  const endMonth = ((month + 10) % 12) + 1;

  return (
    <SectionCard
      title={t('organization.fiscalYear.title')}
      description={t('organization.fiscalYear.description')}
      onSubmit={() => update.mutate({ fiscalYearStartMonth: month }, { onSuccess: () => notifySuccess(t('organization.saved')) })}
      saving={update.isPending}
      dirty={month !== organization.fiscalYearStartMonth}
      error={update.error && !fieldError(update.error, 'fiscalYearStartMonth') ? errorMessage(update.error, t) : null}
      testId="org-fiscal-year"
    >
      <Select
        label={t('organization.fiscalYear.startMonth')}
        maw={280}
        data={months.capitalised.map((name, index) => ({ value: String(index + 1), label: name }))}
        value={String(month)}
        onChange={(value) => value && setMonth(Number(value))}
        allowDeselect={false}
        error={fieldError(update.error, 'fiscalYearStartMonth')}
      />
      <Text size="sm" c="dimmed">
        {month === 1
          ? t('organization.fiscalYear.calendar')
          : t('organization.fiscalYear.span', { start: months.inSentence[month - 1], end: months.inSentence[endMonth - 1] })}
      </Text>
    </SectionCard>
  );
}
