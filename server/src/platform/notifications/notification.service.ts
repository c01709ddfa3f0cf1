import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { presentNotification } from './notification.presenter.js';
import { countUnread, findNotification, listNotifications, markAllRead, updateNotification } from './notification.repository.js';
import { NOTIFICATION_UPDATED } from './notifier.js';
import { SNOOZE_DUE_JOB } from './notification.delivery.js';

const notificationNotFound = () => notFound('The notification');

/** The signed-in user's notification feed. Every function sees only the caller's own notifications (anyone else's is a 404). */
export function createNotificationService({ database, events, jobs, now }: Pick<AppContext, 'database' | 'events' | 'jobs' | 'now'>) {
  return {
    async list(auth: AuthContext, query: { unread?: boolean; limit?: number; cursor?: string }) {
      const at = now();
      const limit = query.limit ?? 20;
      if (query.cursor && !(await findNotification(database.db, auth.userId, query.cursor))) {
        throw badRequest('The cursor is not valid. Load the first page again.', 'cursor');
      }
      const rows = await listNotifications(database.db, {
        userId: auth.userId,
        unreadOnly: query.unread === true,
        limit: limit + 1,
        afterId: query.cursor,
        now: at,
      });
      const page = rows.slice(0, limit);
      return {
        data: page.map(presentNotification),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
        unreadCount: await countUnread(database.db, auth.userId, at),
      };
    },

    async unreadCount(auth: AuthContext) {
      return { unreadCount: await countUnread(database.db, auth.userId, now()) };
    },

    async markRead(auth: AuthContext, id: string) {
      return database.transaction('notification-read', async (trx) => {
        const row = await findNotification(trx, auth.userId, id, { forUpdate: true });
        if (!row) throw notificationNotFound();
        if (row.read_at) return presentNotification(row);
        const updated = await updateNotification(trx, auth.userId, id, { read_at: now() });
        await events.emit(trx, NOTIFICATION_UPDATED, auth.orgId, { userId: auth.userId, notificationId: id, change: 'read' });
        return presentNotification(updated);
      });
    },

    async markAllRead(auth: AuthContext) {
      return database.transaction('notifications-read-all', async (trx) => {
        const updated = await markAllRead(trx, auth.userId, now());
        if (updated > 0) await events.emit(trx, NOTIFICATION_UPDATED, auth.orgId, { userId: auth.userId, change: 'read_all' });
        return { updated };
      });
    },

    /** "Remind me in 15 minutes / 1 hour": hidden and not counted until then; then shown again, unread, and pushed again. */
    async snooze(auth: AuthContext, id: string, minutes: 15 | 60) {
      return database.transaction('notification-snooze', async (trx) => {
        const row = await findNotification(trx, auth.userId, id, { forUpdate: true });
        if (!row) throw notificationNotFound();
        if (row.ignored_at) throw new AppError('conflict', 'This notification was ignored; it cannot be snoozed.');
        const until = new Date(now().getTime() + minutes * 60_000);
        const updated = await updateNotification(trx, auth.userId, id, { snoozed_until: until, read_at: null });
        await jobs.send(SNOOZE_DUE_JOB, { notificationId: id, snoozedUntil: until.toISOString() }, { trx, startAfter: until });
        await events.emit(trx, NOTIFICATION_UPDATED, auth.orgId, { userId: auth.userId, notificationId: id, change: 'snoozed' });
        return presentNotification(updated);
      });
    },

    /** Dismisses a notification: it leaves the feed and the count for good. */
    async ignore(auth: AuthContext, id: string) {
      return database.transaction('notification-ignore', async (trx) => {
        const row = await findNotification(trx, auth.userId, id, { forUpdate: true });
        if (!row) throw notificationNotFound();
        if (row.ignored_at) return presentNotification(row);
        const updated = await updateNotification(trx, auth.userId, id, { ignored_at: now() });
        await events.emit(trx, NOTIFICATION_UPDATED, auth.orgId, { userId: auth.userId, notificationId: id, change: 'ignored' });
        return presentNotification(updated);
      });
    },
  };
}
