import { Type } from 'typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../http/common.schemas.js';

const NullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'What it is about, a stable code such as `task.assigned` (the web app picks the icon).' }),
  title: Type.String({ description: 'One line for the bell.' }),
  body: NullableText('More text, or null.'),
  link: NullableText('Where it leads: a path inside the app (`/deals/…`) or an http(s) address; null when nowhere.'),
  createdAt: Timestamp,
  readAt: NullableTimestamp,
  snoozedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Set by "remind me later": hidden until then. A past time means the reminder came back (the feed lists it again, on top).',
  }),
});

export const NotificationListQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'true: only unread ones.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size (1–100, default 20).' })),
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'The `nextCursor` of the previous page.' })),
});

export const NotificationList = Type.Object({
  data: Type.Array(Notification, {
    description: 'Newest first (a reminder that came back counts from when it came back). Ignored and snoozed ones are left out.',
  }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  unreadCount: Type.Integer({ description: 'Unread notifications in the feed (snoozed and ignored ones do not count).' }),
});

export const UnreadCount = Type.Object({
  unreadCount: Type.Integer({ description: 'Unread notifications (snoozed and ignored ones do not count).' }),
});

export const SnoozeBody = Type.Object(
  { minutes: Type.Enum([15, 60], { description: 'Remind me in 15 minutes or in 1 hour (60).' }) },
  { additionalProperties: false },
);

export const ReadAllResult = Type.Object({ updated: Type.Integer({ description: 'How many notifications were marked read.' }) });
