import { api, ApiError } from '../app/api';

/** One entry of the signed-in user's notification feed. */
export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
  snoozedUntil: string | null;
}

export interface NotificationPage {
  data: AppNotification[];
  nextCursor: string | null;
  unreadCount: number;
}

export const FEED_LIMIT = 20;
export const notificationKeys = {
  all: ['notifications'] as const,
  feed: ['notifications', 'feed'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
};

export const notificationsApi = {
  listFeed: () => api.get<NotificationPage>(`/notifications?limit=${FEED_LIMIT}`),
  /** null when this server has no notifications yet (404): the bell then shows no number. */
  getUnreadCount: async (): Promise<number | null> => {
    try {
      return (await api.get<{ count: number }>('/notifications/unread-count')).count;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
  markRead: (id: string) => api.post<unknown>(`/notifications/${id}/read`),
  snooze: (id: string, minutes: 15 | 60) => api.post<unknown>(`/notifications/${id}/snooze`, { minutes }),
  ignore: (id: string) => api.post<unknown>(`/notifications/${id}/ignore`),
  markAllRead: () => api.post<unknown>('/notifications/read-all'),
};
