import {} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSetupStatus } from '../../app/session';
import { OrganizationForm } from '../components/organization-form';
import { PageNotice } from '../components/page-notice';
import { PageLoader } from '../../components/page-loader';

/** First run: "create your organization and administrator". Once done, it only points to sign-in. */
export function SetupPage() {
  const { t } = useTranslation('auth');
  const setup = useSetupStatus();
  if (setup.isPending) {
    return <PageLoader />;
  }
  if (setup.data && !setup.data.needsSetup) {
    return (
      <PageNotice kind="info" title={t('setup.doneTitle')} action={{ label: t('setup.signIn'), to: '/sign-in' }}>
        {t('setup.doneBody')}
      </PageNotice>
    );
  }
  return <OrganizationForm endpoint="/setup" title={t('setup.title')} intro={t('setup.intro')} submitLabel={t('setup.submit')} />;
}
