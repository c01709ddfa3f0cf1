import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import { getScoringEngine } from './index.js';

let t: TestContext;
let admin: TestUser;
let standard: TestUser;
let reader: TestUser;
let stranger: TestUser;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
const RULES = '/api/v1/automation/scoring-rules';

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  standard = await t.make.user(admin);
  const profile = await t.request('POST', '/api/v1/profiles', {
    as: admin,
    body: { name: 'Scoring readers', modules: { '*': ALL, automation_scoring: { ...NONE, read: true } } },
  });
  expect(profile.statusCode, profile.body).toBe(201);
  reader = await t.make.user(admin, { profileId: profile.data.id });
  stranger = await t.make.org();
});
afterAll(() => t.close());

async function rule(body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', RULES, { as, body: { module: 'leads', name: 'Leads', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data as { id: string; fieldRules: Array<{ id: string }>; touchpointRules: Array<{ id: string }> };
}

async function createLead(values: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', {
    as: admin,
    body: { last_name: 'Puntos', ...values },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function patchLead(id: string, values: Record<string, unknown>) {
  const response = await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: admin, body: values });
  expect(response.statusCode, response.body).toBe(200);
}

const lead = async (id: string) => (await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin })).data.data as Record<string, any>;

/** Handles every pending event, the ones handlers emit included. */
async function settle() {
  for (let round = 0; round < 20; round++) if ((await t.app.ctx.events.drain()) === 0) return;
}

async function scoreBecomes(id: string, expected: number | null, what: string) {
  await waitFor(async () => {
    await settle();
    return (await lead(id)).score === expected;
  }, `${what}: score ${expected}`).catch(async (error) => {
    const { rows } = await sql<{ last_error: string }>`SELECT last_error FROM platform.outbox WHERE last_error IS NOT NULL`.execute(
      t.database.db,
    );
    throw new Error(`${String(error)}; score ${(await lead(id)).score}; ${rows.map((row) => row.last_error).join(' | ')}`);
  });
}

