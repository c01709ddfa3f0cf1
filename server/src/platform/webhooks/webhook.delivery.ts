import type { AppContext } from '../context.js';
import type { Trx } from '../../db/database.js';
import { newId } from '../ids.js';
import { webhookSubscriptions } from './webhook.subscriptions.js';
import { signPayload, SIGNATURE_HEADER } from './webhook.signature.js';
import { eventData, hasBody, storedRequest, type DeliveryMethod, type DeliveryRequest } from './webhook.request.js';
import {
  deleteOldDeliveries,
  findDelivery,
  findWebhookTarget,
  insertAttempt,
  insertDelivery,
  lockDelivery,
  updateDelivery,
  type DeliveryRow,
} from './webhook.repository.js';

export const DELIVER_JOB = 'webhooks.deliver';
export const PRUNE_DELIVERIES_JOB = 'webhooks.prune-deliveries';
/** Finished deliveries and their attempt logs are kept this long. */
export const DELIVERY_RETENTION_DAYS = 30;

declare module '../jobs/jobs.js' {
  interface JobPayloads {
    /** Attempt number `attempt` of a webhook delivery: POST it, log the attempt, queue the next one on failure. */
    'webhooks.deliver': { deliveryId: string; attempt: number };
    /** Daily: deletes finished deliveries older than DELIVERY_RETENTION_DAYS. */
    'webhooks.prune-deliveries': Record<string, never>;
  }
}

/** The delivery a workflow rule's webhook action makes; never from the outbox fan-out. */
export const WORKFLOW_WEBHOOK_EVENT = 'automation.workflow';

/**
 * The event types a webhook can subscribe to ("*" means all of them). Only
 * these leave the server: other outbox events (notifications…) are internal.
 * A feature that emits a new public event adds its type here.
 */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  'record.created',
  'record.updated',
  'record.deleted',
  'record.restored',
  // Sent only by the webhook action of a workflow rule (automation/workflow) to the webhook the action names.
  WORKFLOW_WEBHOOK_EVENT,
];

/** Sent by POST /webhooks/{id}/test, to that webhook only. */
export const TEST_EVENT = 'webhook.test';

/** Attempts per delivery, the first one included. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** No answer within this time is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an answer's body the attempt log keeps. */
export const RESPONSE_LOG_BYTES = 2048;
/** The wait after failed attempt number `attempt` (1-based): 30 s, 1 min, 2 min, 4 min… (32 min after the 7th). */
export const retryDelaySeconds = (attempt: number) => 30 * 2 ** (attempt - 1);

export const USER_AGENT = 'Clave-Webhooks/1';

type DeliveryContext = Pick<AppContext, 'database' | 'events' | 'jobs' | 'now'>;

/**
 * Creates a delivery of an event to one webhook and queues its first attempt,
 * in the caller's transaction. A second call for the same event and webhook
 * does nothing (unless it is a redelivery). Returns the delivery id, or null.
 * A `request` (method, headers, exact body) is kept with the delivery so that
 * every attempt and a re-send send the same thing.
 */
export async function queueDelivery(
  ctx: Pick<AppContext, 'jobs' | 'now'>,
  trx: Trx,
  delivery: {
    webhookId: string;
    orgId: string;
    eventId: string;
    eventType: string;
    eventCreatedAt: Date;
    payload: Record<string, unknown>;
    request?: DeliveryRequest;
    redeliveryOf?: string;
  },
): Promise<string | null> {
  const id = newId();
  const { request, ...row } = delivery;
  const payload = request ? { ...delivery.payload, request } : delivery.payload;
  const inserted = await insertDelivery(trx, { ...row, payload, id, now: ctx.now() });
  if (!inserted) return null;
  await ctx.jobs.send(DELIVER_JOB, { deliveryId: id, attempt: 1 }, { trx, singletonKey: `${id}:1` });
  return id;
}

/** Reads at most `limit` bytes of an answer's body, then lets the rest go. */
async function readStart(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // Cut on a character boundary: the decoder drops an incomplete last character.
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks).subarray(0, limit)).replace(/\uFFFD$/, '');
}

interface AttemptOutcome {
  statusCode: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  delivered: boolean;
}

/** What one attempt sends: the body is signed as it is (no body: the signature covers the empty string). */
export interface OutgoingRequest {
  method: DeliveryMethod;
  headers: Record<string, string>;
  contentType: string;
  body: string | null;
}

/** One HTTP attempt: send the signed body, never follow a redirect, give up after DELIVERY_TIMEOUT_MS. */
export async function postDelivery(url: string, secret: string, request: OutgoingRequest, now: Date): Promise<AttemptOutcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: request.method,
      redirect: 'manual',
      signal,
      headers: {
        ...(request.body === null ? {} : { 'content-type': request.contentType }),
        'user-agent': USER_AGENT,
        ...request.headers,
        [SIGNATURE_HEADER]: signPayload(secret, request.body ?? '', Math.floor(now.getTime() / 1000)),
      },
      ...(request.body === null ? {} : { body: request.body }),
    });
    const responseBody = await readStart(response, RESPONSE_LOG_BYTES);
    const delivered = response.status >= 200 && response.status < 300;
    let error: string | null = null;
    if (response.status >= 300 && response.status < 400) {
      error = `Redirects are not followed (to ${response.headers.get('location') ?? 'nowhere'}).`;
    } else if (!delivered) {
      error = `The receiver answered ${response.status}.`;
    }
    return { statusCode: response.status, responseBody, durationMs: elapsed(), error, delivered };
  } catch (thrown) {
    const error = thrown as Error & { cause?: { code?: string; message?: string } };
    const message =
      signal.aborted || error.name === 'TimeoutError'
        ? `No answer within ${DELIVERY_TIMEOUT_MS / 1000} s.`
        : (error.cause?.code ?? error.cause?.message ?? error.message ?? String(thrown));
    return { statusCode: null, responseBody: null, durationMs: elapsed(), error: message.slice(0, 500), delivered: false };
  }
}

