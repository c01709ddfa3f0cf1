import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams } from '../http/common.schemas.js';
import { Notification, NotificationList, NotificationListQuery, ReadAllResult, SnoozeBody, UnreadCount } from './notification.schemas.js';
import { createNotificationService } from './notification.service.js';

const tags = ['Notifications'];

export const notificationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const notifications = createNotificationService(ctx);

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'My notification feed',
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...errorResponses(400, 401) },
      },
    },
    async (request) => notifications.list(requireAuth(request), request.query),
  );

  app.get(
    '/notifications/unread-count',
    {
      schema: { tags, summary: 'How many unread notifications I have', response: { 200: UnreadCount, ...errorResponses(401) } },
    },
    async (request) => notifications.unreadCount(requireAuth(request)),
  );

  app.post(
    '/notifications/read-all',
    {
      schema: { tags, summary: 'Mark every notification in my feed read', response: { 200: ReadAllResult, ...errorResponses(401, 403) } },
    },
    async (request) => notifications.markAllRead(requireAuth(request)),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark a notification read',
        params: IdParams,
        response: { 200: Notification, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => notifications.markRead(requireAuth(request), request.params.id),
  );

  app.post(
    '/notifications/:id/snooze',
    {
      schema: {
        tags,
        summary: 'Remind me later (15 or 60 minutes)',
        description:
          'Hides the notification and leaves it out of the unread count until then; it then comes back unread, on top of the feed, and is pushed again on the event stream.',
        params: IdParams,
        body: SnoozeBody,
        response: { 200: Notification, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => notifications.snooze(requireAuth(request), request.params.id, request.body.minutes as 15 | 60),
  );

  app.post(
    '/notifications/:id/ignore',
    {
      schema: {
        tags,
        summary: 'Ignore a notification (it leaves the feed and the count)',
        params: IdParams,
        response: { 200: Notification, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => notifications.ignore(requireAuth(request), request.params.id),
  );
};
