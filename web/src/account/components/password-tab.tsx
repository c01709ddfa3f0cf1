import { useState } from 'react';
import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { NewPasswordFields, useNewPassword } from '../../auth/components/new-password-fields';
import { accountApi } from '../api';
import { describeError } from './describe-error';
import { FormHeading } from '../../components/form-heading';

/** Change the password: the current one, then the new one twice (policy shown under it). */
export function PasswordTab() {
  const { t } = useTranslation('account');
  const [currentPassword, setCurrentPassword] = useState('');
  const newPassword = useNewPassword({ withConfirmation: true });
  const change = useMutation({
    mutationFn: () => accountApi.changePassword(currentPassword, newPassword.password),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('password.changed') });
      setCurrentPassword('');
      newPassword.reset();
    },
  });
  const newPasswordError = fieldError(change.error, 'newPassword');
  const currentError = change.error && !newPasswordError ? describeError(change.error, t, 'password') : undefined;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const acceptable = newPassword.check();
        if (currentPassword && acceptable) change.mutate();
      }}
    >
      <Stack maw={480}>
        <FormHeading title={t('password.title')} intro={t('password.intro')} order={3} />
        {currentError && (
          <Alert color="red" role="alert">
            {currentError}
          </Alert>
        )}
        <PasswordInput
          label={t('password.current')}
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.currentTarget.value)}
          error={newPassword.triedSubmit && !currentPassword}
        />
        <NewPasswordFields
          {...newPassword.fields}
          label={t('password.new')}
          confirmationLabel={t('password.confirm')}
          serverError={newPasswordError}
        />
        <Group>
          <Button type="submit" loading={change.isPending}>
            {t('password.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
