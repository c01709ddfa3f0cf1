import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';

let t: TestContext;
let admin: TestUser;
let rep: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  rep = await t.make.user(admin, { name: 'Rep One' });
});
afterAll(() => t.close());

async function create(as: TestUser, module: string, body: Record<string, unknown>) {
  const response = await t.request('POST', `/api/v1/records/${module}`, { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

/** The live touchpoints of a source, read as the administrator through the records API. */
async function touchpointsOf(sourceId: string) {
  const response = await t.request('POST', '/api/v1/records/touchpoints/query', {
    as: admin,
    body: { filter: { field: 'source_id', op: 'eq', value: sourceId }, limit: 10 },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, unknown>>;
}

describe('touchpoint sync', () => {
  it('keeps one touchpoint per call on a contact of an account: created, edited, deleted and restored with it', async () => {
    const accountId = await create(rep, 'accounts', { name: 'Aceros del Norte' });
    const contactId = await create(rep, 'contacts', { last_name: 'Ruiz', account_id: accountId });
    const callId = await create(rep, 'calls', {
      subject: 'Revisión trimestral',
      call_type: 'missed',
      start_at: '2026-03-02T10:00:00.000Z',
      duration_seconds: 330,
      related_module: 'contacts',
      related_id: contactId,
    });

    const [touchpoint] = await waitFor(async () => {
      const rows = await touchpointsOf(callId);
      return rows.length > 0 ? rows : null;
    }, 'the call’s touchpoint');
    expect(touchpoint).toMatchObject({
      subject: 'Revisión trimestral',
      direction: 'inbound', // a missed call came in
      channel: 'phone',
      occurred_at: '2026-03-02T10:00:00.000Z',
      duration_minutes: 6, // 330 s = 5.5 min, rounded
      account_id: accountId,
      contact_id: contactId,
      lead_id: null,
      owner_id: rep.userId,
      source_module: 'calls',
      source_id: callId,
    });

    const edited = await t.request('PATCH', `/api/v1/records/calls/${callId}`, {
      as: rep,
      body: { duration_seconds: 900, call_type: 'outbound' },
    });
    expect(edited.statusCode).toBe(200);
    await waitFor(async () => (await touchpointsOf(callId))[0]?.duration_minutes === 15, 'the duration to follow');
    const [after] = await touchpointsOf(callId);
    expect(after).toMatchObject({ id: touchpoint!.id, direction: 'outbound', duration_minutes: 15 });

    expect((await t.request('DELETE', `/api/v1/records/calls/${callId}`, { as: rep })).statusCode).toBe(204);
    await waitFor(async () => (await touchpointsOf(callId)).length === 0, 'the touchpoint to go with the call');

    expect((await t.request('POST', `/api/v1/records/calls/${callId}/restore`, { as: rep })).statusCode).toBeLessThan(300);
    await waitFor(async () => (await touchpointsOf(callId)).length === 1, 'the touchpoint to come back with the call');
    expect((await touchpointsOf(callId))[0]!.id).toBe(touchpoint!.id);
  });

  it('maps a meeting on a deal to a face-to-face touchpoint with the deal’s account and its length', async () => {
    const accountId = await create(rep, 'accounts', { name: 'Logística Sur' });
    const dealId = await create(rep, 'deals', { name: 'Renovación', account_id: accountId, stage: 'qualification', amount: '1000' });
    const meetingId = await create(rep, 'meetings', {
      title: 'Comité',
      start_at: '2026-04-01T09:00:00.000Z',
      end_at: '2026-04-01T10:30:00.000Z',
      related_module: 'deals',
      related_id: dealId,
    });
    const [touchpoint] = await waitFor(async () => {
      const rows = await touchpointsOf(meetingId);
      return rows.length > 0 ? rows : null;
    }, 'the meeting’s touchpoint');
    expect(touchpoint).toMatchObject({
      channel: 'face_to_face',
      direction: 'outbound',
      duration_minutes: 90,
      account_id: accountId,
      deal_id: dealId,
      source_module: 'meetings',
    });
  });

  it('calls a first outbound call to a lead a cold call, and the next one a phone call', async () => {
    const leadId = await create(rep, 'leads', { last_name: 'Prospecto', company: 'Nueva SL' });
    const first = await create(rep, 'calls', {
      subject: 'Primera',
      start_at: '2026-05-01T09:00:00.000Z',
      related_module: 'leads',
      related_id: leadId,
    });
    await waitFor(async () => (await touchpointsOf(first)).length === 1, 'the first call’s touchpoint');
    const second = await create(rep, 'calls', {
      subject: 'Segunda',
      start_at: '2026-05-03T09:00:00.000Z',
      related_module: 'leads',
      related_id: leadId,
    });
    await waitFor(async () => (await touchpointsOf(second)).length === 1, 'the second call’s touchpoint');
    expect((await touchpointsOf(first))[0]).toMatchObject({ channel: 'cold_call', lead_id: leadId, account_id: null });
    expect((await touchpointsOf(second))[0]).toMatchObject({ channel: 'phone', lead_id: leadId });
  });

  it('adds an e-mail touchpoint when an e-mail is sent from a contact, once per e-mail', async () => {
    const accountId = await create(rep, 'accounts', { name: 'Papelera Central' });
    const contactId = await create(rep, 'contacts', { last_name: 'Gómez', account_id: accountId, email: 'gomez@example.test' });
    const sent = await t.request('POST', `/api/v1/records/contacts/${contactId}/emails`, {
      as: rep,
      body: { to: ['gomez@example.test'], subject: 'Propuesta', body: 'Adjunto la propuesta.' },
    });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const timelineId = sent.data.timelineId as string;
    const [touchpoint] = await waitFor(async () => {
      const rows = await touchpointsOf(timelineId);
      return rows.length > 0 ? rows : null;
    }, 'the e-mail’s touchpoint');
    expect(touchpoint).toMatchObject({
      subject: 'Propuesta',
      channel: 'email',
      direction: 'outbound',
      account_id: accountId,
      contact_id: contactId,
      owner_id: rep.userId,
      source_module: 'email',
    });
    // Handled again (at least once delivery): still one.
    await t.app.ctx.events.drain();
    expect(await touchpointsOf(timelineId)).toHaveLength(1);
  });

  it('lets nobody write the source fields by hand', async () => {
    const response = await t.request('POST', '/api/v1/records/touchpoints', {
      as: rep,
      body: { direction: 'outbound', channel: 'phone', occurred_at: '2026-01-01T00:00:00Z', source_module: 'calls' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.data.error.details.field).toBe('source_module');
  });
});
