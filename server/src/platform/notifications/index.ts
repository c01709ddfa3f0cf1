import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { registerNotificationDelivery } from './notification.delivery.js';
import { notificationRoutes } from './notification.routes.js';

export { createNotifier, NOTIFICATION_CREATED, NOTIFICATION_UPDATED, type Notifier, type NotifyInput } from './notifier.js';
export type { NotificationJson } from './notification.presenter.js';

/** The notification feed: its API, its real-time delivery and its snooze reminders. */
export const notificationsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await registerNotificationDelivery(ctx);
  await app.register(notificationRoutes, { ctx });
};
