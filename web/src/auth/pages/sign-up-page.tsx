import { Anchor, Stack, Text } from '@mantine/core';
import { Link, Navigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useSetupStatus } from '../../app/session';
import { OrganizationForm } from '../components/organization-form';
import { PageNotice } from '../components/page-notice';
import { PageLoader } from '../../components/page-loader';

/** A new organization, when the server allows sign-up (ALLOW_SIGNUP=true). */
export function SignUpPage() {
  const { t } = useTranslation('auth');
  const setup = useSetupStatus();
  if (setup.isPending) {
    return <PageLoader />;
  }
  if (setup.data?.needsSetup) return <Navigate to="/setup" />;
  if (!setup.data?.allowSignup) {
    return (
      <PageNotice kind="info" title={t('signUp.closedTitle')} action={{ label: t('signUp.signIn'), to: '/sign-in' }}>
        {t('signUp.closedBody')}
      </PageNotice>
    );
  }
  return (
    <Stack>
      <OrganizationForm endpoint="/signup" title={t('signUp.title')} intro={t('signUp.intro')} submitLabel={t('signUp.submit')} />
      <Text size="sm" ta="center" c="dimmed">
        {t('signUp.haveAccount')}{' '}
        <Anchor component={Link} to="/sign-in" size="sm">
          {t('signUp.signIn')}
        </Anchor>
      </Text>
    </Stack>
  );
}
