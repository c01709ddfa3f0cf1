import type { NotificationRow } from './notification.repository.js';

/** The API shape of a notification (also what the real-time stream sends). */
export interface NotificationJson {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
  snoozedUntil: string | null;
}

export function presentNotification(row: NotificationRow): NotificationJson {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
    snoozedUntil: row.snoozed_until?.toISOString() ?? null,
  };
}
