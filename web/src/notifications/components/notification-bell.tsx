import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Button,
  Center,
  Divider,
  Group,
  Indicator,
  Loader,
  Popover,
  ScrollArea,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { IconBell, IconBellCheck, IconChecks } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import type { AppNotification } from '../api';
import { useEventStreamToasts } from '../hooks/use-event-stream-toasts';
import { useNotificationActions, useNotificationFeed, useUnreadCount } from '../hooks/use-notifications';
import { NotificationItem } from './notification-item';

function EmptyFeed() {
  const { t } = useTranslation('notifications');
  return (
    <Stack align="center" gap={6} py="xl" px="md" ta="center">
      <ThemeIcon size={44} radius="xl" variant="light" color="teal">
        <IconBellCheck size={24} />
      </ThemeIcon>
      <Text fw={600}>{t('empty')}</Text>
      <Text size="sm" c="dimmed">
        {t('emptyHint')}
      </Text>
    </Stack>
  );
}

/** The header bell: unread count, a feed in a popover, and live toasts for new notifications. */
export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const navigate = useNavigate();
  const timeZone = useMe().data?.user.timeZone;
  const [opened, setOpened] = useState(false);
  const count = useUnreadCount().data ?? null;
  const feed = useNotificationFeed(opened);
  const actions = useNotificationActions();

  const failed = (error: unknown) => toasts.show({ color: 'red', message: errorMessage(error, t) });
  function openNotification(notification: AppNotification) {
    setOpened(false);
    if (notification.readAt === null) actions.markRead(notification.id).catch(failed);
    const link = notification.link;
    if (!link) return;
    if (link.startsWith('/')) void navigate({ to: link });
    else window.open(link, '_blank', 'noopener');
  }
  function snooze(notification: AppNotification, minutes: 15 | 60) {
    actions
      .snooze(notification.id, minutes)
      .then(() => toasts.show({ color: 'blue', message: minutes === 15 ? t('snoozed15') : t('snoozed60') }))
      .catch(failed);
  }

  useEventStreamToasts({
    onView: (notification) => (notification.link ? openNotification(notification) : setOpened(true)),
    onSnooze: (notification) => snooze(notification, 15),
    onIgnore: (notification) => actions.ignore(notification.id).catch(failed),
  });

  const label = count ? t('bellUnread', { count }) : t('bell');
  const notFound = feed.error instanceof ApiError && feed.error.status === 404;

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={400} shadow="md" radius="md" trapFocus={false} offset={8}>
      <Popover.Target>
        <Indicator label={count && count > 99 ? '99+' : count} size={18} offset={6} color="red" disabled={!count} withBorder>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={label}
            aria-expanded={opened}
            aria-haspopup="dialog"
            onClick={() => setOpened((value) => !value)}
          >
            <IconBell size={20} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0} maw="calc(100vw - 16px)" role="dialog" aria-label={t('title')}>
        <Group justify="space-between" px="md" py="sm" gap="xs" wrap="nowrap">
          <Title order={4} size="h6" style={{ whiteSpace: 'nowrap' }}>
            {t('title')}
          </Title>
          <Button
            variant="subtle"
            size="compact-xs"
            leftSection={<IconChecks size={14} />}
            px={6}
            styles={{ section: { marginInlineEnd: 4 } }}
            disabled={!feed.data || feed.data.unreadCount === 0}
            onClick={() => actions.markAllRead().catch(failed)}
          >
            {t('markAllRead')}
          </Button>
        </Group>
        <Divider />
        <ScrollArea.Autosize mah="min(460px, 70vh)" type="auto">
          {feed.isPending ? (
            <Center py="xl">
              <Loader size="sm" aria-label={t('app:common.loading')} />
            </Center>
          ) : feed.error ? (
            <Alert color={notFound ? 'gray' : 'red'} m="sm" role="alert">
              {notFound ? t('unavailable') : errorMessage(feed.error, t)}
            </Alert>
          ) : feed.data.data.length === 0 ? (
            <EmptyFeed />
          ) : (
            <Stack component="ul" gap={2} p={6} m={0} aria-label={t('title')}>
              {feed.data.data.map((notification) => (
                <NotificationItem
                  key={notification.id}
                  notification={notification}
                  timeZone={timeZone}
                  onOpen={() => openNotification(notification)}
                  onMarkRead={() => actions.markRead(notification.id).catch(failed)}
                  onSnooze={(minutes) => snooze(notification, minutes)}
                  onIgnore={() => actions.ignore(notification.id).catch(failed)}
                />
              ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
