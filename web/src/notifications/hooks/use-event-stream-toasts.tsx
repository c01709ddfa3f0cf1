import { Button, Group, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AppNotification } from '../api';
import { useNotificationStream } from './use-event-stream';

interface ToastActions {
  onView: (notification: AppNotification) => void;
  onSnooze: (notification: AppNotification) => void;
  onIgnore: (notification: AppNotification) => void;
}

/**
 * A toast for each notification that arrives on the event stream, with
 * "View", "Remind me in 15 min" and "Ignore". The toast lives outside the
 * router and query providers, so it only gets plain callbacks.
 */
export function useEventStreamToasts({ onView, onSnooze, onIgnore }: ToastActions) {
  const { t } = useTranslation('notifications');
  useNotificationStream((notification) => {
    const id = `notification-${notification.id}`;
    const then = (action: (notification: AppNotification) => void) => () => {
      toasts.hide(id);
      action(notification);
    };
    toasts.show({
      id,
      title: notification.title,
      autoClose: 12_000,
      message: (
        <>
          {notification.body && (
            <Text size="sm" c="dimmed" lineClamp={3}>
              {notification.body}
            </Text>
          )}
          <Group gap={6} mt="xs">
            <Button size="compact-xs" onClick={then(onView)}>
              {t('toast.view')}
            </Button>
            <Button size="compact-xs" variant="light" onClick={then(onSnooze)}>
              {t('toast.snooze15')}
            </Button>
            <Button size="compact-xs" variant="subtle" color="gray" onClick={then(onIgnore)}>
              {t('toast.ignore')}
            </Button>
          </Group>
        </>
      ),
    });
  });
}
