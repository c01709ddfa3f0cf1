import { useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import type { AccountEmail } from '../api';
import { useEmailMutations } from '../hooks/use-emails';
import { describeError } from './describe-error';

/** "Make primary": the person re-enters the password; refusals (unverified, wrong password) stay in the modal. */
export function MakePrimaryModal({ email, onClose }: { email: AccountEmail | null; onClose: () => void }) {
  const { t } = useTranslation('account');
  const { makePrimary } = useEmailMutations();
  const [password, setPassword] = useState('');

  function handleClose() {
    setPassword('');
    makePrimary.reset();
    onClose();
  }

  const error = makePrimary.error;
  const message = !error
    ? undefined
    : error instanceof ApiError && error.status === 409
      ? t('emails.unverifiedConflict')
      : describeError(error, t, 'password');

  return (
    <Modal opened={email !== null} onClose={handleClose} title={t('emails.makePrimaryTitle')} centered>
      {email && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            makePrimary.mutate(
              { id: email.id, password },
              {
                onSuccess: () => {
                  notifications.show({ color: 'teal', message: t('emails.madePrimary', { email: email.email }) });
                  handleClose();
                },
              },
            );
          }}
        >
          <Stack>
            <Text size="sm">{t('emails.makePrimaryBody', { email: email.email })}</Text>
            {message && (
              <Alert color="red" role="alert">
                {message}
              </Alert>
            )}
            <PasswordInput
              label={t('emails.makePrimaryPassword')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={handleClose}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={makePrimary.isPending} disabled={password === ''}>
                {t('emails.makePrimary')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
