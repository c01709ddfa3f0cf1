import { ActionIcon } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';

// Placeholder: replaced by the notifications feature.
export function NotificationBell() {
  return (
    <ActionIcon variant="subtle" aria-label="notifications">
      <IconBell size={20} />
    </ActionIcon>
  );
}
