import type { Executor } from '../../db/database.js';
import type { WebhookDeliveryStatus } from '../../db/platform-schema.js';
import { afterKeyset, keysetTimestamp } from '../../db/keyset.js';
import type { KeysetPosition } from '../http/cursor.js';

export interface WebhookRow {
  id: string;
  org_id: string;
  name: string;
  url: string;
  events: string[];
  modules: string[];
  active: boolean;
  secret: string;
  created_at: Date;
  updated_at: Date;
}

const webhookColumns = ['id', 'org_id', 'name', 'url', 'events', 'modules', 'active', 'secret', 'created_at', 'updated_at'] as const;

export function listWebhooks(executor: Executor, orgId: string): Promise<WebhookRow[]> {
  return executor
    .selectFrom('platform.webhooks')
    .select(webhookColumns)
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findWebhook(executor: Executor, orgId: string, id: string): Promise<WebhookRow | undefined> {
  return executor
    .selectFrom('platform.webhooks')
    .select(webhookColumns)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Where and how a delivery is sent (any organization: the delivery job knows the webhook by id). */
export function findWebhookTarget(executor: Executor, id: string) {
  return executor.selectFrom('platform.webhooks').select(['url', 'secret', 'active']).where('id', '=', id).executeTakeFirst();
}

export async function insertWebhook(
  executor: Executor,
  row: {
    id: string;
    orgId: string;
    name: string;
    url: string;
    events: string[];
    modules: string[];
    active: boolean;
    secret: string;
    createdBy: string;
  },
) {
  await executor
    .insertInto('platform.webhooks')
    .values({
      id: row.id,
      org_id: row.orgId,
      name: row.name,
      url: row.url,
      events: row.events,
      modules: row.modules,
      active: row.active,
      secret: row.secret,
      created_by: row.createdBy,
    })
    .execute();
}

export async function updateWebhook(
  executor: Executor,
  id: string,
  changes: { name?: string; url?: string; events?: string[]; modules?: string[]; active?: boolean; secret?: string },
  now: Date,
) {
  await executor
    .updateTable('platform.webhooks')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteWebhook(executor: Executor, id: string) {
  await executor.deleteFrom('platform.webhooks').where('id', '=', id).execute();
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  org_id: string;
  event_id: string;
  event_type: string;
  event_created_at: Date;
  payload: Record<string, unknown>;
  redelivery_of: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const deliveryColumns = [
  'id',
  'webhook_id',
  'org_id',
  'event_id',
  'event_type',
  'event_created_at',
  'payload',
  'redelivery_of',
  'status',
  'attempts',
  'last_status_code',
  'next_attempt_at',
  'delivered_at',
  'created_at',
] as const;

/**
 * Inserts a delivery unless this event already has one for this webhook (a
 * redelivery always inserts). Returns whether a row was inserted.
 */
export async function insertDelivery(
  executor: Executor,
  row: {
    id: string;
    webhookId: string;
    orgId: string;
    eventId: string;
    eventType: string;
    eventCreatedAt: Date;
    payload: Record<string, unknown>;
    redeliveryOf?: string;
    now: Date;
  },
): Promise<boolean> {
  const result = await executor
    .insertInto('platform.webhook_deliveries')
    .values({
      id: row.id,
      webhook_id: row.webhookId,
      org_id: row.orgId,
      event_id: row.eventId,
      event_type: row.eventType,
      event_created_at: row.eventCreatedAt,
      payload: JSON.stringify(row.payload),
      redelivery_of: row.redeliveryOf ?? null,
      next_attempt_at: row.now,
      created_at: row.now,
    })
    .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).where('redelivery_of', 'is', null).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function findDelivery(executor: Executor, id: string): Promise<DeliveryRow | undefined> {
  return executor.selectFrom('platform.webhook_deliveries').select(deliveryColumns).where('id', '=', id).executeTakeFirst();
}

/** Locks the delivery row (one attempt at a time writes its outcome). */
export function lockDelivery(executor: Executor, id: string): Promise<DeliveryRow | undefined> {
  return executor.selectFrom('platform.webhook_deliveries').select(deliveryColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** One page of a webhook's deliveries, newest first; `limit + 1` rows to tell whether more follow. */
export function listDeliveries(executor: Executor, webhookId: string, after: KeysetPosition | undefined, limit: number) {
  let query = executor
    .selectFrom('platform.webhook_deliveries')
    .select(deliveryColumns)
    .select(keysetTimestamp('created_at').as('position'))
    .where('webhook_id', '=', webhookId);
  if (after) query = query.where(afterKeyset('created_at', 'id', after));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  response_body: string | null;
  duration_ms: number;
  error: string | null;
  created_at: Date;
}

export async function listAttempts(executor: Executor, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return executor
    .selectFrom('platform.webhook_delivery_attempts')
    .select(['delivery_id', 'attempt', 'status_code', 'response_body', 'duration_ms', 'error', 'created_at'])
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
}

/** Logs one attempt; a second log of the same attempt (a job run twice) is ignored. Returns whether it was new. */
export async function insertAttempt(
  executor: Executor,
  row: {
    id: string;
    deliveryId: string;
    attempt: number;
    statusCode: number | null;
    responseBody: string | null;
    durationMs: number;
    error: string | null;
    now: Date;
  },
): Promise<boolean> {
  const result = await executor
    .insertInto('platform.webhook_delivery_attempts')
    .values({
      id: row.id,
      delivery_id: row.deliveryId,
      attempt: row.attempt,
      status_code: row.statusCode,
      response_body: row.responseBody,
      duration_ms: row.durationMs,
      error: row.error,
      created_at: row.now,
    })
    .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateDelivery(
  executor: Executor,
  id: string,
  changes: {
    status: WebhookDeliveryStatus;
    attempts: number;
    last_status_code: number | null;
    next_attempt_at: Date | null;
    delivered_at: Date | null;
  },
) {
  await executor.updateTable('platform.webhook_deliveries').set(changes).where('id', '=', id).execute();
}

/** Deletes up to `limit` finished deliveries (and their attempts) created before `before`; returns how many. */
export async function deleteOldDeliveries(executor: Executor, before: Date, limit: number): Promise<number> {
  const result = await executor
    .deleteFrom('platform.webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('platform.webhook_deliveries')
        .select('id')
        .where('created_at', '<', before)
        .where('status', '!=', 'pending')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
