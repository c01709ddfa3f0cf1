import { useState } from 'react';
import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { errorMessage, fieldError } from '../../app/errors';
import { NewPasswordFields, useNewPassword } from '../components/new-password-fields';
import { PageNotice } from '../components/page-notice';
import { FormHeading } from '../../components/form-heading';

/** Step 1: ask for a link. The server answers 202 whether or not the address exists, and so do we. */
function RequestResetForm() {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => api.post('/auth/password-reset', { email: email.trim() }) });

  if (request.isSuccess) {
    return (
      <PageNotice kind="mail" title={t('reset.sentTitle')} action={{ label: t('reset.backToSignIn'), to: '/sign-in' }}>
        {t('reset.sent', { email: email.trim() })}
      </PageNotice>
    );
  }
  const emailError = fieldError(request.error, 'email');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        request.mutate();
      }}
    >
      <Stack>
        <FormHeading title={t('reset.title')} intro={t('reset.intro')} />
        {request.error && !emailError && (
          <Alert color="red" role="alert">
            {errorMessage(request.error, t)}
          </Alert>
        )}
        <TextInput
          label={t('fields.workEmail')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={emailError}
          autoFocus
        />
        <Button type="submit" loading={request.isPending} fullWidth>
          {t('reset.submit')}
        </Button>
        <Anchor component={Link} to="/sign-in" size="sm" ta="center">
          {t('reset.backToSignIn')}
        </Anchor>
      </Stack>
    </form>
  );
}

/** Step 2, from the e-mailed link: the new password. Then the person signs in with it. */
function ChooseNewPasswordForm({ token }: { token: string }) {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const newPassword = useNewPassword({ withConfirmation: true });
  const confirm = useMutation({
    mutationFn: () => api.post('/auth/password-reset/confirm', { token, password: newPassword.password }),
    onSuccess: async () => {
      notifications.show({ color: 'teal', message: t('reset.changed') });
      await navigate({ to: '/sign-in' });
    },
  });

  const passwordError = fieldError(confirm.error, 'password');
  const linkProblem =
    confirm.error instanceof ApiError && (confirm.error.status === 404 || confirm.error.status === 410 || confirm.error.field === 'token');
  if (linkProblem) {
    return (
      <PageNotice kind="warning" title={t('reset.invalidTitle')} action={{ label: t('reset.requestNew'), to: '/reset-password' }}>
        {t('reset.invalid')}
      </PageNotice>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (newPassword.check()) confirm.mutate();
      }}
    >
      <Stack>
        <FormHeading title={t('reset.newTitle')} intro={t('reset.newIntro')} />
        {confirm.error && !passwordError && (
          <Alert color="red" role="alert">
            {errorMessage(confirm.error, t)}
          </Alert>
        )}
        <NewPasswordFields {...newPassword.fields} label={t('fields.newPassword')} serverError={passwordError} autoFocus />
        <Button type="submit" loading={confirm.isPending} fullWidth>
          {t('reset.confirmSubmit')}
        </Button>
      </Stack>
    </form>
  );
}

/** /reset-password (ask for a link) and /reset-password?token=… (choose the new password). */
export function ResetPasswordPage() {
  const { token } = useSearch({ from: '/public/reset-password' });
  return token ? <ChooseNewPasswordForm token={token} /> : <RequestResetForm />;
}
