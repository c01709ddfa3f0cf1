import type { ReactNode } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/confirm-modal';
import { notifySuccess } from './feedback';

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