/**
 * What an attempt of a delivery sends: the standard signed JSON envelope, or the custom request kept with the
 * delivery (its headers first, then Clave's, which it may not override).
 */
export function outgoingRequest(
  delivery: Pick<DeliveryRow, 'id' | 'event_type' | 'event_created_at' | 'org_id' | 'payload'>,
): OutgoingRequest {
  const request = delivery.event_type === WORKFLOW_WEBHOOK_EVENT ? storedRequest(delivery.payload) : null;
  const envelope = () =>
    JSON.stringify({
      id: delivery.id,
      event: delivery.event_type,
      createdAt: delivery.event_created_at.toISOString(),
      orgId: delivery.org_id,
      data: eventData(delivery.payload),
    });
  const method = request?.method ?? 'POST';
  const body = !hasBody(method) ? null : typeof request?.body === 'string' ? request.body : envelope();
  return {
    method,
    contentType: request && typeof request.body === 'string' ? request.contentType : 'application/json',
    body,
    headers: {
      ...Object.fromEntries((request?.headers ?? []).map((header) => [header.name.toLowerCase(), header.value])),
      // The delivery id is also the idempotency key: retries and a re-send after a crash repeat it.
      'x-clave-event': delivery.event_type,
      'x-clave-delivery': delivery.id,
      'idempotency-key': delivery.id,
    },
  };
}

/** Deletes finished deliveries older than DELIVERY_RETENTION_DAYS, in batches; returns how many. */
export async function pruneDeliveries(database: DeliveryContext['database'], now: Date): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 24 * 3600_000);
  let total = 0;
  for (;;) {
    const deleted = await deleteOldDeliveries(database.db, before, 1000);
    total += deleted;
    if (deleted < 1000) return total;
  }
}

/**
 * Outgoing webhooks: an outbox handler turns each public event into one
 * delivery per subscribed webhook, and a job makes each attempt.
 */
export async function registerWebhookDelivery(ctx: AppContext): Promise<void> {
  const { database } = ctx;
  const subscriptions = webhookSubscriptions(ctx);

  ctx.events.on(
    '*',
    async (event) => {
      if (!event.orgId || !WEBHOOK_EVENT_TYPES.includes(event.type)) return;
      const orgId = event.orgId;
      const module = typeof event.payload.module === 'string' ? event.payload.module : null;
      // Most events concern no webhook: one read, and a transaction only when there is something to queue.
      const subscribed = await subscriptions.forEvent(orgId, event.type, module);
      if (subscribed.length === 0) return;
      await database.transaction('webhooks-fan-out', async (trx) => {
        for (const webhook of subscribed) {
          await queueDelivery(ctx, trx, {
            webhookId: webhook.id,
            orgId,
            eventId: event.id,
            eventType: event.type,
            eventCreatedAt: event.createdAt,
            payload: event.payload,
          });
        }
      });
    },
    { name: 'webhooks.fan-out' },
  );

  await ctx.jobs.work(DELIVER_JOB, async (job) => {
    const { deliveryId, attempt } = job.data;
    const delivery = await findDelivery(database.db, deliveryId);
    // Gone (webhook deleted), finished, or this attempt already made (a job run twice).
    if (!delivery || delivery.status !== 'pending' || delivery.attempts >= attempt) return;
    const webhook = await findWebhookTarget(database.db, delivery.webhook_id);
    if (!webhook) return;

    const now = ctx.now();
    const outcome: AttemptOutcome = webhook.active
      ? await postDelivery(webhook.url, webhook.secret, outgoingRequest(delivery), now)
      : { statusCode: null, responseBody: null, durationMs: 0, error: 'The webhook is inactive: nothing was sent.', delivered: false };

    await database.transaction('webhook-attempt', async (trx) => {
      const current = await lockDelivery(trx, deliveryId);
      if (!current || current.status !== 'pending' || current.attempts >= attempt) return;
      const finished = ctx.now();
      const logged = await insertAttempt(trx, { id: newId(), deliveryId, attempt, ...outcome, now: finished });
      if (!logged) return;
      const retry = !outcome.delivered && webhook.active && attempt < MAX_DELIVERY_ATTEMPTS;
      const delay = retryDelaySeconds(attempt);
      await updateDelivery(trx, deliveryId, {
        status: outcome.delivered ? 'delivered' : retry ? 'pending' : 'failed',
        attempts: attempt,
        last_status_code: outcome.statusCode,
        next_attempt_at: retry ? new Date(finished.getTime() + delay * 1000) : null,
        delivered_at: outcome.delivered ? finished : null,
      });
      if (retry) {
        await ctx.jobs.send(
          DELIVER_JOB,
          { deliveryId, attempt: attempt + 1 },
          { trx, startAfter: delay, singletonKey: `${deliveryId}:${attempt + 1}` },
        );
      }
    });
  });

  await ctx.jobs.work(PRUNE_DELIVERIES_JOB, async () => {
    await pruneDeliveries(database, ctx.now());
  });
}
