import { Center, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { PageNotice } from '../components/page-notice';

/**
 * /verify-email?token=…: verifies on arrival (no session needed). A query
 * rather than a mutation, so React's double effects and re-renders never
 * send the one-time token twice.
 */
export function VerifyEmailPage() {
  const { t } = useTranslation('auth');
  const { token } = useSearch({ from: '/public/verify-email' });
  const me = useMe();
  const client = useQueryClient();
  const verification = useQuery({
    queryKey: ['verify-email', token],
    queryFn: async () => {
      const result = await api.post<{ email?: string } | undefined>('/emails/verify', { token });
      // My account's list shows the new state when the person goes back there.
      void client.invalidateQueries({ queryKey: ['account', 'emails'] });
      return result ?? null;
    },
    enabled: Boolean(token),
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });

  // Signed in (usually the same person, from My account): back there; otherwise to sign-in.
  const next = me.data ? { label: t('verify.toAccount'), to: '/account', hash: 'emails' } : { label: t('verify.signIn'), to: '/sign-in' };

  if (!token) {
    return (
      <PageNotice kind="warning" title={t('verify.failedTitle')} action={next}>
        {t('verify.missingToken')}
      </PageNotice>
    );
  }
  if (verification.isPending) {
    return (
      <Center py="xl">
        <Stack align="center" gap="sm">
          <Loader />
          <Text size="sm" c="dimmed" role="status">
            {t('verify.checking')}
          </Text>
        </Stack>
      </Center>
    );
  }
  if (verification.error) {
    const linkProblem = verification.error instanceof ApiError && verification.error.status >= 400 && verification.error.status < 500;
    return (
      <PageNotice kind="warning" title={t('verify.failedTitle')} action={next}>
        {linkProblem ? t('verify.invalid') : errorMessage(verification.error, t)}
      </PageNotice>
    );
  }
  const email = verification.data?.email;
  return (
    <PageNotice kind="success" title={t('verify.doneTitle')} action={next}>
      {email ? t('verify.doneWithEmail', { email }) : t('verify.done')}
    </PageNotice>
  );
}
