import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { PlatformDatabase } from '../../db/platform-schema.js';

export interface NotificationRow {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
  ignored_at: Date | null;
  snoozed_until: Date | null;
}

type Eb = ExpressionBuilder<PlatformDatabase, 'platform.notifications'>;

/** In the feed: not ignored, and not snoozed into the future. */
const isShown = (now: Date) => (eb: Eb) =>
  eb.and([eb('ignored_at', 'is', null), eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)])]);

/** Counts as unread: shown and not read. */
const isUnread = (now: Date) => (eb: Eb) => eb.and([isShown(now)(eb), eb('read_at', 'is', null)]);

/** When the notification was (last) shown: a snoozed one comes back on top. Matches the index notifications_user_feed. */
const shownAt = sql`coalesce(snoozed_until, created_at)`;

export async function insertNotifications(
  executor: Executor,
  rows: Array<Omit<NotificationRow, 'read_at' | 'ignored_at' | 'snoozed_until'>>,
): Promise<void> {
  if (rows.length > 0) await executor.insertInto('platform.notifications').values(rows).execute();
}

/** The organization of each of these users that exists. */
export async function findUsersOrg(executor: Executor, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await executor.selectFrom('platform.users').select(['id', 'org_id']).where('id', 'in', userIds).execute();
  return new Map(rows.map((row) => [row.id, row.org_id]));
}

/** Notifications by id, whoever they are for. */
export async function findNotifications(executor: Executor, ids: string[]): Promise<NotificationRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('platform.notifications').selectAll().where('id', 'in', ids).execute();
}

/** One notification of the user (undefined for anyone else's). */
export async function findNotification(
  executor: Executor,
  userId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<NotificationRow | undefined> {
  let query = executor.selectFrom('platform.notifications').selectAll().where('id', '=', id).where('user_id', '=', userId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The user's feed, newest shown first; `afterId` continues after that notification. */
export async function listNotifications(
  executor: Executor,
  input: { userId: string; unreadOnly: boolean; limit: number; afterId?: string; now: Date },
): Promise<NotificationRow[]> {
  let query = executor
    .selectFrom('platform.notifications')
    .selectAll()
    .where('user_id', '=', input.userId)
    .where(input.unreadOnly ? isUnread(input.now) : isShown(input.now));
  if (input.afterId) {
    query = query.where(
      sql<boolean>`(${shownAt}, id) < (SELECT coalesce(c.snoozed_until, c.created_at), c.id FROM platform.notifications c WHERE c.id = ${input.afterId} AND c.user_id = ${input.userId})`,
    );
  }
  return query.orderBy(shownAt, 'desc').orderBy('id', 'desc').limit(input.limit).execute();
}

export async function countUnread(executor: Executor, userId: string, now: Date): Promise<number> {
  const row = await executor
    .selectFrom('platform.notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where(isUnread(now))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateNotification(
  executor: Executor,
  userId: string,
  id: string,
  changes: Partial<Pick<NotificationRow, 'read_at' | 'ignored_at' | 'snoozed_until'>>,
): Promise<NotificationRow> {
  return executor
    .updateTable('platform.notifications')
    .set(changes)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks every unread notification in the user's feed as read; returns how many. */
export async function markAllRead(executor: Executor, userId: string, now: Date): Promise<number> {
  const result = await executor
    .updateTable('platform.notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where(isUnread(now))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The notification a snooze reminder is for, if it is still due: same snooze, not read, not ignored. */
export async function findDueReminder(executor: Executor, id: string, snoozedUntil: Date): Promise<NotificationRow | undefined> {
  return executor
    .selectFrom('platform.notifications')
    .selectAll()
    .where('id', '=', id)
    .where('snoozed_until', '=', snoozedUntil)
    .where('read_at', 'is', null)
    .where('ignored_at', 'is', null)
    .executeTakeFirst();
}