async function touchpoint(values: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/touchpoints', {
    as: admin,
    body: { subject: 'Contacto', direction: 'inbound', channel: 'email', occurred_at: '2026-11-02T10:00:00.000Z', ...values },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

/** The outbox event of a record, as a handler receives it (to deliver it a second time). */
async function outboxEvent(type: string, recordId: string): Promise<DomainEvent> {
  const { rows } = await sql<{ id: string; type: string; org_id: string; payload: Record<string, unknown>; created_at: Date }>`
    SELECT id, type, org_id, payload, created_at FROM platform.outbox WHERE type = ${type} AND payload->>'id' = ${recordId}
    ORDER BY id DESC LIMIT 1`.execute(t.database.db);
  const row = rows[0]!;
  return { id: row.id, type: row.type, orgId: row.org_id, payload: row.payload, createdAt: row.created_at, attempt: 2 };
}

async function runs(recordId: string) {
  const response = await t.request('GET', `/api/v1/automation/scoring-runs?recordId=${recordId}`, { as: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

const orgIdOf = (user: TestUser) => user.orgId;

describe('scoring rules API', () => {
  it('creates, lists, reads, changes, disables and deletes a rule', async () => {
    const created = await rule({
      name: ' Origen web ',
      fieldRules: [{ criteria: { field: 'lead_source', op: 'eq', value: 'web' }, points: 10 }],
      touchpointRules: [{ event: 'meeting_held', points: 7 }],
    });
    expect(created).toMatchObject({ name: 'Origen web', module: 'leads', active: true });
    expect(created.fieldRules[0]).toMatchObject({ points: 10 });
    const list = await t.request('GET', `${RULES}?module=leads`, { as: reader });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((r: { id: string }) => r.id)).toContain(created.id);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: reader })).data.name).toBe('Origen web');

    const changed = await t.request('PATCH', `${RULES}/${created.id}`, {
      as: admin,
      body: { fieldRules: [{ id: created.fieldRules[0]!.id, criteria: { field: 'lead_source', op: 'eq', value: 'web' }, points: 12 }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data.fieldRules).toEqual([
      { id: created.fieldRules[0]!.id, criteria: { field: 'lead_source', op: 'eq', value: 'web' }, points: 12 },
    ]);
    const disabled = await t.request('POST', `${RULES}/${created.id}/disable`, { as: admin });
    expect(disabled.data.active).toBe(false);
    expect((await t.request('POST', `${RULES}/${created.id}/enable`, { as: admin })).data.active).toBe(true);
    const recalc = await t.request('POST', `${RULES}/recalculate`, { as: admin, body: { module: 'leads' } });
    expect(recalc.statusCode, recalc.body).toBe(202);
    expect(recalc.data.module).toBe('leads');
    expect((await t.request('DELETE', `${RULES}/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: admin })).statusCode).toBe(404);
  });

  it('refuses bad input with the place named, and saves nothing', async () => {
    const bad = async (body: Record<string, unknown>, where: string) => {
      const response = await t.request('POST', RULES, {
        as: admin,
        body: {
          module: 'leads',
          name: 'Mala',
          fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 1 }],
          ...body,
        },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error)).toContain(where);
    };
    await bad({ module: 'tasks' }, 'module');
    await bad({ module: 'nothing' }, 'module');
    await bad({ fieldRules: [{ criteria: { field: 'nope', op: 'eq', value: 1 }, points: 1 }] }, 'fieldRules.0.criteria');
    await bad({ fieldRules: [{ criteria: { field: 'rating', op: 'frobnicate', value: 1 }, points: 1 }] }, 'fieldRules.0.criteria');
    await bad({ fieldRules: [{ criteria: { field: 'score', op: 'gte', value: 1 }, points: 1 }] }, 'score itself');
    await bad({ fieldRules: [{ criteria: null, points: 1 }] }, 'fieldRules.0.criteria');
    await bad({ fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 5000 }] }, 'points');
    await bad({ fieldRules: [], touchpointRules: [] }, 'fieldRules');
    await bad({ touchpointRules: [{ event: 'email_opened_by_magic', points: 1 }] }, 'event');
    await bad({ name: '' }, 'name');
    const list = await t.request('GET', RULES, { as: admin });
    expect(list.data.data.filter((r: { name: string }) => r.name === 'Mala')).toHaveLength(0);
    const created = await rule({ fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 1 }] });
    const patch = await t.request('PATCH', `${RULES}/${created.id}`, {
      as: admin,
      body: { fieldRules: [{ criteria: { field: 'nope', op: 'eq', value: 1 }, points: 1 }] },
    });
    expect(patch.statusCode).toBe(400);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: admin })).data.fieldRules[0].criteria).toEqual({
      field: 'rating',
      op: 'eq',
      value: 'hot',
    });
    const recalc = await t.request('POST', `${RULES}/recalculate`, { as: admin, body: { module: 'calls' } });
    expect(recalc.statusCode).toBe(400);
    await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
  });

  it('needs the automation_scoring key; another organization sees nothing', async () => {
    const created = await rule({ fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 1 }], active: false });
    const body = { module: 'leads', name: 'X', fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 1 }] };
    expect((await t.request('GET', RULES, { as: standard })).statusCode).toBe(403);
    expect((await t.request('POST', RULES, { as: standard, body })).statusCode).toBe(403);
    expect((await t.request('POST', RULES, { as: reader, body })).statusCode).toBe(403);
    expect((await t.request('PATCH', `${RULES}/${created.id}`, { as: reader, body: { name: 'Y' } })).statusCode).toBe(403);
    expect((await t.request('POST', `${RULES}/${created.id}/enable`, { as: reader })).statusCode).toBe(403);
    expect((await t.request('DELETE', `${RULES}/${created.id}`, { as: reader })).statusCode).toBe(403);
    expect((await t.request('POST', `${RULES}/recalculate`, { as: reader, body: { module: 'leads' } })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/automation/scoring-runs', { as: standard })).statusCode).toBe(403);
    expect((await t.request('GET', RULES, { as: null })).statusCode).toBe(401);
    for (const [method, url] of [
      ['GET', `${RULES}/${created.id}`],
      ['PATCH', `${RULES}/${created.id}`],
      ['POST', `${RULES}/${created.id}/enable`],
      ['DELETE', `${RULES}/${created.id}`],
    ] as const) {
      const response = await t.request(method, url, { as: stranger, ...(method === 'PATCH' ? { body: { name: 'Z' } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await t.request('GET', RULES, { as: stranger })).data.data).toEqual([]);
    const leadId = await createLead({});
    expect((await t.request('GET', `/api/v1/automation/scores/leads/${leadId}`, { as: stranger })).statusCode).toBe(404);
    // The breakdown follows the record's own access: a user who cannot see the lead gets a 404, its owner the score.
    expect((await t.request('GET', `/api/v1/automation/scores/leads/${leadId}`, { as: standard })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/automation/scores/leads/${leadId}`, { as: admin })).statusCode).toBe(200);
    expect((await t.request('GET', `/api/v1/automation/scores/calls/${leadId}`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/automation/scores/leads/not-a-uuid`, { as: admin })).statusCode).toBe(400);
    await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
  });
});

describe('scores', () => {
  it('adds the field rules a record matches and its touchpoints, each touchpoint once; losing a match or a touchpoint takes the points off', async () => {
    const profileRule = await rule({
      name: 'Perfil',
      fieldRules: [
        { criteria: { field: 'lead_source', op: 'eq', value: 'web' }, points: 10 },
        { criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 20 },
      ],
    });
    const junkRule = await rule({
      name: 'Descartes',
      fieldRules: [{ criteria: { field: 'lead_status', op: 'eq', value: 'junk' }, points: -15 }],
      touchpointRules: [
        { event: 'email_answered', points: 5 },
        { event: 'meeting_held', points: 7 },
      ],
    });
    const id = await createLead({ lead_source: 'web', rating: 'hot' });
    await scoreBecomes(id, 30, 'web (10) + hot (20)');
    // Read-only for users; a field like any other for views: a filter and a column.
    const typed = await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: admin, body: { score: 999 } });
    expect(typed.statusCode).toBe(400);
    expect((await lead(id)).score).toBe(30);
    const filtered = await t.request('POST', '/api/v1/records/leads/query', {
      as: admin,
      body: { filter: { field: 'score', op: 'gte', value: 30 }, fields: ['score'], sort: [{ field: 'score', direction: 'desc' }] },
    });
    expect(filtered.statusCode, filtered.body).toBe(200);
    expect(filtered.data.data.map((row: { id: string }) => row.id)).toContain(id);
    expect(filtered.data.data.every((row: { score: number }) => row.score >= 30)).toBe(true);
    await patchLead(id, { lead_status: 'junk' });
    await scoreBecomes(id, 15, 'web (10) + hot (20) - junk (15)');
    await patchLead(id, { rating: 'cold' });
    await scoreBecomes(id, -5, 'no longer hot: web (10) - junk (15)');

    // An answered e-mail: +5, once, however often its event is delivered.
    const reply = await touchpoint({ lead_id: id });
    await scoreBecomes(id, 0, 'an e-mail reply (+5)');
    const event = await outboxEvent('record.created', reply);
    const engine = getScoringEngine(t.app.ctx);
    const logged = (await runs(id)).length;
    await engine.handleEvent(event);
    await engine.handleEvent({ ...event, attempt: 3 });
    await settle();
    expect((await lead(id)).score).toBe(0);
    expect(await runs(id)).toHaveLength(logged);

    // A meeting (+7) and an outbound e-mail (no rule): 7 more.
    const meeting = await touchpoint({ lead_id: id, channel: 'face_to_face', direction: 'outbound' });
    await touchpoint({ lead_id: id, channel: 'email', direction: 'outbound' });
    await scoreBecomes(id, 7, 'a meeting (+7)');

    const breakdown = await t.request('GET', `/api/v1/automation/scores/leads/${id}`, { as: admin });
    expect(breakdown.statusCode, breakdown.body).toBe(200);
    expect(breakdown.data).toMatchObject({ score: 7, total: 7 });
    const items = breakdown.data.items as Array<Record<string, any>>;
    expect(items.map((item) => [item.ruleName, item.kind, item.total]).sort()).toEqual(
      [
        ['Descartes', 'field', -15],
        ['Descartes', 'touchpoint', 5],
        ['Descartes', 'touchpoint', 7],
        ['Perfil', 'field', 10],
      ].sort(),
    );
    expect(items.find((item) => item.event === 'email_answered')).toMatchObject({ count: 1, points: 5 });

    // The meeting goes to the recycle bin: its points go too; back from the bin, they come back.
    expect((await t.request('DELETE', `/api/v1/records/touchpoints/${meeting}`, { as: admin })).statusCode).toBe(204);
    await scoreBecomes(id, 0, 'the meeting deleted');
    // The touchpoint moved to another lead: the points move with it.
    const other = await createLead({});
    await t.request('PATCH', `/api/v1/records/touchpoints/${reply}`, { as: admin, body: { lead_id: other } });
    await scoreBecomes(id, -5, 'the reply moved away');
    await scoreBecomes(other, 5, 'the reply moved here');

    // The timeline shows the change and the log tells what gave it.
    const log = await runs(id);
    expect(log[0]).toMatchObject({ trigger: 'touchpoint', status: 'done', scoreBefore: 0, scoreAfter: -5 });
    const timeline = await t.request('GET', `/api/v1/records/leads/${id}/timeline`, { as: admin });
    expect(JSON.stringify(timeline.data)).toContain('score');

    for (const r of [profileRule, junkRule]) await t.request('DELETE', `${RULES}/${r.id}`, { as: admin });
  });

  it('a score change triggers workflow rules (score updated, score ≥ 50)', async () => {
    const scoring = await rule({ name: 'Caliente', fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 60 }] });
    const workflow = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Puntuación alta',
        module: 'leads',
        trigger: 'field_update',
        triggerField: 'score',
        criteria: { field: 'score', op: 'gte', value: 50 },
        actions: [{ type: 'field_update', field: 'description', value: 'Puntuación alta' }],
      },
    });
    expect(workflow.statusCode, workflow.body).toBe(201);
    const cold = await createLead({ rating: 'cold' });
    const hot = await createLead({ rating: 'hot' });
    await scoreBecomes(hot, 60, 'hot');
    await waitFor(async () => (await lead(hot)).description === 'Puntuación alta', 'the workflow rule on the score');
    await scoreBecomes(cold, 0, 'cold');
    expect((await lead(cold)).description).toBeNull();
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${workflow.data.id}`, { as: admin });
    await t.request('DELETE', `${RULES}/${scoring.id}`, { as: admin });
  });

  it('recalculates every record after a rule change, touchpoints from before the rule included', async () => {
    const a = await createLead({ industry: 'technology' });
    const b = await createLead({ industry: 'retail' });
    await touchpoint({ lead_id: b, channel: 'phone', direction: 'outbound', duration_minutes: 3 });
    await settle();
    const created = await rule({
      name: 'Tecnología',
      fieldRules: [{ criteria: { field: 'industry', op: 'eq', value: 'technology' }, points: 4 }],
    });
    const engine = getScoringEngine(t.app.ctx);
    await engine.recalculate({ orgId: orgIdOf(admin), module: 'leads', after: null });
    await settle();
    expect((await lead(a)).score).toBe(4);
    expect((await lead(b)).score).toBe(0);
    const changed = await t.request('PATCH', `${RULES}/${created.id}`, {
      as: admin,
      body: { touchpointRules: [{ event: 'call_answered', points: 9 }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await engine.recalculate({ orgId: orgIdOf(admin), module: 'leads', after: null });
    await settle();
    expect((await lead(b)).score).toBe(9);
    expect((await runs(b))[0]).toMatchObject({ trigger: 'recalculate', scoreBefore: 0, scoreAfter: 9 });
    await t.request('POST', `${RULES}/${created.id}/disable`, { as: admin });
    await engine.recalculate({ orgId: orgIdOf(admin), module: 'leads', after: null });
    await settle();
    expect((await lead(a)).score).toBe(0);
    expect((await lead(b)).score).toBe(0);
    await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
  });

  it('a call logged on a lead becomes a touchpoint, and an answered call gives its points', async () => {
    const created = await rule({ name: 'Llamadas', touchpointRules: [{ event: 'call_answered', points: 6 }] });
    const id = await createLead({});
    const call = async (values: Record<string, unknown>) => {
      const response = await t.request('POST', '/api/v1/records/calls', {
        as: admin,
        body: {
          subject: 'Llamada',
          call_type: 'outbound',
          start_at: '2026-11-03T09:00:00.000Z',
          related_module: 'leads',
          related_id: id,
          ...values,
        },
      });
      expect(response.statusCode, response.body).toBe(201);
    };
    await call({ duration_seconds: 180 });
    await call({ duration_seconds: 0, call_result: 'no_answer' });
    await scoreBecomes(id, 6, 'one answered call of two');
    await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json', { as: null });
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/automation/scoring-rules',
        '/api/v1/automation/scoring-rules/{id}',
        '/api/v1/automation/scoring-rules/recalculate',
        '/api/v1/automation/scores/{module}/{id}',
        '/api/v1/automation/scoring-runs',
      ]),
    );
  });

  it('stops at the automation depth limit, with the reason logged', async () => {
    const created = await rule({ name: 'Profundo', fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'warm' }, points: 3 }] });
    const id = await createLead({});
    await settle();
    const before = (await lead(id)).score;
    await sql`UPDATE ${sql.id(await orgSchema(), 'leads')} SET rating = 'warm' WHERE id = ${id}`.execute(t.database.db);
    const engine = getScoringEngine(t.app.ctx);
    await engine.handleEvent({
      id: '01900000-0000-7000-8000-00000000d0e5',
      type: 'record.updated',
      orgId: admin.orgId,
      payload: { module: 'leads', id, changes: { rating: { from: null, to: 'warm' } }, automationDepth: 5 },
      createdAt: new Date(),
      attempt: 1,
    });
    expect((await lead(id)).score).toBe(before);
    expect((await runs(id))[0]).toMatchObject({ status: 'stopped', depth: 5 });
    expect((await runs(id))[0].reason).toContain('limit is 5');
    await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
  });
});

async function orgSchema(): Promise<string> {
  const row = await t.database.db
    .selectFrom('platform.organizations')
    .select('schema_name')
    .where('id', '=', admin.orgId)
    .executeTakeFirstOrThrow();
  return row.schema_name;
}
