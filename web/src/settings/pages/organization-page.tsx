import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOrganization } from '../hooks/use-organization';
import { QueryBoundary } from '../components/settings-states';
import { SettingsPageHeader } from '../components/settings-page-header';
import { OrgGeneralSection } from '../components/org-general-section';
import { OrgCurrenciesSection } from '../components/org-currencies-section';
import { OrgFiscalYearSection } from '../components/org-fiscal-year-section';
import { OrgBusinessHoursSection } from '../components/org-business-hours-section';
import { OrgHolidaysSection } from '../components/org-holidays-section';

/** /settings/organization: name, logo, language, time zone, currencies, fiscal year, business hours, holidays. */
export function OrganizationPage() {
  const { t } = useTranslation('settings');
  const organization = useOrganization();
  return (
    <>
      <SettingsPageHeader title={t('sections.organization')} description={t('organization.description')} />
      <QueryBoundary query={organization}>
        {(data) => (
          <Stack gap="lg" maw={860}>
            <OrgGeneralSection organization={data} />
            <OrgCurrenciesSection organization={data} />
            <OrgFiscalYearSection organization={data} />
            <OrgBusinessHoursSection organization={data} />
            <OrgHolidaysSection organization={data} />
          </Stack>
        )}
      </QueryBoundary>
    </>
  );
}
