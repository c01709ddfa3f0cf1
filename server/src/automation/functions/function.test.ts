import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';

let t: TestContext;
let admin: TestUser;
let reader: TestUser;
let nobody: TestUser;
let stranger: TestUser;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

async function profile(as: TestUser, name: string, modules: Record<string, Record<string, boolean>>) {
  const response = await t.request('POST', '/api/v1/profiles', { as, body: { name, modules } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function createLead(as: TestUser, body: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', { as, body: { last_name: 'Prueba', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function createFunction(body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', '/api/v1/automation/functions', { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data as { id: string } & Record<string, unknown>;
}

const lead = async (id: string) => (await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin })).data.data;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  reader = await t.make.user(admin, {
    profileId: await profile(admin, 'Automation readers', { '*': ALL, automation: { ...NONE, read: true } }),
  });
  nobody = await t.make.user(admin, { profileId: await profile(admin, 'No automation', { '*': ALL }) });
  stranger = await t.make.org();
});
afterAll(() => t.close());

describe('custom functions API', () => {
  it('creates with the default limits, reads, changes, lists and deletes a function', async () => {
    const created = await createFunction({ name: ' Sync ', code: 'return 1;', allowedHosts: ['API.Example.com'] });
    expect(created).toMatchObject({
      name: 'Sync',
      timeoutMs: 10_000,
      memoryMb: 128,
      allowedHosts: ['api.example.com'],
      ownerId: admin.userId,
    });

    const changed = await t.request('PATCH', `/api/v1/automation/functions/${created.id}`, {
      as: admin,
      body: { timeoutMs: 2000, memoryMb: 32, description: 'Sincroniza' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data).toMatchObject({ timeoutMs: 2000, memoryMb: 32, description: 'Sincroniza', code: 'return 1;' });

    const list = await t.request('GET', '/api/v1/automation/functions', { as: reader });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((f: { id: string }) => f.id)).toContain(created.id);

    expect((await t.request('DELETE', `/api/v1/automation/functions/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/automation/functions/${created.id}`, { as: admin })).statusCode).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/automation/functions',
        '/api/v1/automation/functions/{id}',
        '/api/v1/automation/functions/{id}/test',
        '/api/v1/automation/functions/{id}/runs',
        '/api/v1/automation/schedules',
        '/api/v1/automation/schedules/{id}/run',
        '/api/v1/automation/schedules/{id}/runs',
      ]),
    );
  });

  it('refuses code that does not compile, naming the line, and stores nothing', async () => {
    const response = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: { name: 'Broken', code: 'const a = 1;\nconst b = ;\nreturn a;' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.data.error.message).toMatch(/line 2/);
    expect(response.data.error.details).toMatchObject({ field: 'code', line: 2 });
    const list = await t.request('GET', '/api/v1/automation/functions', { as: admin });
    expect(list.data.data.map((f: { name: string }) => f.name)).not.toContain('Broken');
  });

  it('refuses limits above the maximum, a bad host, a duplicate name and an unknown owner', async () => {
    const over = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: { name: 'Big', code: 'return 1', memoryMb: 512 },
    });
    expect(over.statusCode).toBe(400);
    const slow = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: { name: 'Slow', code: 'return 1', timeoutMs: 60_000 },
    });
    expect(slow.statusCode).toBe(400);
    const host = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: { name: 'Host', code: 'return 1', allowedHosts: ['https://x.com/path'] },
    });
    expect(host.statusCode).toBe(400);
    await createFunction({ name: 'Twice', code: 'return 1' });
    const twice = await t.request('POST', '/api/v1/automation/functions', { as: admin, body: { name: 'twice', code: 'return 2' } });
    expect(twice.statusCode).toBe(409);
    const owner = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: { name: 'Owner', code: 'return 1', ownerId: stranger.userId },
    });
    expect(owner.statusCode).toBe(400);
  });

  it('needs the automation permission; another organization sees none of it', async () => {
    const fn = await createFunction({ name: 'Private', code: 'return 1' });
    expect((await t.request('GET', '/api/v1/automation/functions', { as: nobody })).statusCode).toBe(403);
    expect(
      (await t.request('POST', '/api/v1/automation/functions', { as: nobody, body: { name: 'X', code: 'return 1' } })).statusCode,
    ).toBe(403);
    expect(
      (await t.request('POST', '/api/v1/automation/functions', { as: reader, body: { name: 'X', code: 'return 1' } })).statusCode,
    ).toBe(403);
    expect((await t.request('POST', `/api/v1/automation/functions/${fn.id}/test`, { as: reader, body: {} })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/automation/functions/${fn.id}`, { as: stranger })).statusCode).toBe(404);
    expect(
      (await t.request('PATCH', `/api/v1/automation/functions/${fn.id}`, { as: stranger, body: { code: 'return 2' } })).statusCode,
    ).toBe(404);
    expect((await t.request('DELETE', `/api/v1/automation/functions/${fn.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/automation/functions/${fn.id}/test`, { as: stranger, body: {} })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/automation/functions/${fn.id}`, { as: admin })).data.code).toBe('return 1');
  });

  it('tests a function on a lead: its result and logs come back, its record writes are rolled back', async () => {
    const id = await createLead(admin, { company: 'Acme', lead_status: 'not_contacted' });
    const fn = await createFunction({
      name: 'Contactar',
      code: [
        "clave.log('lead', input.record.company);",
        "const updated = await clave.records.update('leads', input.record.id, { lead_status: 'contacted' });",
        "const found = await clave.records.query('leads', { field: 'company', op: 'eq', value: 'Acme' }, 5);",
        'return { status: updated.lead_status, found: found.length, trigger: input.trigger };',
      ].join('\n'),
    });
    const response = await t.request('POST', `/api/v1/automation/functions/${fn.id}/test`, {
      as: admin,
      body: { module: 'leads', recordId: id },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data).toMatchObject({
      status: 'done',
      result: { status: 'contacted', found: 1, trigger: 'test' },
      logs: ['lead Acme'],
      error: null,
    });
    expect(response.data.durationMs).toBeGreaterThan(0);
    expect((await lead(id)).lead_status).toBe('not_contacted');

    const missing = await t.request('POST', `/api/v1/automation/functions/${fn.id}/test`, {
      as: admin,
      body: { module: 'leads', recordId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(missing.statusCode).toBe(404);
    const half = await t.request('POST', `/api/v1/automation/functions/${fn.id}/test`, { as: admin, body: { recordId: id } });
    expect(half.statusCode).toBe(400);
  });

  it('runs as a workflow action that updates the record, and logs the run', async () => {
    const fn = await createFunction({
      name: 'Calificar',
      code: [
        "clave.log('rating', input.record.rating, Object.keys(input.changes ?? {}).length);",
        "await clave.records.update('leads', input.record.id, { lead_status: 'contacted', description: 'Calificado por función' });",
        'return { ok: true };',
      ].join('\n'),
    });
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Función al crear',
        module: 'leads',
        trigger: 'create',
        criteria: { and: [{ field: 'rating', op: 'eq', value: 'hot' }] },
        actions: [
          { type: 'custom_function', functionId: fn.id },
          { type: 'task', subject: 'Llamar a {{last_name}}', assignTo: 'owner' },
        ],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const id = await createLead(admin, { rating: 'hot', last_name: 'Caliente' });
    const updated = await waitFor(async () => ((await lead(id)).lead_status === 'contacted' ? lead(id) : null), 'the function’s update');
    expect(updated.description).toBe('Calificado por función');

    const executions = await t.request('GET', `/api/v1/automation/executions?recordId=${id}`, { as: admin });
    const execution = executions.data.data.find((e: { ruleId: string }) => e.ruleId === rule.data.id);
    expect(execution).toMatchObject({ status: 'done' });
    expect(execution.actions[0]).toMatchObject({
      type: 'custom_function',
      status: 'done',
      detail: { result: { ok: true }, logs: ['rating hot 0'] },
    });

    const runs = await t.request('GET', `/api/v1/automation/functions/${fn.id}/runs`, { as: reader });
    expect(runs.statusCode).toBe(200);
    expect(runs.data.data[0]).toMatchObject({ trigger: 'workflow', recordId: id, status: 'done', logs: ['rating hot 0'] });

    const unknown = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Sin función',
        module: 'leads',
        trigger: 'create',
        actions: [{ type: 'custom_function', functionId: '00000000-0000-4000-8000-000000000000' }],
      },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.error.details.field).toBe('actions[0].functionId');
  });

  it('a failed function in a workflow leaves no write behind and says why', async () => {
    const fn = await createFunction({
      name: 'Falla',
      code: "await clave.records.update('leads', input.record.id, { lead_status: 'contacted' });\nthrow new Error('sin datos');",
    });
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Falla al crear',
        module: 'leads',
        trigger: 'create',
        criteria: { and: [{ field: 'rating', op: 'eq', value: 'cold' }] },
        actions: [{ type: 'custom_function', functionId: fn.id }],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const id = await createLead(admin, { rating: 'cold', lead_status: 'not_contacted' });
    const execution = await waitFor(async () => {
      const response = await t.request('GET', `/api/v1/automation/executions?recordId=${id}&ruleId=${rule.data.id}`, { as: admin });
      return response.data.data[0];
    }, 'the execution');
    expect(execution.status).toBe('failed');
    expect(execution.actions[0]).toMatchObject({ type: 'custom_function', status: 'failed' });
    expect(execution.actions[0].error).toMatch(/sin datos \(line 2\)/);
    expect((await lead(id)).lead_status).toBe('not_contacted');
  });
});
