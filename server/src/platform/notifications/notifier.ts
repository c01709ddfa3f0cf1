import type { Trx } from '../../db/database.js';
import type { AppContext } from '../context.js';
import { newId } from '../ids.js';
import { findUsersOrg, insertNotifications } from './notification.repository.js';

/** Outbox events of this module. Payload: {notificationId, userId}. */
export const NOTIFICATION_CREATED = 'notification.created';
/** A notification was read, snoozed or ignored (or all were read): the unread count changed. Payload: {userId, notificationId?, change}. */
export const NOTIFICATION_UPDATED = 'notification.updated';

export interface NotifyInput {
  orgId: string;
  userId: string;
  /** A stable code such as `task.assigned`: lower case, digits, `.`, `_`, `-`. */
  kind: string;
  /** One line; longer ones are shortened to 200 characters. */
  title: string;
  /** Shortened to 2,000 characters. */
  body?: string | null;
  /** A path inside the app (`/deals/…`) or an http(s) address. */
  link?: string | null;
}

export const TITLE_MAX = 200;
export const BODY_MAX = 2000;
const LINK_MAX = 1000;
const KIND = /^[a-z][a-z0-9_.-]{0,59}$/;

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function isSafeLink(link: string): boolean {
  if (link.startsWith('/')) return !link.startsWith('//');
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The input checked and shortened; wrong input is a bug in the caller and throws. */
function prepare(input: NotifyInput) {
  if (!KIND.test(input.kind)) throw new Error(`notify: kind "${input.kind}" must be a code like "task.assigned"`);
  const title = input.title.trim();
  if (!title) throw new Error('notify: the title is empty');
  const link = input.link?.trim() || null;
  if (link && (link.length > LINK_MAX || !isSafeLink(link)))
    throw new Error(`notify: link "${link.slice(0, 80)}" must be an app path or an http(s) address`);
  return { ...input, title: shorten(title, TITLE_MAX), body: input.body ? shorten(input.body, BODY_MAX) : null, link };
}

/**
 * The notification service for every feature: `notify(trx, …)` writes the
 * notification in the caller's transaction and emits `notification.created`
 * through the outbox, so it exists and is pushed (SSE) only if that
 * transaction commits. Wrong input (a kind that is not a code, an unsafe
 * link, a user of another organization) is a bug in the caller and throws.
 */
export function createNotifier({ events, now }: Pick<AppContext, 'events' | 'now'>) {
  /** Several notifications in a few statements, whatever their number (a batch of assigned tasks); ids in order. */
  async function notifyMany(trx: Trx, inputs: NotifyInput[]): Promise<string[]> {
    const prepared = inputs.map(prepare);
    const orgs = await findUsersOrg(trx, [...new Set(prepared.map((input) => input.userId))]);
    for (const input of prepared)
      if (orgs.get(input.userId) !== input.orgId) throw new Error(`notify: user ${input.userId} is not in organization ${input.orgId}`);
    const rows = prepared.map((input) => ({
      id: newId(),
      org_id: input.orgId,
      user_id: input.userId,
      kind: input.kind,
      title: input.title,
      body: input.body,
      link: input.link,
      created_at: now(),
    }));
    await insertNotifications(trx, rows);
    for (const orgId of new Set(rows.map((row) => row.org_id))) {
      const own = rows.filter((row) => row.org_id === orgId);
      await events.emitMany(
        trx,
        NOTIFICATION_CREATED,
        orgId,
        own.map((row) => ({ notificationId: row.id, userId: row.user_id })),
      );
    }
    return rows.map((row) => row.id);
  }

  return {
    notifyMany,
    async notify(trx: Trx, input: NotifyInput): Promise<string> {
      const [id] = await notifyMany(trx, [input]);
      return id!;
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
