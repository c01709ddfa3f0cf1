import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';

interface PasswordConfirmModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  message: string;
  passwordLabel: string;
  submitLabel: string;
  /** A red submit button, for switching something off. */
  danger?: boolean;
  password: string;
  onPasswordChange: (password: string) => void;
  /** The refusal to show (wrong password and the like), already put in words. */
  error?: string;
  loading: boolean;
  onSubmit: () => void;
}

/** A step that needs the current password again: one line about it, the password, Cancel and the action. */
export function PasswordConfirmModal({
  opened,
  onClose,
  title,
  message,
  passwordLabel,
  submitLabel,
  danger,
  password,
  onPasswordChange,
  error,
  loading,
  onSubmit,
}: PasswordConfirmModalProps) {
  const { t } = useTranslation();
  return (
    <AppModal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <Stack>
          <Text size="sm">{message}</Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <PasswordInput
            label={passwordLabel}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => onPasswordChange(event.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" color={danger ? 'red' : undefined} loading={loading} disabled={password === ''}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
