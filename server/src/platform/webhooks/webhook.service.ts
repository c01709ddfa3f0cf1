import type { AppContext } from '../context.js';
import { webhookSubscriptions } from './webhook.subscriptions.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Executor } from '../../db/database.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { newId } from '../ids.js';
import { queueDelivery, TEST_EVENT, WEBHOOK_EVENT_TYPES, WORKFLOW_WEBHOOK_EVENT } from './webhook.delivery.js';
import {
  deleteWebhook,
  findDelivery,
  findWebhook,
  insertWebhook,
  listAttempts,
  listDeliveries,
  listWebhooks,
  updateWebhook,
  type AttemptRow,
  type DeliveryRow,
  type WebhookRow,
} from './webhook.repository.js';
import { newWebhookSecret } from './webhook.signature.js';
import { eventData, storedRequest } from './webhook.request.js';

export interface WebhookInput {
  name?: string;
  url?: string;
  events?: string[];
  modules?: string[];
  active?: boolean;
}

const MODULE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

function present(row: WebhookRow) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: row.events,
    modules: row.modules,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentDelivery(row: DeliveryRow, attempts: AttemptRow[]) {
  const request = row.event_type === WORKFLOW_WEBHOOK_EVENT ? storedRequest(row.payload) : null;
  return {
    id: row.id,
    eventId: row.event_id,
    event: row.event_type,
    method: request?.method ?? 'POST',
    request: request ? { headers: request.headers, contentType: request.contentType, body: request.body ?? null } : null,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    redeliveryOf: row.redelivery_of,
    data: eventData(row.payload),
    attemptLog: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        statusCode: attempt.status_code,
        responseBody: attempt.response_body,
        durationMs: attempt.duration_ms,
        error: attempt.error,
        createdAt: attempt.created_at.toISOString(),
      })),
    createdAt: row.created_at.toISOString(),
  };
}

/** What the audit log keeps of a webhook: never its secret. */
const snapshot = (row: WebhookRow) => ({ name: row.name, url: row.url, events: row.events, modules: row.modules, active: row.active });

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('The name cannot be blank.', 'name');
  return trimmed;
}

function cleanUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badRequest('The URL is not a valid address.', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('The URL must start with http:// or https://.', 'url');
  return url.toString();
}

function cleanEvents(events: string[]): string[] {
  events.forEach((event, index) => {
    if (event !== '*' && !WEBHOOK_EVENT_TYPES.includes(event)) {
      throw badRequest(`Unknown event "${event}": use one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or *.`, `events.${index}`);
    }
  });
  return events.includes('*') ? ['*'] : [...new Set(events)].sort();
}

function cleanModules(modules: string[]): string[] {
  modules.forEach((module, index) => {
    if (!MODULE_NAME.test(module)) throw badRequest(`"${module}" is not a module API name (such as leads).`, `modules.${index}`);
  });
  return [...new Set(modules)].sort();
}

/** Administrators manage their organization's outgoing webhooks and read their delivery logs. */
export function createWebhookService(ctx: AppContext) {
  const { database } = ctx;
  const subscriptions = webhookSubscriptions(ctx);

  async function load(executor: Executor, orgId: string, id: string): Promise<WebhookRow> {
    const row = await findWebhook(executor, orgId, id);
    if (!row) throw notFound('The webhook');
    return row;
  }

  async function loadDelivery(executor: Executor, webhook: WebhookRow, deliveryId: string) {
    const delivery = await findDelivery(executor, deliveryId);
    if (!delivery || delivery.webhook_id !== webhook.id) throw notFound('The delivery');
    return presentDelivery(delivery, await listAttempts(executor, [delivery.id]));
  }

  const inactive = () => new AppError('conflict', 'The webhook is inactive: activate it first.', { field: 'active' });

  return {
    async list(auth: AuthContext) {
      return (await listWebhooks(database.db, auth.orgId)).map(present);
    },

    async get(auth: AuthContext, id: string) {
      return present(await load(database.db, auth.orgId, id));
    },

    async create(auth: AuthContext, input: Required<Pick<WebhookInput, 'name' | 'url' | 'events'>> & WebhookInput, ip: string) {
      const values = {
        name: cleanName(input.name),
        url: cleanUrl(input.url),
        events: cleanEvents(input.events),
        modules: cleanModules(input.modules ?? []),
        active: input.active ?? true,
      };
      const secret = newWebhookSecret();
      return database.transaction('create-webhook', async (trx) => {
        const id = newId();
        await insertWebhook(trx, { id, orgId: auth.orgId, ...values, secret, createdBy: auth.userId });
        await subscriptions.changed(trx, auth.orgId);
        const row = await load(trx, auth.orgId, id);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'webhook.created',
          targetType: 'webhook',
          targetId: id,
          after: snapshot(row),
          ip,
        });
        return { ...present(row), secret };
      });
    },

    async update(auth: AuthContext, id: string, input: WebhookInput, ip: string) {
      const next = {
        name: input.name === undefined ? undefined : cleanName(input.name),
        url: input.url === undefined ? undefined : cleanUrl(input.url),
        events: input.events === undefined ? undefined : cleanEvents(input.events),
        modules: input.modules === undefined ? undefined : cleanModules(input.modules),
        active: input.active,
      };
      return database.transaction('update-webhook', async (trx) => {
        const existing = await load(trx, auth.orgId, id);
        const diff = changedKeys(snapshot(existing), next);
        if (!diff) return present(existing);
        await updateWebhook(trx, id, diff.after, ctx.now());
        await subscriptions.changed(trx, auth.orgId);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'webhook.updated',
          targetType: 'webhook',
          targetId: id,
          ...diff,
          ip,
        });
        return present(await load(trx, auth.orgId, id));
      });
    },

    async remove(auth: AuthContext, id: string, ip: string) {
      await database.transaction('delete-webhook', async (trx) => {
        const existing = await load(trx, auth.orgId, id);
        await deleteWebhook(trx, id);
        await subscriptions.changed(trx, auth.orgId);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'webhook.deleted',
          targetType: 'webhook',
          targetId: id,
          before: snapshot(existing),
          ip,
        });
      });
    },

    async rotateSecret(auth: AuthContext, id: string, ip: string) {
      const secret = newWebhookSecret();
      await database.transaction('rotate-webhook-secret', async (trx) => {
        await load(trx, auth.orgId, id);
        await updateWebhook(trx, id, { secret }, ctx.now());
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'webhook.secret_rotated',
          targetType: 'webhook',
          targetId: id,
          ip,
        });
      });
      return { secret };
    },

    async listDeliveries(auth: AuthContext, id: string, query: { limit?: number; cursor?: string }) {
      const after = decodeCursor(query.cursor);
      const limit = query.limit ?? 25;
      const webhook = await load(database.db, auth.orgId, id);
      const rows = await listDeliveries(database.db, webhook.id, after, limit);
      const page = rows.slice(0, limit);
      const attempts = await listAttempts(
        database.db,
        page.map((row) => row.id),
      );
      const last = page[page.length - 1];
      return {
        data: page.map((row) => presentDelivery(row, attempts)),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.position, id: last.id }) : null,
      };
    },

    /** Sends a delivery's event again, as a new delivery (the original keeps its log). */
    async redeliver(auth: AuthContext, id: string, deliveryId: string) {
      return database.transaction('redeliver-webhook', async (trx) => {
        const webhook = await load(trx, auth.orgId, id);
        const original = await findDelivery(trx, deliveryId);
        if (!original || original.webhook_id !== webhook.id) throw notFound('The delivery');
        if (!webhook.active) throw inactive();
        const newDeliveryId = await queueDelivery(ctx, trx, {
          webhookId: webhook.id,
          orgId: auth.orgId,
          eventId: original.event_id,
          eventType: original.event_type,
          eventCreatedAt: original.event_created_at,
          payload: original.payload,
          redeliveryOf: original.id,
        });
        return loadDelivery(trx, webhook, newDeliveryId!);
      });
    },

    /** Sends a `webhook.test` event to this webhook only. */
    async sendTest(auth: AuthContext, id: string) {
      return database.transaction('test-webhook', async (trx) => {
        const webhook = await load(trx, auth.orgId, id);
        if (!webhook.active) throw inactive();
        const deliveryId = await queueDelivery(ctx, trx, {
          webhookId: webhook.id,
          orgId: auth.orgId,
          eventId: newId(),
          eventType: TEST_EVENT,
          eventCreatedAt: ctx.now(),
          payload: { webhookId: webhook.id, message: 'A test delivery from Clave.', actorId: auth.userId },
        });
        return loadDelivery(trx, webhook, deliveryId!);
      });
    },
  };
}
