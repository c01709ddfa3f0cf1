import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import {
  CreateWebhookBody,
  Delivery,
  DeliveryPage,
  DeliveryParams,
  DeliveryQuery,
  SecretAnswer,
  UpdateWebhookBody,
  Webhook,
  WebhookList,
  WebhookWithSecret,
} from './webhook.schemas.js';
import { createWebhookService } from './webhook.service.js';

const tags = ['Webhooks'];
const admin = { access: 'admin' as const };

export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const webhooks = createWebhookService(ctx);

  app.get(
    '/webhooks',
    {
      config: admin,
      schema: { tags, summary: 'Every outgoing webhook of the organization', response: { 200: WebhookList, ...errorResponses(401, 403) } },
    },
    async (request) => ({ data: await webhooks.list(requireAuth(request)) }),
  );

  app.post(
    '/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Create a webhook',
        description: 'The answer holds the signing secret, shown this once. An unknown event type is a 400 naming events.<i>.',
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(requireAuth(request), request.body, request.ip)),
  );

  app.get(
    '/webhooks/:id',
    {
      config: admin,
      schema: { tags, summary: 'One webhook', params: IdParams, response: { 200: Webhook, ...errorResponses(401, 403, 404) } },
    },
    async (request) => webhooks.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change a webhook (name, URL, events, modules, active)',
        params: IdParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => webhooks.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Replace the signing secret',
        description: 'The old secret stops working at once; the new one is shown only in this answer.',
        params: IdParams,
        response: { 200: SecretAnswer, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => webhooks.rotateSecret(requireAuth(request), request.params.id, request.ip),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first',
        params: IdParams,
        querystring: DeliveryQuery,
        response: { 200: DeliveryPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => webhooks.listDeliveries(requireAuth(request), request.params.id, request.query),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a delivery’s event again (as a new delivery)',
        description: 'An inactive webhook is a 409 conflict.',
        params: DeliveryParams,
        response: { 202: Delivery, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await webhooks.redeliver(requireAuth(request), request.params.id, request.params.deliveryId)),
  );

  app.post(
    '/webhooks/:id/test',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a webhook.test event to this webhook',
        description: 'An inactive webhook is a 409 conflict. Follow the delivery in the delivery log.',
        params: IdParams,
        response: { 202: Delivery, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(202).send(await webhooks.sendTest(requireAuth(request), request.params.id)),
  );
};
