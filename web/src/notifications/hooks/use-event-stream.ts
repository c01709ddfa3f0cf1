import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { notificationKeys, type AppNotification } from '../api';
import { refreshNotifications } from './use-notifications';

const STREAM_URL = '/api/v1/events/stream';
const FIRST_RETRY_MS = 5_000;
const LONGEST_RETRY_MS = 5 * 60_000;

/**
 * Listens to the server's event stream while the app shell is open.
 * EventSource reconnects by itself after a dropped connection; when the
 * server refuses outright (an error status, e.g. during a restart) it gives
 * up, so we open a new one later, waiting longer each time.
 */
export function useNotificationStream(onNotification: (notification: AppNotification) => void) {
  const client = useQueryClient();
  const handler = useRef(onNotification);
  handler.current = onNotification;

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = FIRST_RETRY_MS;
    let connectedBefore = false;
    let stopped = false;

    const connect = () => {
      source = new EventSource(STREAM_URL, { withCredentials: true });
      source.addEventListener('open', () => {
        delay = FIRST_RETRY_MS;
        // Whatever happened while we were away.
        if (connectedBefore) void refreshNotifications(client);
        connectedBefore = true;
      });
      source.addEventListener('notification', (event) => {
        try {
          handler.current(JSON.parse((event as MessageEvent<string>).data) as AppNotification);
        } catch {
          // A malformed event must not break the page; the refresh below still runs.
        }
        void refreshNotifications(client);
      });
      source.addEventListener('unread-count', (event) => {
        try {
          const { count } = JSON.parse((event as MessageEvent<string>).data) as { count: number };
          if (typeof count === 'number') client.setQueryData(notificationKeys.unreadCount, count);
        } catch {
          void refreshNotifications(client);
        }
      });
      source.addEventListener('error', () => {
        if (stopped || source?.readyState !== EventSource.CLOSED) return;
        source.close();
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, LONGEST_RETRY_MS);
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [client]);
}
