import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';
import { getWorkflowEngine } from '../index.js';
import { pruneExecutions } from './workflow.retention.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';

let t: TestContext;
let admin: TestUser;
let standard: TestUser;
let reader: TestUser;
let stranger: TestUser;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

async function profile(name: string, modules: Record<string, Record<string, boolean>>) {
  const response = await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function createLead(as: TestUser, body: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', { as, body: { last_name: 'Prueba', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function rule(body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', '/api/v1/automation/workflow-rules', { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function executions(query: string, as = admin) {
  const response = await t.request('GET', `/api/v1/automation/executions?${query}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

const lead = async (id: string) => (await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin })).data.data;

async function tasksOf(recordId: string) {
  const response = await t.request('POST', '/api/v1/records/tasks/query', {
    as: admin,
    body: { filter: { field: 'related_id', op: 'eq', value: recordId } },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

async function eventOf(type: string, recordId: string): Promise<DomainEvent> {
  const { rows } = await t.database.query<{ id: string; type: string; org_id: string; payload: Record<string, unknown>; created_at: Date }>(
    `SELECT id, type, org_id, payload, created_at FROM platform.outbox WHERE type = $1 AND payload->>'id' = $2`,
    [type, recordId],
  );
  const row = rows[0]!;
  return { id: row.id, type: row.type, orgId: row.org_id, payload: row.payload, createdAt: row.created_at, attempt: 2 };
}

const HOT = { and: [{ field: 'rating', op: 'eq', value: 'hot' }] };

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  standard = await t.make.user(admin);
  reader = await t.make.user(admin, { profileId: await profile('Automation readers', { '*': ALL, automation: { ...NONE, read: true } }) });
  stranger = await t.make.org();
});
afterAll(() => t.close());

describe('workflow rules API', () => {
  it('creates, reads, changes, disables and deletes a rule', async () => {
    const id = await rule({
      name: ' Calientes ',
      module: 'leads',
      trigger: 'create',
      criteria: HOT,
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    });
    const got = await t.request('GET', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
    expect(got.statusCode).toBe(200);
    expect(got.data).toMatchObject({
      name: 'Calientes',
      module: 'leads',
      trigger: 'create',
      triggerField: null,
      criteria: HOT,
      enabled: true,
      ownerId: admin.userId,
    });

    const changed = await t.request('PATCH', `/api/v1/automation/workflow-rules/${id}`, {
      as: admin,
      body: { trigger: 'field_update', triggerField: 'rating' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data).toMatchObject({ trigger: 'field_update', triggerField: 'rating', name: 'Calientes' });

    const off = await t.request('POST', `/api/v1/automation/workflow-rules/${id}/disable`, { as: admin });
    expect(off.data.enabled).toBe(false);
    const list = await t.request('GET', '/api/v1/automation/workflow-rules?module=leads', { as: reader });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((r: { id: string }) => r.id)).toContain(id);

    const removed = await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
    expect(removed.statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/automation/workflow-rules/${id}`, { as: admin })).statusCode).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/automation/workflow-rules',
        '/api/v1/automation/workflow-rules/{id}',
        '/api/v1/automation/workflow-rules/{id}/test',
        '/api/v1/automation/executions',
      ]),
    );
  });

  it('refuses bad input, naming the bad part', async () => {
    const base = {
      name: 'X',
      module: 'leads',
      trigger: 'create',
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    };
    const bad = async (body: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', '/api/v1/automation/workflow-rules', { as: admin, body: { ...base, ...body } });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error.details)).toContain(field);
    };
    await bad({ module: 'nothing' }, 'module');
    await bad({ actions: [{ type: 'field_update', field: 'no_such_field', value: 1 }] }, 'actions[0].field');
    await bad({ actions: [{ type: 'field_update', field: 'is_converted', value: true }] }, 'actions[0].field');
    await bad({ actions: [{ type: 'field_update', field: 'lead_status', value: 'no_such_status' }] }, 'actions[0].value');
    await bad({ criteria: { field: 'no_such_field', op: 'eq', value: 1 } }, 'criteria');
    await bad({ criteria: { field: 'rating', op: 'frobnicate', value: 1 } }, 'criteria');
    await bad({ actions: [{ type: 'email', to: 'owner', templateId: '01900000-0000-7000-8000-000000000000' }] }, 'actions[0].templateId');
    await bad({ actions: [{ type: 'email', to: 'owner' }] }, 'actions[0].templateId');
    await bad({ actions: [{ type: 'webhook', webhookId: '01900000-0000-7000-8000-000000000000' }] }, 'actions[0].webhookId');
    await bad({ actions: [{ type: 'task', subject: 'Llamar', assignTo: 'user' }] }, 'actions[0].userId');
    await bad({ trigger: 'field_update' }, 'triggerField');
    await bad({ actions: [] }, 'actions');
    await bad({ scheduled: [{ when: { field: 'company', days: 1, time: '09:00' }, actions: base.actions }] }, 'scheduled[0].when.field');
    await bad({ trigger: 'sometimes' }, 'trigger');
    // A template of another organization is unknown here.
    const foreign = await t.request('POST', '/api/v1/email-templates', { as: stranger, body: { name: 'T', subject: 'S', body: 'B' } });
    expect(foreign.statusCode, foreign.body).toBe(201);
    await bad({ actions: [{ type: 'email', to: 'owner', templateId: foreign.data.id }] }, 'actions[0].templateId');
  });

  it('needs the automation permission; other organizations see nothing', async () => {
    const id = await rule({
      name: 'Mía',
      module: 'leads',
      trigger: 'create',
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    });
    const body = {
      name: 'X',
      module: 'leads',
      trigger: 'create',
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    };
    expect((await t.request('GET', '/api/v1/automation/workflow-rules', { as: standard })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/automation/executions', { as: standard })).statusCode).toBe(403);
    expect((await t.request('POST', '/api/v1/automation/workflow-rules', { as: standard, body })).statusCode).toBe(403);
    expect((await t.request('POST', '/api/v1/automation/workflow-rules', { as: reader, body })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/automation/workflow-rules/${id}/disable`, { as: reader })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/automation/workflow-rules/${id}`, { as: reader })).statusCode).toBe(200);
    expect((await t.request('GET', '/api/v1/automation/workflow-rules', { as: null })).statusCode).toBe(401);

    for (const [method, url] of [
      ['GET', `/api/v1/automation/workflow-rules/${id}`],
      ['PATCH', `/api/v1/automation/workflow-rules/${id}`],
      ['POST', `/api/v1/automation/workflow-rules/${id}/enable`],
      ['DELETE', `/api/v1/automation/workflow-rules/${id}`],
    ] as const) {
      const response = await t.request(method, url, { as: stranger, ...(method === 'PATCH' ? { body: { name: 'Suya' } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(
      (await t.request('POST', `/api/v1/automation/workflow-rules/${id}/test`, { as: reader, body: { recordId: id } })).statusCode,
    ).toBe(403);
    // A profile that names the key may build rules; the rule then acts in its creator's name.
    const builder = await t.make.user(admin, {
      profileId: await profile('Automation builders', { '*': ALL, automation: { ...NONE, read: true, create: true } }),
    });
    const built = await t.request('POST', '/api/v1/automation/workflow-rules', { as: builder, body });
    expect(built.statusCode, built.body).toBe(201);
    expect(built.data.ownerId).toBe(builder.userId);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${built.data.id}`, { as: builder });
    const theirs = await t.request('GET', `/api/v1/automation/workflow-rules`, { as: stranger });
    expect(theirs.data.data).toEqual([]);
    expect((await t.request('GET', `/api/v1/automation/executions?ruleId=${id}`, { as: stranger })).data.data).toEqual([]);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });
});

describe('running rules', () => {
  it('runs on create when the criteria match, logs both outcomes, and runs once per event', async () => {
    const id = await rule({
      name: 'Calientes a contactado',
      module: 'leads',
      trigger: 'create',
      criteria: HOT,
      actions: [
        { type: 'field_update', field: 'lead_status', value: 'contacted' },
        { type: 'task', subject: 'Llamar a {{first_name}} {{last_name}}', assignTo: 'owner', dueInDays: 1, priority: 'high' },
      ],
    });
    const hot = await createLead(admin, { first_name: 'Ana', last_name: 'Caliente', rating: 'hot' });
    const cold = await createLead(admin, { first_name: 'Luis', last_name: 'Frío', rating: 'cold' });
    const [done] = await waitFor(async () => {
      const found = await executions(`ruleId=${id}&recordId=${hot}`);
      return found.length > 0 && found[0]!.status !== 'running' ? found : null;
    }, 'the execution');
    expect(done).toMatchObject({ trigger: 'create', matched: true, status: 'done', depth: 0, recordName: 'Ana Caliente' });
    expect(done!.actions.map((a: { type: string; status: string }) => `${a.type}:${a.status}`)).toEqual(['field_update:done', 'task:done']);
    expect(done!.actions[0].detail).toMatchObject({ field: 'lead_status', from: 'not_contacted', to: 'contacted' });
    expect((await lead(hot)).lead_status).toBe('contacted');
    const tasks = await tasksOf(hot);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ subject: 'Llamar a Ana Caliente', owner_id: admin.userId, related_module: 'leads', priority: 'high' });

    const [skipped] = await waitFor(async () => {
      const found = await executions(`ruleId=${id}&recordId=${cold}`);
      return found.length > 0 ? found : null;
    }, 'the skipped execution');
    expect(skipped).toMatchObject({ matched: false, status: 'skipped', actions: [], recordName: 'Luis Frío' });
    expect((await lead(cold)).lead_status).toBe('not_contacted');
    // A record deleted since keeps its log, nameless.
    expect((await t.request('DELETE', `/api/v1/records/leads/${cold}`, { as: admin })).statusCode).toBe(204);
    expect((await executions(`ruleId=${id}&recordId=${cold}`))[0]).toMatchObject({ recordId: cold, recordName: null });

    // The log in pages: newest first, a cursor to the next page, a bad cursor refused.
    const first = await t.request('GET', `/api/v1/automation/executions?ruleId=${id}&limit=1`, { as: admin });
    expect(first.data.data).toHaveLength(1);
    expect(first.data.nextCursor).toEqual(expect.any(String));
    const second = await t.request('GET', `/api/v1/automation/executions?ruleId=${id}&limit=1&cursor=${first.data.nextCursor}`, {
      as: admin,
    });
    expect(second.data.data).toHaveLength(1);
    expect(second.data.data[0].id).not.toBe(first.data.data[0].id);
    expect(second.data.nextCursor).toBeNull();
    const badCursor = await t.request('GET', '/api/v1/automation/executions?cursor=nonsense', { as: admin });
    expect(badCursor.statusCode).toBe(400);

    // The same event delivered again (a crash before the bookkeeping): nothing more happens.
    const event = await eventOf('record.created', hot);
    const engine = getWorkflowEngine(t.app.ctx);
    await engine.handleEvent(event);
    await engine.handleEvent(event);
    expect(await tasksOf(hot)).toHaveLength(1);
    expect(await executions(`ruleId=${id}&recordId=${hot}`)).toHaveLength(1);
    const timeline = await t.request('GET', `/api/v1/records/leads/${hot}/timeline`, { as: admin });
    const updates = timeline.data.data.filter((entry: { kind: string }) => entry.kind === 'updated');
    expect(updates).toHaveLength(1);

    // Past the retention, the log goes (the daily job); recent executions stay.
    const schema = (
      await t.database.query<{ schema_name: string }>('SELECT schema_name FROM platform.organizations WHERE id = $1', [admin.orgId])
    ).rows[0]!.schema_name;
    await t.database.query(`UPDATE "${schema}".automation_executions SET created_at = now() - interval '91 days' WHERE record_id = $1`, [
      cold,
    ]);
    expect(await pruneExecutions(t.app.ctx)).toBeGreaterThanOrEqual(1);
    expect(await executions(`ruleId=${id}&recordId=${cold}`)).toEqual([]);
    expect(await executions(`ruleId=${id}&recordId=${hot}`)).toHaveLength(1);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });

  it('fires on a named field’s update only', async () => {
    const id = await rule({
      name: 'Al cambiar valoración',
      module: 'leads',
      trigger: 'field_update',
      triggerField: 'rating',
      actions: [{ type: 'field_update', field: 'description', value: 'Valoración revisada' }],
    });
    const other = await createLead(admin, { rating: 'cold' });
    await t.request('PATCH', `/api/v1/records/leads/${other}`, { as: admin, body: { company: 'Acme' } });
    await t.request('PATCH', `/api/v1/records/leads/${other}`, { as: admin, body: { rating: 'warm' } });
    await waitFor(async () => (await lead(other)).description === 'Valoración revisada', 'the field update');
    const log = await executions(`ruleId=${id}&recordId=${other}`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ trigger: 'field_update', status: 'done' });

    // Off means off at once (the rules kept in memory are dropped), and on again means on.
    await t.request('POST', `/api/v1/automation/workflow-rules/${id}/disable`, { as: admin });
    await t.request('PATCH', `/api/v1/records/leads/${other}`, { as: admin, body: { rating: 'hot', description: null } });
    await t.app.ctx.events.drain();
    expect(await executions(`ruleId=${id}&recordId=${other}`)).toHaveLength(1);
    await t.request('POST', `/api/v1/automation/workflow-rules/${id}/enable`, { as: admin });
    await t.request('PATCH', `/api/v1/records/leads/${other}`, { as: admin, body: { rating: 'cold' } });
    await waitFor(async () => (await executions(`ruleId=${id}&recordId=${other}`)).length === 2, 'the run after enabling');
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });

  it('stops a chain of rule-caused updates at depth 5, with the reason logged', async () => {
    const flipToWarm = await rule({
      name: 'Caliente → templado',
      module: 'leads',
      trigger: 'field_update',
      triggerField: 'rating',
      criteria: HOT,
      actions: [{ type: 'field_update', field: 'rating', value: 'warm' }],
    });
    const flipToHot = await rule({
      name: 'Templado → caliente',
      module: 'leads',
      trigger: 'field_update',
      triggerField: 'rating',
      criteria: { field: 'rating', op: 'eq', value: 'warm' },
      actions: [{ type: 'field_update', field: 'rating', value: 'hot' }],
    });
    const id = await createLead(admin, { rating: 'cold' });
    await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: admin, body: { rating: 'hot' } });
    const stopped = await waitFor(
      async () => (await executions(`recordId=${id}`)).find((e) => e.status === 'stopped'),
      'the stopped execution',
    );
    expect(stopped.depth).toBe(5);
    expect(stopped.reason).toContain('5');
    const all = await executions(`recordId=${id}`);
    const applied = all.filter((e) => e.status === 'done');
    expect(applied).toHaveLength(5);
    expect(applied.map((e) => e.depth).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(Math.max(...all.map((e) => e.depth))).toBe(5);
    // Settled: no more changes come.
    await t.app.ctx.events.drain();
    expect(await executions(`recordId=${id}`)).toHaveLength(all.length);
    expect((await lead(id)).rating).toBe('warm');
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${flipToWarm}`, { as: admin });
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${flipToHot}`, { as: admin });
  });

  it('schedules actions and drops them when the record no longer matches', async () => {
    const id = await rule({
      name: 'Seguimiento en una hora',
      module: 'leads',
      trigger: 'create',
      criteria: HOT,
      scheduled: [{ when: { after: 60 }, actions: [{ type: 'task', subject: 'Seguimiento', assignTo: 'owner' }] }],
    });
    const cooled = await createLead(admin, { rating: 'hot' });
    const still = await createLead(admin, { rating: 'hot' });
    const jobFor = (recordId: string) =>
      waitFor(async () => {
        const { rows } = await t.database.query<{ data: any; start_after: Date }>(
          `SELECT data, start_after FROM pgboss.job WHERE name = 'automation.workflow-scheduled' AND data->>'recordId' = $1`,
          [recordId],
        );
        return rows[0];
      }, 'the scheduled job');
    const job = await jobFor(cooled);
    expect(job.start_after.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    const [first] = await executions(`ruleId=${id}&recordId=${cooled}`);
    expect(first!.actions).toEqual([expect.objectContaining({ type: 'schedule', status: 'scheduled' })]);

    await t.request('PATCH', `/api/v1/records/leads/${cooled}`, { as: admin, body: { rating: 'cold' } });
    const engine = getWorkflowEngine(t.app.ctx);
    await engine.runScheduled(job.data);
    const afterDue = await executions(`ruleId=${id}&recordId=${cooled}`);
    expect(afterDue[0]).toMatchObject({
      trigger: 'scheduled',
      matched: false,
      status: 'skipped',
      reason: 'The record does not meet the criteria.',
    });
    expect(await tasksOf(cooled)).toHaveLength(0);

    const stillJob = await jobFor(still);
    await engine.runScheduled(stillJob.data);
    await engine.runScheduled(stillJob.data); // a job run twice
    expect(await tasksOf(still)).toHaveLength(1);
    const ran = await executions(`ruleId=${id}&recordId=${still}`);
    expect(ran.map((e) => `${e.trigger}:${e.status}`)).toEqual(['scheduled:done', 'create:done']);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });

  it('schedules relative to a date field in the organization’s time zone', async () => {
    const id = await rule({
      name: 'Tres días antes del cierre',
      module: 'deals',
      trigger: 'create_or_edit',
      scheduled: [
        { when: { field: 'close_date', days: -3, time: '09:30' }, actions: [{ type: 'task', subject: 'Cierre cerca', assignTo: 'owner' }] },
      ],
    });
    await t.request('PATCH', '/api/v1/organization', { as: admin, body: { timeZone: 'Europe/Madrid' } });
    const deal = await t.request('POST', '/api/v1/records/deals', {
      as: admin,
      body: { name: 'Grande', stage: 'qualification', close_date: '2099-07-10' },
    });
    expect(deal.statusCode, deal.body).toBe(201);
    const [run] = await waitFor(async () => {
      const found = await executions(`ruleId=${id}&recordId=${deal.data.data.id}`);
      return found.length > 0 && found[0]!.status !== 'running' ? found : null;
    }, 'the execution');
    // 2099-07-07 09:30 in Madrid (summer time, UTC+2).
    expect(run!.actions[0]).toMatchObject({ type: 'schedule', status: 'scheduled', detail: { dueAt: '2099-07-07T07:30:00.000Z' } });
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });

  it('tests a rule on a record without doing anything', async () => {
    const id = await rule({
      name: 'Prueba',
      module: 'leads',
      trigger: 'edit',
      criteria: HOT,
      actions: [
        { type: 'field_update', field: 'lead_status', value: 'contacted' },
        // A value the field takes, refused by the record (the last name is required).
        { type: 'field_update', field: 'last_name', value: null },
        { type: 'task', subject: 'Llamar', assignTo: 'owner' },
        { type: 'email', to: 'owner', subject: 'Hola {{last_name}}', body: 'Texto' },
      ],
    });
    const hot = await createLead(admin, { last_name: 'Probado', rating: 'hot' });
    const cold = await createLead(admin, { rating: 'cold' });
    const result = await t.request('POST', `/api/v1/automation/workflow-rules/${id}/test`, { as: admin, body: { recordId: hot } });
    expect(result.statusCode, result.body).toBe(200);
    expect(result.data.matched).toBe(true);
    expect(result.data.actions.map((a: { status: string }) => a.status)).toEqual(['would', 'failed', 'would', 'would']);
    expect(result.data.actions[3].detail).toMatchObject({ to: [admin.email], subject: 'Hola Probado' });
    expect((await lead(hot)).lead_status).toBe('not_contacted');
    expect(await tasksOf(hot)).toHaveLength(0);
    expect(await executions(`ruleId=${id}`)).toHaveLength(0);

    const miss = await t.request('POST', `/api/v1/automation/workflow-rules/${id}/test`, { as: admin, body: { recordId: cold } });
    expect(miss.data).toMatchObject({ matched: false, actions: [] });
    const foreign = await createLead(stranger, { rating: 'hot' });
    const hidden = await t.request('POST', `/api/v1/automation/workflow-rules/${id}/test`, { as: admin, body: { recordId: foreign } });
    expect(hidden.statusCode).toBe(404);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${id}`, { as: admin });
  });
});
