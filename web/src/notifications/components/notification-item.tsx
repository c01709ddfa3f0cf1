import { ActionIcon, Box, Group, Menu, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlarm, IconCheck, IconClockHour1, IconDots, IconEyeOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AppNotification } from '../api';
import { relativeTime } from './relative-time';

interface NotificationItemProps {
  notification: AppNotification;
  timeZone?: string;
  onOpen: () => void;
  onMarkRead: () => void;
  onSnooze: (minutes: 15 | 60) => void;
  onIgnore: () => void;
}

/** One row of the feed: unread dot, title, text, age, and a menu with read / remind me / ignore. */
export function NotificationItem({ notification, timeZone, onOpen, onMarkRead, onSnooze, onIgnore }: NotificationItemProps) {
  const { t, i18n } = useTranslation('notifications');
  const unread = notification.readAt === null;
  const snoozed =
    notification.snoozedUntil && new Date(notification.snoozedUntil).getTime() > Date.now() ? notification.snoozedUntil : null;
  const time = (iso: string) => {
    try {
      return new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short', timeZone }).format(new Date(iso));
    } catch {
      return new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(new Date(iso));
    }
  };

  const content = (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <Box
        mt={7}
        w={8}
        h={8}
        style={{ borderRadius: '50%', flex: 'none', background: unread ? 'var(--mantine-color-blue-6)' : 'transparent' }}
        aria-label={unread ? t('unread') : undefined}
        role={unread ? 'img' : undefined}
      />
      <Box style={{ minWidth: 0 }}>
        <Text size="sm" fw={unread ? 600 : 400} lineClamp={2}>
          {notification.title}
        </Text>
        {notification.body && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {notification.body}
          </Text>
        )}
        <Text size="xs" c="dimmed" mt={2}>
          {snoozed ? t('snoozedUntil', { time: time(snoozed) }) : relativeTime(notification.createdAt, i18n.language, t('justNow'))}
        </Text>
      </Box>
    </Group>
  );

  return (
    <Group
      component="li"
      gap={4}
      wrap="nowrap"
      align="flex-start"
      px="sm"
      py="xs"
      style={{ listStyle: 'none', borderRadius: 8, background: unread ? 'var(--mantine-color-blue-0)' : undefined }}
    >
      {notification.link ? (
        <UnstyledButton onClick={onOpen} style={{ flex: 1, minWidth: 0 }}>
          {content}
        </UnstyledButton>
      ) : (
        <Box style={{ flex: 1, minWidth: 0 }}>{content}</Box>
      )}
      {unread && (
        <Tooltip label={t('markRead')} withinPortal={false}>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={onMarkRead} aria-label={t('markRead')}>
            <IconCheck size={16} />
          </ActionIcon>
        </Tooltip>
      )}
      {/* Rendered inside the popover so that choosing an item does not count as a click outside it. */}
      <Menu position="bottom-end" withinPortal={false} floatingStrategy="fixed" width={240}>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('itemActions', { title: notification.title })}>
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {unread && (
            <Menu.Item leftSection={<IconCheck size={16} />} onClick={onMarkRead}>
              {t('markRead')}
            </Menu.Item>
          )}
          <Menu.Item leftSection={<IconAlarm size={16} />} onClick={() => onSnooze(15)}>
            {t('snooze15')}
          </Menu.Item>
          <Menu.Item leftSection={<IconClockHour1 size={16} />} onClick={() => onSnooze(60)}>
            {t('snooze60')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconEyeOff size={16} />} onClick={onIgnore}>
            {t('ignore')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
