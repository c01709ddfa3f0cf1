import { useState } from 'react';
import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { NewPasswordFields, passwordProblem } from '../../auth/components/new-password-fields';
import { accountApi } from '../api';
import { describeError } from './describe-error';
import { FormHeading } from '../../components/form-heading';

/** Change the password: the current one, then the new one twice (policy shown under it). */
export function PasswordTab() {
  const { t } = useTranslation('account');
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [triedSubmit, setTriedSubmit] = useState(false);
  const change = useMutation({
    mutationFn: () => accountApi.changePassword(currentPassword, newPassword),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('password.changed') });
      setCurrentPassword('');
      setNewPassword('');
      setConfirmation('');
      setTriedSubmit(false);
    },
  });
  const newPasswordError = fieldError(change.error, 'newPassword');
  const currentError = change.error && !newPasswordError ? describeError(change.error, t, 'password') : undefined;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTriedSubmit(true);
        if (!currentPassword || passwordProblem(newPassword, confirmation)) return;
        change.mutate();
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
          error={triedSubmit && !currentPassword}
        />
        <NewPasswordFields
          label={t('password.new')}
          confirmationLabel={t('password.confirm')}
          password={newPassword}
          confirmation={confirmation}
          onPasswordChange={setNewPassword}
          onConfirmationChange={setConfirmation}
          showProblems={triedSubmit}
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
