import { Type } from 'typebox';

export const EVENT_STREAM_DESCRIPTION = [
  'A Server-Sent Events stream (`text/event-stream`) of what happens for the signed-in user. Authenticate with the session cookie (an `EventSource` sends it) or `Authorization: Bearer`.',
  '',
  'Frames:',
  '- `retry: 5000` once, then the current state: `event: unread-count` with `data: {"unreadCount": 3}`.',
  '- `event: notification` with `data:` the notification JSON (as in `GET /api/v1/notifications`) when one arrives or comes back from a snooze; its `body` may be shortened (the list has it whole). The same id can arrive twice: de-duplicate by id.',
  '- `event: unread-count` with `data: {"unreadCount": n}` whenever the count changes (here or in another tab).',
  '- `: heartbeat` comment lines every 25 seconds keep proxies from closing the connection.',
  '',
  'The server ends each stream after 15 minutes; the browser reconnects by itself (so a signed-out user stops receiving). At most 20 streams per user at once (429 beyond).',
  '',
  'On a lost connection the browser reconnects by itself and receives the current state again.',
].join('\n');

export const EventStream = Type.String({ description: 'text/event-stream: see the operation description.' });
