import { useState } from 'react';
import { Alert, Anchor, Button, Group, PasswordInput, PinInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setCsrfToken } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe, useRefreshMe, useSetupStatus } from '../../app/session';

export function SignInPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const { next } = useSearch({ from: '/public/sign-in' });
  const me = useMe();
  const setup = useSetupStatus();
  const refreshMe = useRefreshMe();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const switchToRecoveryCode = (on: boolean) => {
    setUseRecoveryCode(on);
    setCode('');
  };

  const signIn = useMutation({
    mutationFn: () => api.post<{ csrfToken: string }>('/auth/login', { email, password, ...(needsCode ? { code } : {}) }),
    onSuccess: async (result) => {
      setCsrfToken(result.csrfToken);
      await refreshMe();
      await navigate({ to: next && next.startsWith('/') ? next : '/' });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'two_factor_required') setNeedsCode(true);
    },
  });

  if (setup.data?.needsSetup) return <Navigate to="/setup" />;
  if (me.data) return <Navigate to="/" />;

  const showError = signIn.error && !(signIn.error instanceof ApiError && signIn.error.code === 'two_factor_required');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate();
      }}
    >
      <Stack>
        <Title order={2}>{t('signIn.title')}</Title>
        {showError && (
          <Alert color="red" role="alert">
            {errorMessage(signIn.error, t)}
          </Alert>
        )}
        <TextInput
          label={t('app:common.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          autoFocus
        />
        <PasswordInput
          label={t('app:common.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        {needsCode && !useRecoveryCode && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('signIn.twoFactorCode')}
            </Text>
            <PinInput
              length={6}
              type="number"
              oneTimeCode
              value={code}
              onChange={setCode}
              aria-label={t('signIn.twoFactorCode')}
              autoFocus
            />
            <Anchor component="button" type="button" size="sm" ta="left" onClick={() => switchToRecoveryCode(true)}>
              {t('signIn.useRecoveryCode')}
            </Anchor>
          </Stack>
        )}
        {needsCode && useRecoveryCode && (
          <Stack gap={4}>
            <TextInput
              label={t('signIn.recoveryCode')}
              description={t('signIn.recoveryCodeHint')}
              placeholder="abcde-fghjk"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              autoFocus
            />
            <Anchor component="button" type="button" size="sm" ta="left" onClick={() => switchToRecoveryCode(false)}>
              {t('signIn.useAppCode')}
            </Anchor>
          </Stack>
        )}
        <Button type="submit" loading={signIn.isPending} fullWidth>
          {t('signIn.submit')}
        </Button>
        <Group justify="space-between">
          <Anchor component={Link} to="/reset-password" size="sm">
            {t('signIn.forgot')}
          </Anchor>
          {setup.data?.allowSignup && (
            <Anchor component={Link} to="/sign-up" size="sm">
              {t('signIn.createOrganization')}
            </Anchor>
          )}
        </Group>
      </Stack>
    </form>
  );
}
