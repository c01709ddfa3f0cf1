import type { AppContext } from '../context.js';
import type { RealtimeEvent } from '../events/realtime.js';
import { presentNotification, type NotificationJson } from './notification.presenter.js';
import { countUnread, findDueReminder, findNotifications } from './notification.repository.js';
import { NOTIFICATION_CREATED, NOTIFICATION_UPDATED } from './notifier.js';

export const SNOOZE_DUE_JOB = 'notifications.snooze-due';

declare module '../jobs/jobs.js' {
  interface JobPayloads {
    /** A snoozed notification is due: push it again (if it is still snoozed until that moment, unread and not ignored). */
    'notifications.snooze-due': { notificationId: string; snoozedUntil: string };
  }
}

/** NOTIFY carries under 8 kB: a long body is shortened in the pushed copy (the feed has it whole). */
const MAX_PUSH_BYTES = 6000;

export function forPush(json: NotificationJson): NotificationJson {
  let copy = json;
  while (copy.body && Buffer.byteLength(JSON.stringify(copy)) > MAX_PUSH_BYTES) {
    copy = { ...copy, body: copy.body.length > 16 ? `${copy.body.slice(0, Math.floor(copy.body.length / 2))}…` : null };
  }
  return copy;
}

/**
 * Real-time delivery of notifications: outbox handlers push new ones and the
 * unread count to the user's streams, a job pushes snoozed ones again when
 * they are due, and every new stream starts with the unread count. Pushing the
 * same thing twice is harmless (clients de-duplicate by id), which is what
 * makes these handlers idempotent.
 */
export async function registerNotificationDelivery(
  ctx: Pick<AppContext, 'database' | 'events' | 'jobs' | 'realtime' | 'now'>,
): Promise<void> {
  const { database, realtime } = ctx;
  const unreadCountEvent = async (userId: string): Promise<RealtimeEvent> => ({
    type: 'unread-count',
    data: { unreadCount: await countUnread(database.db, userId, ctx.now()) },
  });
  const pushCount = async (userId: string) => realtime.publish(userId, await unreadCountEvent(userId));
  const pushNotification = (json: NotificationJson, userId: string) =>
    realtime.publish(userId, { type: 'notification', data: forPush(json) });

  // A batch at a time (a rule that assigns a thousand tasks): the notifications are read at once, and each user's
  // unread count is pushed once, after their new notifications.
  ctx.events.onBatch(
    NOTIFICATION_CREATED,
    async (events) => {
      const wanted = events.map((event) => event.payload as { notificationId: string; userId: string });
      const rows = new Map(
        (
          await findNotifications(
            database.db,
            wanted.map((item) => item.notificationId),
          )
        ).map((row) => [row.id, row]),
      );
      const now = ctx.now();
      for (const { notificationId, userId } of wanted) {
        const row = rows.get(notificationId);
        const shown = row && row.user_id === userId && !row.read_at && !row.ignored_at && (!row.snoozed_until || row.snoozed_until <= now);
        if (shown) await pushNotification(presentNotification(row), userId);
      }
      for (const userId of new Set(wanted.map((item) => item.userId))) await pushCount(userId);
    },
    { name: 'notifications.push-created' },
  );

  ctx.events.on(NOTIFICATION_UPDATED, async (event) => pushCount((event.payload as { userId: string }).userId), {
    name: 'notifications.push-count',
  });

  await ctx.jobs.work(SNOOZE_DUE_JOB, async (job) => {
    const row = await findDueReminder(database.db, job.data.notificationId, new Date(job.data.snoozedUntil));
    // Read, ignored or snoozed again meanwhile: nothing to remind.
    if (!row) return;
    await pushNotification(presentNotification(row), row.user_id);
    await pushCount(row.user_id);
  });

  realtime.addSnapshot(async (userId) => [await unreadCountEvent(userId)]);
}
