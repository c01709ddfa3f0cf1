import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { getScheduleRunner } from './index.js';
import { nextRunAfter } from './schedule.calendar.js';

let t: TestContext;
let admin: TestUser;
let reader: TestUser;
let nobody: TestUser;
let stranger: TestUser;
let timeZone: string;
let schema: string;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

async function profile(name: string, modules: Record<string, Record<string, boolean>>) {
  const response = await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function createLead(body: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', {
    as: admin,
    body: { last_name: 'Prueba', ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function schedule(body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', '/api/v1/automation/schedules', { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data as Record<string, any>;
}

async function tasks(filter: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/tasks/query', { as: admin, body: { filter, limit: 100 } });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

/** Moves a schedule's next run into the past: the next tick finds it due. */
async function makeDue(id: string) {
  await t.database.query(`UPDATE "${schema}".automation_schedules SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [id]);
}

const local = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  reader = await t.make.user(admin, { profileId: await profile('Automation readers', { '*': ALL, automation: { ...NONE, read: true } }) });
  nobody = await t.make.user(admin, { profileId: await profile('No automation', { '*': ALL }) });
  stranger = await t.make.org();
  const { rows } = await t.database.query<{ time_zone: string; schema_name: string }>(
    'SELECT time_zone, schema_name FROM platform.organizations WHERE id = $1',
    [admin.orgId],
  );
  timeZone = rows[0]!.time_zone;
  schema = rows[0]!.schema_name;
});
afterAll(() => t.close());

describe('schedule times', () => {
  it('computes daily, weekly, monthly and once in the time zone', () => {
    const after = new Date('2026-01-30T12:00:00Z'); // a Friday
    const base = { run_on: null, weekdays: [], month_day: null };
    expect(nextRunAfter({ ...base, frequency: 'daily', time: '09:00' }, after, 'Europe/Madrid')?.toISOString()).toBe(
      '2026-01-31T08:00:00.000Z',
    );
    expect(nextRunAfter({ ...base, frequency: 'daily', time: '14:00' }, after, 'Europe/Madrid')?.toISOString()).toBe(
      '2026-01-30T13:00:00.000Z',
    );
    expect(nextRunAfter({ ...base, frequency: 'weekly', time: '08:30', weekdays: [1, 3] }, after, 'Europe/Madrid')?.toISOString()).toBe(
      '2026-02-02T07:30:00.000Z',
    );
    expect(nextRunAfter({ ...base, frequency: 'monthly', time: '07:00', month_day: 31 }, after, 'UTC')?.toISOString()).toBe(
      '2026-01-31T07:00:00.000Z',
    );
    expect(
      nextRunAfter({ ...base, frequency: 'monthly', time: '07:00', month_day: 31 }, new Date('2026-02-01T00:00:00Z'), 'UTC')?.toISOString(),
    ).toBe('2026-02-28T07:00:00.000Z');
    // Summer time: 09:00 in Madrid is 07:00 UTC in July.
    expect(nextRunAfter({ ...base, frequency: 'once', time: '09:00', run_on: '2026-07-01' }, after, 'Europe/Madrid')?.toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(nextRunAfter({ ...base, frequency: 'once', time: '09:00', run_on: '2025-07-01' }, after, 'Europe/Madrid')).toBeNull();
  });
});

describe('schedules API', () => {
  it('creates, shows the next run, changes, disables, enables and deletes a schedule', async () => {
    const created = await schedule({
      name: ' Semanal ',
      frequency: 'weekly',
      weekdays: [5, 1, 1],
      time: '08:15',
      module: 'leads',
      criteria: { and: [{ field: 'rating', op: 'eq', value: 'warm' }] },
      actions: [{ type: 'task', subject: 'Revisar {{last_name}}', assignTo: 'owner' }],
    });
    expect(created).toMatchObject({ name: 'Semanal', weekdays: [1, 5], enabled: true, ownerId: admin.userId });
    expect(new Date(created.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(local(created.nextRunAt)).toMatch(/^(Mon|Fri) \d\d, 08:15$/);

    const monthly = await t.request('PATCH', `/api/v1/automation/schedules/${created.id}`, {
      as: admin,
      body: { frequency: 'monthly', monthDay: 3, time: '10:00' },
    });
    expect(monthly.statusCode, monthly.body).toBe(200);
    expect(local(monthly.data.nextRunAt)).toMatch(/ 03, 10:00$/);

    const off = await t.request('POST', `/api/v1/automation/schedules/${created.id}/disable`, { as: admin });
    expect(off.data).toMatchObject({ enabled: false, nextRunAt: null });
    const on = await t.request('POST', `/api/v1/automation/schedules/${created.id}/enable`, { as: admin });
    expect(on.data.enabled).toBe(true);
    expect(on.data.nextRunAt).not.toBeNull();

    const list = await t.request('GET', '/api/v1/automation/schedules', { as: reader });
    expect(list.data.data.map((s: { id: string }) => s.id)).toContain(created.id);
    expect((await t.request('DELETE', `/api/v1/automation/schedules/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/automation/schedules/${created.id}`, { as: admin })).statusCode).toBe(404);
  });

  it('refuses a bad schedule with the part named, and stores nothing', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', '/api/v1/automation/schedules', {
        as: admin,
        body: { name: 'Mal', time: '09:00', ...body },
      });
      expect(response.statusCode, response.body).toBe(400);
      if (field) expect(response.data.error.details?.field ?? '').toContain(field);
    };
    const task = { type: 'task', subject: 'X', assignTo: 'owner' };
    await bad({ frequency: 'weekly', module: 'leads', actions: [task] }, 'weekdays');
    await bad({ frequency: 'monthly', module: 'leads', actions: [task] }, 'monthDay');
    await bad({ frequency: 'once', date: '2020-01-01', module: 'leads', actions: [task] }, 'date');
    await bad({ frequency: 'daily', actions: [task] }, 'module');
    await bad({ frequency: 'daily', module: 'leads' }, 'actions');
    await bad({ frequency: 'daily', module: 'leads', actions: [{ type: 'field_update', field: 'nope', value: 1 }] }, 'actions[0].field');
    await bad({ frequency: 'daily', module: 'leads', criteria: { field: 'nope', op: 'eq', value: 1 }, actions: [task] }, 'criteria');
    await bad({ frequency: 'daily', functionId: '00000000-0000-4000-8000-000000000000' }, 'functionId');
    await bad({ frequency: 'daily', time: '25:00', module: 'leads', actions: [task] }, '');
    const list = await t.request('GET', '/api/v1/automation/schedules', { as: admin });
    expect(list.data.data.filter((s: { name: string }) => s.name === 'Mal')).toEqual([]);
  });

  it('needs the automation permission; another organization sees none of it', async () => {
    const mine = await schedule({
      name: 'Privada',
      frequency: 'daily',
      time: '07:00',
      module: 'leads',
      actions: [{ type: 'task', subject: 'X', assignTo: 'owner' }],
    });
    expect((await t.request('GET', '/api/v1/automation/schedules', { as: nobody })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/automation/schedules/${mine.id}/run`, { as: reader })).statusCode).toBe(403);
    expect((await t.request('PATCH', `/api/v1/automation/schedules/${mine.id}`, { as: reader, body: { time: '08:00' } })).statusCode).toBe(
      403,
    );
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/runs'],
      ['POST', '/run'],
      ['POST', '/disable'],
      ['DELETE', ''],
    ] as const)
      expect((await t.request(method, `/api/v1/automation/schedules/${mine.id}${path}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/automation/schedules', { as: stranger })).data.data).toEqual([]);
  });
});

describe('schedule runs', () => {
  it('acts once on each matching record, even when its job runs twice', async () => {
    const cold = [await createLead({ rating: 'cold', last_name: 'Uno' }), await createLead({ rating: 'cold', last_name: 'Dos' })];
    const hot = await createLead({ rating: 'hot', last_name: 'Tres' });
    const created = await schedule({
      name: 'Fríos a contactar',
      frequency: 'daily',
      time: '06:00',
      module: 'leads',
      criteria: { and: [{ field: 'rating', op: 'eq', value: 'cold' }] },
      actions: [
        { type: 'field_update', field: 'lead_status', value: 'contacted' },
        { type: 'task', subject: 'Llamar a {{last_name}} (programado)', assignTo: 'owner' },
      ],
    });
    await makeDue(created.id);
    const runner = getScheduleRunner(t.app.ctx);
    const [runId, ...others] = await runner.tick();
    expect(runId).toBeDefined();
    expect(others).toEqual([]);
    // A second tick finds nothing due: the schedule moved to its next time.
    expect(await runner.tick()).toEqual([]);
    // The job delivered twice (and the background worker may run it too): each record once.
    await Promise.all([
      runner.runOne({ orgId: admin.orgId, schema, runId: runId! }),
      runner.runOne({ orgId: admin.orgId, schema, runId: runId! }),
    ]);
    await runner.runOne({ orgId: admin.orgId, schema, runId: runId! });

    for (const id of cold) {
      const lead = await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin });
      expect(lead.data.data.lead_status).toBe('contacted');
      expect(await tasks({ field: 'related_id', op: 'eq', value: id })).toHaveLength(1);
    }
    expect(await tasks({ field: 'related_id', op: 'eq', value: hot })).toHaveLength(0);

    const runs = await t.request('GET', `/api/v1/automation/schedules/${created.id}/runs`, { as: reader });
    expect(runs.statusCode).toBe(200);
    expect(runs.data.data).toHaveLength(1);
    expect(runs.data.data[0]).toMatchObject({ id: runId, status: 'done', matched: 2, succeeded: 2, failed: 0, manual: false });
    const after = await t.request('GET', `/api/v1/automation/schedules/${created.id}`, { as: admin });
    expect(new Date(after.data.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(after.data.lastRunAt).not.toBeNull();
  });

  it('runs a custom function on its own, once per run; run now adds a run', async () => {
    const fn = await t.request('POST', '/api/v1/automation/functions', {
      as: admin,
      body: {
        name: 'Informe',
        code:
          "clave.log('schedule', input.source.name);\nawait clave.records.create('tasks', { subject: 'Informe semanal', owner_id: '" +
          admin.userId +
          "' });\nreturn 'ok';",
      },
    });
    expect(fn.statusCode, fn.body).toBe(201);
    const created = await schedule({ name: 'Informe semanal', frequency: 'weekly', weekdays: [1], time: '07:00', functionId: fn.data.id });
    expect((await t.request('DELETE', `/api/v1/automation/functions/${fn.data.id}`, { as: admin })).statusCode).toBe(409);

    const now = await t.request('POST', `/api/v1/automation/schedules/${created.id}/run`, { as: admin });
    expect(now.statusCode, now.body).toBe(202);
    const runner = getScheduleRunner(t.app.ctx);
    await runner.runOne({ orgId: admin.orgId, schema, runId: now.data.runId });
    await runner.runOne({ orgId: admin.orgId, schema, runId: now.data.runId });
    expect(await tasks({ field: 'subject', op: 'eq', value: 'Informe semanal' })).toHaveLength(1);
    const runs = await t.request('GET', `/api/v1/automation/schedules/${created.id}/runs`, { as: admin });
    expect(runs.data.data[0]).toMatchObject({ status: 'done', matched: 1, succeeded: 1, manual: true });
    const fnRuns = await t.request('GET', `/api/v1/automation/functions/${fn.data.id}/runs`, { as: admin });
    expect(fnRuns.data.data[0]).toMatchObject({ trigger: 'schedule', status: 'done', result: 'ok', logs: ['schedule Informe semanal'] });
  });
});
