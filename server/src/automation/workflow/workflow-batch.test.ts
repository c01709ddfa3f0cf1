import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';
import { getWorkflowEngine } from '../index.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';

/**
 * Record events reach the workflow engine in batches (an import's thousands): the criteria are checked per rule for
 * the whole batch, the field updates of the record itself run set-wise, one write per record, and the log must still
 * say, per rule and record, what a run one record at a time would have said.
 */
let t: TestContext;
let admin: TestUser;
let standard: TestUser;

async function rule(body: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/automation/workflow-rules', {
    as: admin,
    body: { module: 'leads', trigger: 'create', ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

/** Leads created in one request: their record.created events are handled together. */
async function createLeads(records: Array<Record<string, unknown>>): Promise<string[]> {
  const response = await t.request('POST', '/api/v1/records/leads/bulk', { as: admin, body: { mode: 'create', records } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.data.data as Array<{ id: string }>).map((result) => result.id);
}

async function executionsOf(recordId: string, as: TestUser = admin) {
  const response = await t.request('GET', `/api/v1/automation/executions?recordId=${recordId}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

async function events(type: string, ids: string[]): Promise<DomainEvent[]> {
  const { rows } = await t.database.query<{ id: string; type: string; org_id: string; payload: Record<string, unknown>; created_at: Date }>(
    `SELECT id, type, org_id, payload, created_at FROM platform.outbox WHERE type = $1 AND payload->>'id' = ANY($2) ORDER BY id`,
    [type, ids],
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    orgId: row.org_id,
    payload: row.payload,
    createdAt: row.created_at,
    attempt: 2,
  }));
}

/** Handles every pending event, the ones their handling causes included. */
async function settle() {
  for (let round = 0; round < 20; round++) if ((await t.app.ctx.events.drain()) === 0) return;
}

const lead = async (id: string) => (await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin })).data.data;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  standard = await t.make.user(admin);
});
afterAll(() => t.close());

describe('workflow rules over a batch of record events', () => {
  it('writes each record once for every field-update rule it met, logs each rule apart, and does nothing more on a second delivery', async () => {
    const hot = await rule({
      name: 'Calientes',
      criteria: { field: 'rating', op: 'eq', value: 'hot' },
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    });
    const madrid = await rule({
      name: 'Madrid',
      criteria: { field: 'city', op: 'eq', value: 'Madrid' },
      actions: [
        { type: 'field_update', field: 'state', value: 'Comunidad de Madrid' },
        { type: 'field_update', field: 'industry', value: 'retail' },
      ],
    });
    const task = await rule({
      name: 'Tarea',
      criteria: { field: 'rating', op: 'eq', value: 'hot' },
      actions: [{ type: 'task', subject: 'Llamar a {{last_name}}', assignTo: 'owner' }],
    });
    const [both, onlyHot, neither, already] = await createLeads([
      { last_name: 'Ambos', rating: 'hot', city: 'Madrid' },
      { last_name: 'Caliente', rating: 'hot', city: 'Soria' },
      { last_name: 'Ninguno', rating: 'cold', city: 'Soria' },
      { last_name: 'Ya', rating: 'cold', city: 'Madrid', state: 'Comunidad de Madrid', industry: 'retail' },
    ]);
    const finished = async (id: string) => {
      const logged = await executionsOf(id);
      return logged.length === 3 && logged.every((execution) => execution.status !== 'running');
    };
    for (const id of [both!, onlyHot!, neither!, already!])
      await waitFor(() => finished(id), 'every rule to be logged, finished, for each lead');

    expect(await lead(both!)).toMatchObject({ lead_status: 'contacted', state: 'Comunidad de Madrid', industry: 'retail' });
    expect(await lead(onlyHot!)).toMatchObject({ lead_status: 'contacted', state: null, industry: null });
    expect(await lead(neither!)).toMatchObject({ lead_status: 'not_contacted', state: null });
    // One write for the two rules: one record.updated event holding the three fields.
    const updates = await events('record.updated', [both!]);
    const ruleWrites = updates.filter((event) => event.payload.automationDepth === 1 && 'state' in (event.payload.changes as object));
    expect(ruleWrites).toHaveLength(1);
    expect(Object.keys(ruleWrites[0]!.payload.changes as object).sort()).toEqual(['industry', 'lead_status', 'state']);

    // Each rule's execution tells its own outcome, as a run one record at a time would.
    const logged = await executionsOf(both!);
    const byRule = new Map(logged.map((execution) => [execution.ruleId, execution]));
    expect(byRule.get(hot)).toMatchObject({
      status: 'done',
      matched: true,
      actions: [{ type: 'field_update', status: 'done', detail: { field: 'lead_status', from: 'not_contacted', to: 'contacted' } }],
    });
    expect(byRule.get(madrid)).toMatchObject({
      status: 'done',
      actions: [
        { type: 'field_update', status: 'done', detail: { field: 'state', from: null, to: 'Comunidad de Madrid' } },
        { type: 'field_update', status: 'done', detail: { field: 'industry' } },
      ],
    });
    expect(byRule.get(task)).toMatchObject({ status: 'done', actions: [{ type: 'task', status: 'done' }] });
    expect((await executionsOf(neither!)).map((execution) => execution.status)).toEqual(['skipped', 'skipped', 'skipped']);
    // A record that already holds a rule's values: logged done, each field unchanged, and nothing written.
    expect(new Map((await executionsOf(already!)).map((execution) => [execution.ruleId, execution])).get(madrid)).toMatchObject({
      status: 'done',
      matched: true,
      actions: [
        { type: 'field_update', status: 'unchanged', detail: { field: 'state' } },
        { type: 'field_update', status: 'unchanged', detail: { field: 'industry' } },
      ],
    });
    expect(await events('record.updated', [already!])).toHaveLength(0);

    // The same events again, together (a redelivery after a crash): nothing is written or logged twice.
    const created = await events('record.created', [both!, onlyHot!, neither!]);
    const failures = await getWorkflowEngine(t.app.ctx).handleEvents(created);
    expect(failures.size).toBe(0);
    expect(await events('record.updated', [both!])).toHaveLength(updates.length);
    expect(await executionsOf(both!)).toHaveLength(logged.length);
    const tasks = await t.request('POST', '/api/v1/records/tasks/query', {
      as: admin,
      body: { filter: { field: 'related_id', op: 'eq', value: both } },
    });
    expect(tasks.data.data).toHaveLength(1);
  });

  it('runs the records one by one when one of them refuses the values, so that only its execution fails', async () => {
    const org = await t.make.org();
    const validation = await t.request('POST', '/api/v1/modules/leads/validation-rules', {
      as: org,
      body: {
        name: 'Contactado con empresa',
        condition: {
          and: [
            { field: 'lead_status', op: 'eq', value: 'contacted' },
            { field: 'company', op: 'is_empty' },
          ],
        },
        message: 'Un posible cliente contactado necesita empresa.',
      },
    });
    expect(validation.statusCode, validation.body).toBe(201);
    const created = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: org,
      body: {
        name: 'Web → contactado',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'lead_source', op: 'eq', value: 'web' },
        actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const bulk = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: org,
      body: {
        mode: 'create',
        records: [
          { last_name: 'Con empresa', company: 'Zylker', lead_source: 'web' },
          { last_name: 'Sin empresa', lead_source: 'web' },
          { last_name: 'Otra', company: 'Acme', lead_source: 'web' },
        ],
      },
    });
    const [good, refused, other] = (bulk.data.data as Array<{ id: string }>).map((result) => result.id);
    const log = (id: string) => executionsOf(id, org);
    await waitFor(async () => (await log(other!)).some((execution) => execution.status !== 'running'), 'the rule to run');
    await waitFor(async () => (await log(refused!)).some((execution) => execution.status !== 'running'), 'the refused one to be logged');

    const read = async (id: string) => (await t.request('GET', `/api/v1/records/leads/${id}`, { as: org })).data.data;
    expect((await read(good!)).lead_status).toBe('contacted');
    expect((await read(other!)).lead_status).toBe('contacted');
    expect((await read(refused!)).lead_status).toBe('not_contacted');
    expect(await log(refused!)).toMatchObject([
      { status: 'failed', actions: [{ type: 'field_update', status: 'failed', error: expect.stringContaining('necesita empresa') }] },
    ]);
    expect(await log(good!)).toMatchObject([{ status: 'done' }]);
  });

  it('makes the tasks of task rules together, each execution logging its own; one refused task fails only its execution', async () => {
    const org = await t.make.org();
    const validation = await t.request('POST', '/api/v1/modules/tasks/validation-rules', {
      as: org,
      body: { name: 'Sin rechazos', condition: { field: 'subject', op: 'contains', value: 'Rechazado' }, message: 'Ese asunto no vale.' },
    });
    expect(validation.statusCode, validation.body).toBe(201);
    const created = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: org,
      body: {
        name: 'Llamar',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'lead_source', op: 'eq', value: 'web' },
        actions: [
          { type: 'task', subject: 'Llamar a {{last_name}}', assignTo: 'owner', dueInDays: 2 },
          { type: 'task', subject: 'Escribir a {{last_name}}', assignTo: 'owner', priority: 'high' },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const bulk = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: org,
      body: {
        mode: 'create',
        records: [
          { last_name: 'Uno', company: 'Zylker', lead_source: 'web' },
          { last_name: 'Dos', company: 'Acme', lead_source: 'web' },
          { last_name: 'Tres', company: 'Acme', lead_source: 'cold_call' },
        ],
      },
    });
    expect(bulk.statusCode, bulk.body).toBe(200);
    const [one, two, three] = (bulk.data.data as Array<{ id: string }>).map((result) => result.id);
    await settle();
    const tasksOf = async (id: string) =>
      (
        await t.request('POST', '/api/v1/records/tasks/query', {
          as: org,
          body: { filter: { field: 'related_id', op: 'eq', value: id }, sort: [{ field: 'subject', direction: 'asc' }] },
        })
      ).data.data as Array<Record<string, any>>;
    const log = (id: string) => executionsOf(id, org);
    const ones = await tasksOf(one!);
    expect(ones.map((task) => [task.subject, task.priority, task.owner_id])).toEqual([
      ['Escribir a Uno', 'high', org.userId],
      ['Llamar a Uno', 'normal', org.userId],
    ]);
    expect(ones.find((task) => task.subject === 'Llamar a Uno')!.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const [execution] = await log(one!);
    expect(execution).toMatchObject({ status: 'done', matched: true, trigger: 'create' });
    expect(execution!.actions.map((action: any) => [action.type, action.status, action.detail.subject])).toEqual([
      ['task', 'done', 'Llamar a Uno'],
      ['task', 'done', 'Escribir a Uno'],
    ]);
    expect(new Set(execution!.actions.map((action: any) => action.detail.taskId))).toEqual(new Set(ones.map((task) => task.id)));
    const twos = await tasksOf(two!);
    expect(twos).toHaveLength(2);
    expect(await tasksOf(three!)).toHaveLength(0);
    // Made by one write: the four tasks share their creation time (one by one, each would have its own).
    expect(new Set([...ones, ...twos].map((task) => task.created_at)).size).toBe(1);

    // A second delivery of the same events makes no task twice.
    const again = await getWorkflowEngine(t.app.ctx).handleEvents(await events('record.created', [one!, two!]));
    expect(again.size).toBe(0);
    expect(await tasksOf(one!)).toHaveLength(2);

    // One refused task: the batch runs one by one, and only that execution fails.
    const refusedBatch = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: org,
      body: {
        mode: 'create',
        records: [
          { last_name: 'Bueno', company: 'Zylker', lead_source: 'web' },
          { last_name: 'Rechazado', company: 'Acme', lead_source: 'web' },
        ],
      },
    });
    const [good, refused] = (refusedBatch.data.data as Array<{ id: string }>).map((result) => result.id);
    await settle();
    expect(await tasksOf(good!)).toHaveLength(2);
    expect(await tasksOf(refused!)).toHaveLength(0);
    expect(await log(good!)).toMatchObject([{ status: 'done' }]);
    expect(await log(refused!)).toMatchObject([
      {
        status: 'failed',
        actions: [
          { type: 'task', status: 'failed', error: expect.stringContaining('no vale') },
          { type: 'task', status: 'failed', error: expect.stringContaining('no vale') },
        ],
      },
    ]);
  });

  it('logs, for a change a rule made, only the rules that acted; a person’s change logs every rule it set off', async () => {
    const org = await t.make.org();
    const make = async (body: Record<string, unknown>) => {
      const created = await t.request('POST', '/api/v1/automation/workflow-rules', { as: org, body: { module: 'leads', ...body } });
      expect(created.statusCode, created.body).toBe(201);
      return created.data.id as string;
    };
    const contacted = await make({
      name: 'Web → contactado',
      trigger: 'create',
      criteria: { field: 'lead_source', op: 'eq', value: 'web' },
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    });
    const soria = await make({
      name: 'Soria → tarea',
      trigger: 'edit',
      criteria: { field: 'city', op: 'eq', value: 'Soria' },
      actions: [{ type: 'task', subject: 'Visitar', assignTo: 'owner' }],
    });
    const web = await make({
      name: 'Web → descripción',
      trigger: 'create_or_edit',
      criteria: { field: 'lead_source', op: 'eq', value: 'web' },
      actions: [{ type: 'field_update', field: 'description', value: 'Llegó por la web' }],
    });
    const created = await t.request('POST', '/api/v1/records/leads', {
      as: org,
      body: { last_name: 'Web', company: 'Zylker', lead_source: 'web', city: 'Madrid' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.data.data.id as string;
    const log = () => executionsOf(id, org);
    await settle();
    // The rules' write (depth 1) set off the edit rules: one did not match, the other found its value there. Neither is logged.
    const afterCreate = await log();
    expect(afterCreate.map((execution) => [execution.ruleId, execution.trigger, execution.status]).sort()).toEqual(
      [
        [contacted, 'create', 'done'],
        [web, 'create', 'done'],
      ].sort(),
    );
    const edited = await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: org, body: { phone: '+34 600 000 001' } });
    expect(edited.statusCode, edited.body).toBe(200);
    await settle();
    const afterEdit = (await log()).filter((execution) => execution.trigger === 'edit');
    expect(new Map(afterEdit.map((execution) => [execution.ruleId, execution]))).toEqual(
      new Map([
        [soria, expect.objectContaining({ status: 'skipped', matched: false, depth: 0 })],
        [web, expect.objectContaining({ status: 'done', matched: true, actions: [expect.objectContaining({ status: 'unchanged' })] })],
      ]),
    );
  });

  it('tells administrators how much deciding which rules run costs per event, on this node', async () => {
    const answer = await t.request('GET', '/api/v1/automation/stats', { as: admin });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.data.evaluation.events).toBeGreaterThanOrEqual(3);
    expect(answer.data.evaluation.medianMicros).toBeGreaterThan(0);
    expect(answer.data.evaluation.p95Micros).toBeGreaterThanOrEqual(answer.data.evaluation.medianMicros);
    expect((await t.request('GET', '/api/v1/automation/stats', { as: standard })).statusCode).toBe(403);
    expect((await t.request('DELETE', '/api/v1/automation/stats', { as: standard })).statusCode).toBe(403);
    expect((await t.request('DELETE', '/api/v1/automation/stats', { as: admin })).statusCode).toBe(204);
    const reset = await t.request('GET', '/api/v1/automation/stats', { as: admin });
    expect(reset.data.evaluation).toEqual({ events: 0, batches: 0, medianMicros: null, p95Micros: null });
  });
});
