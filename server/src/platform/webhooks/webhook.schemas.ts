import { Type } from 'typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../http/common.schemas.js';

const Name = Type.String({ minLength: 1, maxLength: 100, description: 'What the webhook is for, shown in the list.' });
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where deliveries are POSTed: an http:// or https:// address. Redirects are not followed.',
});
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  description: 'Event types to send (record.created, record.updated, record.deleted, record.restored), or "*" for all of them.',
});
const Modules = Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
  maxItems: 100,
  description: 'Only events whose module is one of these (API names, e.g. leads); empty: every module.',
});
const Active = Type.Boolean({ description: 'Inactive webhooks receive nothing.' });

export const Webhook = Type.Object({
  id: Uuid,
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  modules: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const WebhookWithSecret = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'The signing secret. Shown only here (and when rotated): keep it now.' }),
});

export const WebhookList = Type.Object({ data: Type.Array(Webhook) });

export const CreateWebhookBody = Type.Object(
  { name: Name, url: Url, events: Events, modules: Type.Optional(Modules), active: Type.Optional(Active) },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    modules: Type.Optional(Modules),
    active: Type.Optional(Active),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SecretAnswer = Type.Object({
  secret: Type.String({ description: 'The new signing secret; the old one stops working at once. Shown only here.' }),
});

const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description: 'pending: not delivered yet (more attempts follow); delivered: a 2xx answer; failed: every attempt failed.',
});

export const DeliveryAttempt = Type.Object({
  attempt: Type.Integer({ description: '1 for the first attempt.' }),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'The HTTP status of the answer; null when none came.' }),
  responseBody: Type.Union([Type.String(), Type.Null()], { description: 'The first 2 KB of the answer.' }),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed (timeout, refused, redirect…).' }),
  createdAt: Timestamp,
});

export const Delivery = Type.Object({
  id: Uuid,
  eventId: Uuid,
  event: Type.String({ description: 'The event type, e.g. record.created.' }),
  status: DeliveryStatus,
  attempts: Type.Integer({ description: 'Attempts made so far.' }),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  nextAttemptAt: NullableTimestamp,
  deliveredAt: NullableTimestamp,
  redeliveryOf: Type.Union([Uuid, Type.Null()], { description: 'The delivery this one repeats.' }),
  method: Type.String({ description: 'The HTTP method of every attempt: POST, or what a workflow rule’s webhook action chose.' }),
  request: Type.Union(
    [
      Type.Object({
        headers: Type.Array(Type.Object({ name: Type.String(), value: Type.String() }), { description: 'Headers the action added.' }),
        contentType: Type.String(),
        body: Type.Union([Type.String(), Type.Null()], {
          description:
            'The exact body sent (its bytes are what the signature covers); null: the standard envelope, or none for GET and DELETE.',
        }),
      }),
      Type.Null(),
    ],
    {
      description: 'The custom request of a workflow rule’s webhook action (kept so that retries and re-sends repeat it); null: standard.',
    },
  ),
  data: Type.Unknown({ description: 'The event payload sent as data.' }),
  attemptLog: Type.Array(DeliveryAttempt, { description: 'Every attempt, first first.' }),
  createdAt: Timestamp,
});

export const DeliveryPage = Type.Object({
  data: Type.Array(Delivery, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page.' }),
});

export const DeliveryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });
