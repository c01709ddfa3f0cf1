import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/http-receiver.js';
import { waitFor } from '../../test/wait-for.js';
import { newId } from '../ids.js';
import { MAX_DELIVERY_ATTEMPTS, pruneDeliveries, RESPONSE_LOG_BYTES } from './webhook.delivery.js';
import { verifySignature } from './webhook.signature.js';

let t: TestContext;
let receiver: HttpReceiver;
beforeAll(async () => {
  t = await createTestContext();
  await t.app.ctx.jobs.start();
});
afterAll(() => t.close());
beforeEach(async () => {
  receiver = await startHttpReceiver();
});
afterEach(() => receiver.close());

async function emit(org: TestUser, type: string, payload: Record<string, unknown>): Promise<string> {
  return t.database.transaction('test-emit', (trx) => t.app.ctx.events.emit(trx, type, org.orgId, payload));
}

const recordEvent = (module: string, actorId: string) => ({
  module,
  id: newId(),
  record: { company: 'Acme', status: 'new' },
  actorId,
});

async function createWebhook(admin: TestUser, body: Record<string, unknown> = {}) {
  const response = await t.request('POST', '/api/v1/webhooks', {
    as: admin,
    body: { name: 'CRM sync', url: `${receiver.url}/hook`, events: ['*'], ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.data as { id: string; secret: string };
}

const deliveries = async (admin: TestUser, webhookId: string, query = '') => {
  const response = await t.request('GET', `/api/v1/webhooks/${webhookId}/deliveries${query}`, { as: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.data as { data: any[]; nextCursor: string | null };
};

/** Makes every queued attempt of these deliveries due now (instead of in 30 s, 1 min…) and wakes the worker. */
async function makeRetriesDue() {
  await t.database.query(
    `UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = 'webhooks.deliver' AND state = 'created'`,
  );
  t.app.ctx.jobs.wake('webhooks.deliver');
}

describe('webhook administration', () => {
  it('creates (secret shown once), lists, reads, changes and deletes a webhook', async () => {
    const admin = await t.make.org();
    const created = await t.request('POST', '/api/v1/webhooks', {
      as: admin,
      body: {
        name: ' Sync ',
        url: 'https://example.test/hook',
        events: ['record.updated', 'record.created', 'record.created'],
        modules: ['leads'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data).toMatchObject({
      name: 'Sync',
      url: 'https://example.test/hook',
      events: ['record.created', 'record.updated'],
      modules: ['leads'],
      active: true,
    });
    expect(created.data.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const id = created.data.id as string;

    const list = await t.request('GET', '/api/v1/webhooks', { as: admin });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(list.body).not.toContain(created.data.secret);
    const one = await t.request('GET', `/api/v1/webhooks/${id}`, { as: admin });
    expect(one.data.secret).toBeUndefined();

    const patched = await t.request('PATCH', `/api/v1/webhooks/${id}`, { as: admin, body: { active: false, events: ['*'], modules: [] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.data).toMatchObject({ active: false, events: ['*'], modules: [] });

    const audit = await t.request('GET', '/api/v1/audit-log?action=webhook.*', { as: admin });
    expect(audit.data.data.map((e: { action: string }) => e.action)).toEqual(['webhook.updated', 'webhook.created']);
    expect(audit.body).not.toContain(created.data.secret);

    const rotated = await t.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, { as: admin });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.data.secret).toMatch(/^whsec_/);
    expect(rotated.data.secret).not.toBe(created.data.secret);

    expect((await t.request('DELETE', `/api/v1/webhooks/${id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/webhooks/${id}`, { as: admin })).statusCode).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const admin = await t.make.org();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.test/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ events: ['record.created', 'record.exploded'] }, 'events.1'],
      [{ events: ['notification.created'] }, 'events.0'],
      [{ modules: ['Leads!'] }, 'modules.0'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [override, field] of cases) {
      const response = await t.request('POST', '/api/v1/webhooks', {
        as: admin,
        body: { name: 'x', url: 'https://example.test/', events: ['*'], ...override },
      });
      expect(response.statusCode, JSON.stringify(override)).toBe(400);
      expect(response.data.error.details.field, JSON.stringify(override)).toBe(field);
    }
    const empty = await t.request('POST', '/api/v1/webhooks', { as: admin, body: { name: 'x', url: 'https://example.test/', events: [] } });
    expect(empty.statusCode).toBe(400);
    expect((await t.request('GET', '/api/v1/webhooks', { as: admin })).data.data).toEqual([]);

    const { id } = await createWebhook(admin);
    const bad = await t.request('PATCH', `/api/v1/webhooks/${id}`, { as: admin, body: { name: 'New name', url: 'javascript:alert(1)' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('url');
    expect((await t.request('GET', `/api/v1/webhooks/${id}`, { as: admin })).data.name).toBe('CRM sync');
    expect((await t.request('GET', `/api/v1/webhooks/${id}/deliveries?cursor=nonsense`, { as: admin })).statusCode).toBe(400);
  });

  it('is for administrators only, and another organization’s webhooks are invisible', async () => {
    const admin = await t.make.org();
    const standard = await t.make.user(admin, { profile: 'standard' });
    const { id } = await createWebhook(admin);
    const test = await t.request('POST', `/api/v1/webhooks/${id}/test`, { as: admin });
    const deliveryId = test.data.id as string;

    expect((await t.request('GET', '/api/v1/webhooks', { as: standard })).statusCode).toBe(403);
    expect(
      (await t.request('POST', '/api/v1/webhooks', { as: standard, body: { name: 'x', url: 'https://x.test', events: ['*'] } })).statusCode,
    ).toBe(403);
    expect((await t.request('GET', `/api/v1/webhooks/${id}/deliveries`, { as: standard })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, { as: standard })).statusCode).toBe(403);

    const stranger = await t.make.org();
    const theirs = [
      t.request('GET', `/api/v1/webhooks/${id}`, { as: stranger }),
      t.request('PATCH', `/api/v1/webhooks/${id}`, { as: stranger, body: { active: false } }),
      t.request('DELETE', `/api/v1/webhooks/${id}`, { as: stranger }),
      t.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, { as: stranger }),
      t.request('GET', `/api/v1/webhooks/${id}/deliveries`, { as: stranger }),
      t.request('POST', `/api/v1/webhooks/${id}/test`, { as: stranger }),
      t.request('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`, { as: stranger }),
    ];
    for (const response of await Promise.all(theirs)) expect(response.statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/webhooks', { as: stranger })).data.data).toEqual([]);
    // A delivery of another webhook of the same organization is not this webhook's.
    const other = await createWebhook(admin);
    expect((await t.request('POST', `/api/v1/webhooks/${other.id}/deliveries/${deliveryId}/redeliver`, { as: admin })).statusCode).toBe(
      404,
    );
    expect((await t.request('GET', `/api/v1/webhooks/${id}`, { as: admin })).data.active).toBe(true);
  });
});

describe('deliveries', () => {
  it('POSTs matching events, signed with the secret, and nothing else', async () => {
    const admin = await t.make.org();
    const { id, secret } = await createWebhook(admin, { events: ['record.created'], modules: ['leads'] });
    await createWebhook(admin, { url: `${receiver.url}/inactive`, active: false });
    const stranger = await t.make.org();

    await emit(admin, 'record.updated', recordEvent('leads', admin.userId)); // not subscribed
    await emit(admin, 'record.created', recordEvent('contacts', admin.userId)); // other module
    await emit(admin, 'notification.created', { module: 'leads', userId: admin.userId }); // internal event
    await emit(stranger, 'record.created', recordEvent('leads', stranger.userId)); // other organization
    const payload = recordEvent('leads', admin.userId);
    const eventId = await emit(admin, 'record.created', payload);

    const request = await waitFor(() => receiver.requests[0], 'the delivery');
    await t.app.ctx.events.drain();
    // The later matching event arrived; the earlier non-matching ones never will.
    expect(receiver.requests).toHaveLength(1);
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hook');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Clave-Webhooks/1');
    expect(request.headers['x-clave-event']).toBe('record.created');
    const body = JSON.parse(request.body);
    expect(body).toEqual({
      id: request.headers['x-clave-delivery'],
      event: 'record.created',
      createdAt: expect.any(String),
      orgId: admin.orgId,
      data: payload,
    });
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);

    const signature = request.headers['x-clave-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, request.body, signature)).toBe(true);
    expect(verifySignature(`${secret}x`, request.body, signature)).toBe(false);
    expect(verifySignature(secret, request.body.replace('Acme', 'Acmf'), signature)).toBe(false);

    const log = await waitFor(async () => {
      const page = await deliveries(admin, id);
      return page.data[0]?.status === 'delivered' ? page : null;
    }, 'the delivery to be logged');
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      id: body.id,
      eventId,
      event: 'record.created',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      nextAttemptAt: null,
      data: payload,
      attemptLog: [{ attempt: 1, statusCode: 200, responseBody: 'ok', error: null }],
    });
  });

  it('creates one delivery per event and webhook even when the fan-out runs again', async () => {
    const admin = await t.make.org();
    const { id } = await createWebhook(admin);
    const eventId = await emit(admin, 'record.deleted', recordEvent('leads', admin.userId));
    await waitFor(() => receiver.requests.length === 1, 'the delivery');
    // The outbox hands the event to its handlers again (at least once delivery).
    await t.database.query(`UPDATE platform.outbox SET processed_at = NULL, handled = '{}', claimed_until = NULL WHERE id = $1`, [eventId]);
    await t.app.ctx.events.drain();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toHaveLength(1);
    expect((await deliveries(admin, id)).data).toHaveLength(1);
  });

  it('retries a failed attempt later with backoff, logging each attempt', async () => {
    const admin = await t.make.org();
    const { id } = await createWebhook(admin);
    receiver.answers.push({ status: 500, body: `boom ${'x'.repeat(3000)}` });
    const before = Date.now();
    await emit(admin, 'record.updated', { ...recordEvent('leads', admin.userId), changes: { status: { from: 'new', to: 'won' } } });

    const failed = await waitFor(async () => (await deliveries(admin, id)).data.find((d) => d.attempts === 1), 'the first attempt');
    expect(failed).toMatchObject({ status: 'pending', lastStatusCode: 500 });
    const wait = Date.parse(failed.nextAttemptAt) - before;
    expect(wait).toBeGreaterThanOrEqual(29_000);
    expect(wait).toBeLessThan(45_000);
    expect(failed.attemptLog).toHaveLength(1);
    expect(failed.attemptLog[0].statusCode).toBe(500);
    expect(failed.attemptLog[0].error).toContain('500');
    expect(failed.attemptLog[0].responseBody.startsWith('boom xxx')).toBe(true);
    expect(failed.attemptLog[0].responseBody.length).toBe(RESPONSE_LOG_BYTES);
    expect(receiver.requests).toHaveLength(1);

    await makeRetriesDue();
    const delivered = await waitFor(async () => (await deliveries(admin, id)).data.find((d) => d.status === 'delivered'), 'the retry');
    expect(delivered.attempts).toBe(2);
    expect(delivered.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    expect(receiver.requests).toHaveLength(2);
    // Both attempts carry the same delivery id, so the receiver can tell a retry from a new event.
    expect(receiver.requests[1]!.headers['x-clave-delivery']).toBe(receiver.requests[0]!.headers['x-clave-delivery']);
  });

  it(`gives up after ${MAX_DELIVERY_ATTEMPTS} attempts, and never follows a redirect`, async () => {
    const admin = await t.make.org();
    const { id } = await createWebhook(admin);
    receiver.fallback = { status: 302, headers: { location: `${receiver.url}/elsewhere` } };
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await waitFor(async () => (await deliveries(admin, id)).data[0]?.attempts === attempt, `attempt ${attempt}`);
      await makeRetriesDue();
    }
    const [delivery] = (await deliveries(admin, id)).data;
    expect(delivery).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, nextAttemptAt: null, lastStatusCode: 302 });
    expect(delivery.attemptLog[0].error).toContain('Redirects are not followed');
    expect(receiver.requests.map((r) => r.url)).toEqual(Array(MAX_DELIVERY_ATTEMPTS).fill('/hook'));
    const queued = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'webhooks.deliver' AND state = 'created' AND data->>'deliveryId' = $1`,
      [delivery.id],
    );
    expect(queued.rows[0]!.n).toBe(0);
  });

  it('logs an unreachable receiver as a failed attempt', async () => {
    const admin = await t.make.org();
    await receiver.close();
    const { id } = await createWebhook(admin);
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    const delivery = await waitFor(async () => (await deliveries(admin, id)).data.find((d) => d.attempts === 1), 'the attempt');
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(delivery.attemptLog[0].error).toMatch(/ECONNREFUSED|refused/i);
  });

  it('sends a test event, redelivers, and signs with the rotated secret', async () => {
    const admin = await t.make.org();
    const { id, secret } = await createWebhook(admin, { events: ['record.created'] });
    const test = await t.request('POST', `/api/v1/webhooks/${id}/test`, { as: admin });
    expect(test.statusCode, test.body).toBe(202);
    expect(test.data).toMatchObject({ event: 'webhook.test', status: 'pending' });
    const first = await waitFor(() => receiver.requests[0], 'the test delivery');
    expect(first.headers['x-clave-event']).toBe('webhook.test');
    expect(JSON.parse(first.body)).toMatchObject({ id: test.data.id, event: 'webhook.test', data: { webhookId: id } });
    expect(verifySignature(secret, first.body, first.headers['x-clave-signature'] as string)).toBe(true);

    const rotated = await t.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, { as: admin });
    const again = await t.request('POST', `/api/v1/webhooks/${id}/deliveries/${test.data.id}/redeliver`, { as: admin });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.data).toMatchObject({ event: 'webhook.test', eventId: test.data.eventId, redeliveryOf: test.data.id, status: 'pending' });
    expect(again.data.id).not.toBe(test.data.id);
    const second = await waitFor(() => receiver.requests[1], 'the redelivery');
    expect(JSON.parse(second.body)).toMatchObject({ id: again.data.id, data: JSON.parse(first.body).data });
    expect(verifySignature(rotated.data.secret, second.body, second.headers['x-clave-signature'] as string)).toBe(true);
    expect(verifySignature(secret, second.body, second.headers['x-clave-signature'] as string)).toBe(false);

    await t.request('PATCH', `/api/v1/webhooks/${id}`, { as: admin, body: { active: false } });
    const inactive = await t.request('POST', `/api/v1/webhooks/${id}/test`, { as: admin });
    expect(inactive.statusCode).toBe(409);
    expect((await t.request('POST', `/api/v1/webhooks/${id}/deliveries/${test.data.id}/redeliver`, { as: admin })).statusCode).toBe(409);
    expect((await deliveries(admin, id)).data).toHaveLength(2);
  });

  it('pages the delivery log newest first', async () => {
    const admin = await t.make.org();
    const { id } = await createWebhook(admin);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await t.request('POST', `/api/v1/webhooks/${id}/test`, { as: admin })).data.id);
    const first = await deliveries(admin, id, '?limit=2');
    expect(first.data.map((d) => d.id)).toEqual([sent[4], sent[3]]);
    const second = await deliveries(admin, id, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.data.map((d) => d.id)).toEqual([sent[2], sent[1]]);
    const third = await deliveries(admin, id, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.data.map((d) => d.id)).toEqual([sent[0]]);
    expect(third.nextCursor).toBeNull();
  });

  it('prunes finished deliveries older than 30 days, keeping recent and pending ones', async () => {
    const admin = await t.make.org();
    const { id } = await createWebhook(admin);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) sent.push((await t.request('POST', `/api/v1/webhooks/${id}/test`, { as: admin })).data.id);
    await waitFor(async () => (await deliveries(admin, id)).data.every((d) => d.status === 'delivered'), 'the deliveries');
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600_000);
    await t.database.db
      .updateTable('platform.webhook_deliveries')
      .set({ created_at: daysAgo(31) })
      .where('id', 'in', [sent[0]!, sent[1]!])
      .execute();
    await t.database.db.updateTable('platform.webhook_deliveries').set({ status: 'pending' }).where('id', '=', sent[1]!).execute();

    expect(await pruneDeliveries(t.database, new Date())).toBe(1);
    expect((await deliveries(admin, id)).data.map((d) => d.id).sort()).toEqual([sent[1], sent[2]].sort());
    const attempts = await t.database.db
      .selectFrom('platform.webhook_delivery_attempts')
      .select('id')
      .where('delivery_id', '=', sent[0]!)
      .execute();
    expect(attempts).toEqual([]);
  });
});

describe('webhook subscriptions in memory', () => {
  it('a webhook created, switched off or on after events were fanned out is seen at once', async () => {
    const admin = await t.make.org();
    // Fanned out with no webhook: the organization's (empty) list is now in memory.
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    await t.app.ctx.events.drain();
    const hook = await createWebhook(admin);
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    await t.app.ctx.events.drain();
    expect((await deliveries(admin, hook.id)).data).toHaveLength(1);

    expect((await t.request('PATCH', `/api/v1/webhooks/${hook.id}`, { as: admin, body: { active: false } })).statusCode).toBe(200);
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    await t.app.ctx.events.drain();
    expect((await deliveries(admin, hook.id)).data).toHaveLength(1);

    expect(
      (await t.request('PATCH', `/api/v1/webhooks/${hook.id}`, { as: admin, body: { active: true, modules: ['deals'] } })).statusCode,
    ).toBe(200);
    await emit(admin, 'record.created', recordEvent('leads', admin.userId));
    await emit(admin, 'record.created', recordEvent('deals', admin.userId));
    await t.app.ctx.events.drain();
    expect((await deliveries(admin, hook.id)).data).toHaveLength(2);
  });
});
