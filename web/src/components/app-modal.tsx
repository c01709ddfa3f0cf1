import type { ReactNode } from 'react';
import { Modal, type MantineSize } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A centred dialog whose close button says what it does. */
export function AppModal({
  opened,
  onClose,
  title,
  size,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  size?: MantineSize;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size={size} closeButtonProps={{ 'aria-label': t('app:common.close') }}>
      {children}
    </Modal>
  );
}
