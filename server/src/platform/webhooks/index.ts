import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { registerWebhookDelivery } from './webhook.delivery.js';
import { webhookRoutes } from './webhook.routes.js';

export { WEBHOOK_EVENT_TYPES, WORKFLOW_WEBHOOK_EVENT, queueDelivery } from './webhook.delivery.js';
export { signPayload, verifySignature } from './webhook.signature.js';
export {
  DELIVERY_CONTENT_TYPES,
  DELIVERY_METHODS,
  hasBody,
  headerNameProblem,
  headerValueProblem,
  type DeliveryContentType,
  type DeliveryMethod,
  type DeliveryRequest,
} from './webhook.request.js';

/** Outgoing webhooks: their admin API, the fan-out of events into deliveries, and the delivery job. */
export const webhooksPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await registerWebhookDelivery(ctx);
  await app.register(webhookRoutes, { ctx });
};
