import { useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import type { AccountEmail } from '../api';
import { useEmailMutations } from '../hooks/use-emails';
import { describeError } from './describe-error';
import { PasswordConfirmModal } from './password-confirm-modal';

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
    <PasswordConfirmModal
      opened={email !== null}
      onClose={handleClose}
      title={t('emails.makePrimaryTitle')}
      message={t('emails.makePrimaryBody', { email: email?.email ?? '' })}
      passwordLabel={t('emails.makePrimaryPassword')}
      submitLabel={t('emails.makePrimary')}
      password={password}
      onPasswordChange={setPassword}
      error={message}
      loading={makePrimary.isPending}
      onSubmit={() =>
        email &&
        makePrimary.mutate(
          { id: email.id, password },
          {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('emails.madePrimary', { email: email.email }) });
              handleClose();
            },
          },
        )
      }
    />
  );
}
