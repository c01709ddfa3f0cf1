import { useMemo, useState } from 'react';
import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { LANGUAGES } from '../../app/i18n';
import { useUpdateOrganization, type Organization } from '../hooks/use-organization';
import { notifySuccess, namesAnyField } from './feedback';
import { LogoInput } from './logo-input';
import { SectionCard } from './section-card';

type GeneralValues = Pick<Organization, 'name' | 'logo' | 'defaultLanguage' | 'timeZone' | 'currency'>;
const FIELDS = ['name', 'logo', 'defaultLanguage', 'timeZone', 'currency'] as const;

function pickGeneral(organization: Organization): GeneralValues {
  return {
    name: organization.name,
    logo: organization.logo,
    defaultLanguage: organization.defaultLanguage,
    timeZone: organization.timeZone,
    currency: organization.currency,
  };
}

/** Every IANA time zone the browser knows, with its current UTC offset. */
export function useTimeZoneOptions(current: string) {
  return useMemo(() => {
    const zones = new Set(Intl.supportedValuesOf('timeZone'));
    zones.add('UTC');
    if (current) zones.add(current);
    const now = new Date();
    return [...zones].sort().map((zone) => {
      let offset = '';
      try {
        offset =
          new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'shortOffset' })
            .formatToParts(now)
            .find((part) => part.type === 'timeZoneName')?.value ?? '';
      } catch {
        // An unknown zone keeps its bare name.
      }
      return { value: zone, label: offset ? `${zone.replace(/_/g, ' ')} (${offset})` : zone };
    });
  }, [current]);
}

/** ISO 4217 currencies with their names in the interface language. */
export function useCurrencyOptions(extra: string[] = []) {
  const { i18n } = useTranslation();
  const key = extra.join(',');
  return useMemo(() => {
    const codes = new Set(Intl.supportedValuesOf('currency'));
    for (const code of key.split(',')) if (code) codes.add(code);
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames(i18n.language, { type: 'currency' });
    } catch {
      names = null;
    }
    return [...codes].sort().map((code) => ({ value: code, label: `${code} — ${names?.of(code) ?? code}` }));
  }, [i18n.language, key]);
}

export function OrgGeneralSection({ organization }: { organization: Organization }) {
  const { t } = useTranslation('settings');
  const update = useUpdateOrganization();
  const [values, setValues] = useState<GeneralValues>(() => pickGeneral(organization));
  const [nameMissing, setNameMissing] = useState(false);
  const timeZones = useTimeZoneOptions(values.timeZone);
  const currencies = useCurrencyOptions([values.currency]);
  const dirty = JSON.stringify(values) !== JSON.stringify(pickGeneral(organization));

  function handleSubmit() {
    const name = values.name.trim();
    setNameMissing(!name);
    if (!name) return;
    update.mutate({ ...values, name }, { onSuccess: () => notifySuccess(t('organization.saved')) });
  }

  const set = <K extends keyof GeneralValues>(key: K, value: GeneralValues[K]) => setValues((previous) => ({ ...previous, [key]: value }));
  return (
    <SectionCard
      title={t('organization.general.title')}
      description={t('organization.general.description')}
      onSubmit={handleSubmit}
      saving={update.isPending}
      dirty={dirty}
      error={update.error && !namesAnyField(update.error, [...FIELDS]) ? errorMessage(update.error, t) : null}
      testId="org-general"
    >
      <TextInput
        label={t('organization.general.name')}
        required
        value={values.name}
        onChange={(event) => set('name', event.currentTarget.value)}
        error={nameMissing ? t('validation.required') : fieldError(update.error, 'name')}
        maxLength={200}
      />
      <LogoInput value={values.logo} onChange={(logo) => set('logo', logo)} error={fieldError(update.error, 'logo')} />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Select
          label={t('organization.general.language')}
          data={LANGUAGES.map((language) => ({ value: language, label: t(`app:languages.${language}`) }))}
          value={values.defaultLanguage}
          onChange={(value) => value && set('defaultLanguage', value as GeneralValues['defaultLanguage'])}
          allowDeselect={false}
          error={fieldError(update.error, 'defaultLanguage')}
        />
        <Select
          label={t('organization.general.timeZone')}
          data={timeZones}
          value={values.timeZone}
          onChange={(value) => value && set('timeZone', value)}
          searchable
          allowDeselect={false}
          nothingFoundMessage={t('nothingFound')}
          error={fieldError(update.error, 'timeZone')}
        />
        <Select
          label={t('organization.general.currency')}
          data={currencies}
          value={values.currency}
          onChange={(value) => value && set('currency', value)}
          searchable
          allowDeselect={false}
          nothingFoundMessage={t('nothingFound')}
          error={fieldError(update.error, 'currency')}
        />
      </SimpleGrid>
    </SectionCard>
  );
}
