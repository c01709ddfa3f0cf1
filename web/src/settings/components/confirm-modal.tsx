import type { ReactNode } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { notifySuccess } from './feedback';
import { SettingsModal } from './modal-form';

interface ConfirmModalProps {
  opened: boolean;
  title: ReactNode;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  loading?: boolean;
  error?: unknown;
  /** Extra content between the message and the buttons (a choice the action needs). */
  children?: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before anything that cannot be undone; a failure stays in the dialog. */
export function ConfirmModal({
  opened,
  title,
  message,
  confirmLabel,
  danger,
  loading,
  error,
  children,
  onConfirm,
  onClose,
}: ConfirmModalProps) {
  const { t } = useTranslation();
  return (
    <SettingsModal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Text size="sm">{message}</Text>
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error, t)}
          </Alert>
        ) : null}
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={danger ? 'red' : undefined} loading={loading} onClick={onConfirm} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </SettingsModal>
  );
}

interface ConfirmRemoveModalProps<T extends { id: string }> {
  /** What is about to go; null while the dialog is closed. */
  item: T | null;
  /** The mutation that removes an item by its id. */
  remove: UseMutationResult<unknown, Error, string>;
  title: ReactNode;
  message: ReactNode;
  /** The button's label; "Delete" when not given. */
  confirmLabel?: string;
  /** The toast once it is gone. */
  doneMessage: string;
  onClose: () => void;
  /** After the toast, besides closing (e.g. leave the page of what was removed). */
  onRemoved?: () => void;
}

/** Asks before removing one item, removes it, says so and closes; a failure stays in the dialog. */
export function ConfirmRemoveModal<T extends { id: string }>({
  item,
  remove,
  title,
  message,
  confirmLabel,
  doneMessage,
  onClose,
  onRemoved,
}: ConfirmRemoveModalProps<T>) {
  const { t } = useTranslation();
  return (
    <ConfirmModal
      opened={item !== null}
      title={title}
      message={message}
      confirmLabel={confirmLabel ?? t('app:common.delete')}
      danger
      loading={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        item &&
        remove.mutate(item.id, {
          onSuccess: () => {
            notifySuccess(doneMessage);
            onClose();
            onRemoved?.();
          },
        })
      }
    />
  );
}
