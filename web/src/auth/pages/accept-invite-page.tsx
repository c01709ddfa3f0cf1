import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { errorMessage, fieldError } from '../../app/errors';
import { NewPasswordFields, useNewPassword } from '../components/new-password-fields';
import { PageNotice } from '../components/page-notice';
import { useEnterApp, type SignedIn } from '../hooks/use-enter-app';
import { FormHeading } from '../../components/form-heading';
import { PageLoader } from '../../components/page-loader';

interface Invitation {
  email: string;
  name: string;
  organization: string;
}

/** A used or unknown invitation is a 404, an expired one a 410: both end here with a clear word. */
function InvalidInvitation({ error }: { error: unknown }) {
  const { t } = useTranslation('auth');
  const expired = error instanceof ApiError && error.status === 410;
  return (
    <PageNotice
      kind="warning"
      title={expired ? t('invite.expiredTitle') : t('invite.notFoundTitle')}
      action={{ label: t('invite.signIn'), to: '/sign-in' }}
    >
      {expired ? t('invite.expired') : t('invite.notFound')}
    </PageNotice>
  );
}

const isLinkProblem = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 410);

/** /accept-invite?token=…: the invited person chooses a password and is signed in. */
export function AcceptInvitePage() {
  const { t, i18n } = useTranslation('auth');
  const { token } = useSearch({ from: '/public/accept-invite' });
  const enterApp = useEnterApp();
  const newPassword = useNewPassword({ withConfirmation: true });

  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get<Invitation>(`/invitations/lookup?token=${encodeURIComponent(token ?? '')}`),
    enabled: Boolean(token),
    staleTime: Infinity,
  });
  const accept = useMutation({
    mutationFn: () =>
      api.post<SignedIn>('/invitations/accept', { token, password: newPassword.password, language: i18n.language === 'en' ? 'en' : 'es' }),
    onSuccess: (signedIn) => enterApp(signedIn),
  });

  if (!token) {
    return (
      <PageNotice kind="warning" title={t('invite.notFoundTitle')} action={{ label: t('invite.signIn'), to: '/sign-in' }}>
        {t('invite.missingToken')}
      </PageNotice>
    );
  }
  if (invitation.isPending) {
    return <PageLoader />;
  }
  if (isLinkProblem(invitation.error)) return <InvalidInvitation error={invitation.error} />;
  if (isLinkProblem(accept.error)) return <InvalidInvitation error={accept.error} />;
  if (invitation.error) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(invitation.error, t)}
      </Alert>
    );
  }

  const { email, name, organization } = invitation.data;
  const passwordError = fieldError(accept.error, 'password');
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (newPassword.check()) accept.mutate();
      }}
    >
      <Stack>
        <FormHeading title={t('invite.title', { organization })} intro={t('invite.intro', { name })} />
        {accept.error && !passwordError && (
          <Alert color="red" role="alert">
            {errorMessage(accept.error, t)}
          </Alert>
        )}
        {/* The address is fixed by the invitation; shown so the browser can save it with the password. */}
        <TextInput label={t('fields.workEmail')} type="email" autoComplete="username" value={email} readOnly variant="filled" />
        <NewPasswordFields {...newPassword.fields} serverError={passwordError} autoFocus />
        <Button type="submit" loading={accept.isPending} fullWidth>
          {t('invite.submit')}
        </Button>
      </Stack>
    </form>
  );
}
