import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { notificationKeys, notificationsApi, type AppNotification, type NotificationPage } from '../api';

export function useUnreadCount() {
  return useQuery({ queryKey: notificationKeys.unreadCount, queryFn: notificationsApi.getUnreadCount, staleTime: 60_000 });
}

/** The latest notifications; loaded when the feed is first opened, kept fresh by the event stream. */
export function useNotificationFeed(enabled: boolean) {
  const client = useQueryClient();
  return useQuery({
    queryKey: notificationKeys.feed,
    queryFn: async () => {
      const page = await notificationsApi.listFeed();
      client.setQueryData(notificationKeys.unreadCount, page.unreadCount);
      return page;
    },
    enabled,
    staleTime: 30_000,
  });
}

export const refreshNotifications = (client: QueryClient) => client.invalidateQueries({ queryKey: notificationKeys.all });

type Change = { id: string; action: 'read' | 'snooze' | 'ignore'; minutes?: 15 | 60 } | { action: 'read-all' };

/** What the feed looks like right after a change, before the server confirms it. */
function applyChange(page: NotificationPage, change: Change, now: string): NotificationPage {
  const wasUnread = (notification: AppNotification) => notification.readAt === null;
  if (change.action === 'read-all') {
    return { ...page, unreadCount: 0, data: page.data.map((notification) => ({ ...notification, readAt: notification.readAt ?? now })) };
  }
  const target = page.data.find((notification) => notification.id === change.id);
  if (!target) return page;
  const unreadCount = Math.max(0, page.unreadCount - (wasUnread(target) ? 1 : 0));
  if (change.action === 'read') {
    return {
      ...page,
      unreadCount,
      data: page.data.map((notification) => (notification.id === change.id ? { ...notification, readAt: now } : notification)),
    };
  }
  // Snoozed and ignored notifications leave the feed (a snoozed one comes back when it is due).
  return { ...page, unreadCount, data: page.data.filter((notification) => notification.id !== change.id) };
}

/** Read, snooze, ignore, read all: the feed and the count change at once, then are fetched again. */
export function useNotificationActions() {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (change: Change) => {
      if (change.action === 'read-all') return notificationsApi.markAllRead();
      if (change.action === 'read') return notificationsApi.markRead(change.id);
      if (change.action === 'snooze') return notificationsApi.snooze(change.id, change.minutes ?? 15);
      return notificationsApi.ignore(change.id);
    },
    onMutate: async (change) => {
      await client.cancelQueries({ queryKey: notificationKeys.all });
      const previousFeed = client.getQueryData<NotificationPage>(notificationKeys.feed);
      const previousCount = client.getQueryData<number | null>(notificationKeys.unreadCount);
      if (previousFeed) {
        const next = applyChange(previousFeed, change, new Date().toISOString());
        client.setQueryData(notificationKeys.feed, next);
        if (typeof previousCount === 'number') client.setQueryData(notificationKeys.unreadCount, next.unreadCount);
      } else if (change.action === 'read-all' && typeof previousCount === 'number') {
        client.setQueryData(notificationKeys.unreadCount, 0);
      }
      return { previousFeed, previousCount };
    },
    onError: (_error, _change, context) => {
      if (context?.previousFeed) client.setQueryData(notificationKeys.feed, context.previousFeed);
      if (context && context.previousCount !== undefined) client.setQueryData(notificationKeys.unreadCount, context.previousCount);
    },
    onSettled: () => refreshNotifications(client),
  });
  return {
    markRead: (id: string) => mutation.mutateAsync({ id, action: 'read' }),
    snooze: (id: string, minutes: 15 | 60) => mutation.mutateAsync({ id, action: 'snooze', minutes }),
    ignore: (id: string) => mutation.mutateAsync({ id, action: 'ignore' }),
    markAllRead: () => mutation.mutateAsync({ action: 'read-all' }),
  };
}
