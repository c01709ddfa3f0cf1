import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { getRecords } from '../../records/index.js';
import { createEscalationRunner } from './escalation.runner.js';

let t: TestContext;
let admin: TestUser;
let agent: TestUser;
let manager: TestUser;
let director: TestUser;
let named: TestUser;
let runner: ReturnType<typeof createEscalationRunner>;
// Thursday 2027-01-14 17:00 in Madrid; business hours 09:00–18:00 on weekdays.
const now = new Date('2027-01-14T16:00:00Z');
const RULES = '/api/v1/automation/escalation-rules';

async function api(method: 'POST' | 'PATCH' | 'PUT', url: string, body: unknown, as = admin) {
  const response = await t.request(method, url, { as, body });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.data;
}

async function escalatedNotifications(user: TestUser) {
  const response = await t.request('GET', '/api/v1/notifications', { as: user });
  expect(response.statusCode).toBe(200);
  return (response.data.data as Array<{ kind: string; title: string; link: string }>).filter((n) => n.kind === 'case.escalated');
}

beforeAll(async () => {
  t = await createTestContext();
  t.app.ctx.now = () => now;
  const { metadata, records } = getRecords(t.app.ctx);
  runner = createEscalationRunner(t.app.ctx, { metadata, records });
  admin = await t.make.org();
  await api('PATCH', '/api/v1/organization', {
    businessHours: { days: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' })) },
  });
  await api('PUT', '/api/v1/settings/case-sla', { policies: { urgent: 120, low: 60 } });
  const ceo = (await api('POST', '/api/v1/roles', { name: 'Dirección' })).id;
  const lead = (await api('POST', '/api/v1/roles', { name: 'Jefe de soporte', parentId: ceo })).id;
  const middle = (await api('POST', '/api/v1/roles', { name: 'Coordinación (vacante)', parentId: lead })).id;
  const support = (await api('POST', '/api/v1/roles', { name: 'Soporte', parentId: middle })).id;
  agent = await t.make.user(admin, { roleId: support });
  manager = await t.make.user(admin, { roleId: lead });
  director = await t.make.user(admin, { roleId: ceo });
  named = await t.make.user(admin);
});
afterAll(() => t.close());

describe('case escalation rules API', () => {
  it('creates, reads, changes and deletes; bad input 400, second active 409, others 403, another organization 404', async () => {
    const body = { name: 'Urgentes', levels: [{ afterMinutes: 0, target: { type: 'manager' } }] };
    const created = await t.request('POST', RULES, { as: admin, body: { ...body, active: false } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data).toMatchObject({ name: 'Urgentes', active: false, criteria: null });
    const changed = await t.request('PATCH', `${RULES}/${created.data.id}`, { as: admin, body: { name: 'Todos' } });
    expect(changed.data.name).toBe('Todos');
    expect((await t.request('GET', RULES, { as: admin })).data.data).toHaveLength(1);

    const bad = async (extra: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', RULES, { as: admin, body: { ...body, active: false, ...extra } });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error.details)).toContain(field);
    };
    await bad({ criteria: { field: 'nope', op: 'eq', value: 1 } }, 'criteria');
    await bad(
      { levels: [{ afterMinutes: 0, target: { type: 'user', userId: '00000000-0000-4000-8000-000000000000' } }] },
      'levels.0.target.userId',
    );
    await bad({ levels: [] }, 'levels');
    await bad({ levels: [{ afterMinutes: -5, target: { type: 'manager' } }] }, 'levels');

    const active = await t.request('POST', RULES, { as: admin, body });
    expect(active.statusCode).toBe(201);
    expect((await t.request('POST', RULES, { as: admin, body })).statusCode).toBe(409);

    expect((await t.request('GET', RULES, { as: agent })).statusCode).toBe(403);
    expect((await t.request('POST', RULES, { as: agent, body })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/automation/case-escalations', { as: agent })).statusCode).toBe(403);
    const stranger = await t.make.org();
    expect((await t.request('GET', `${RULES}/${created.data.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('DELETE', `${RULES}/${created.data.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', RULES, { as: stranger })).data.data).toEqual([]);

    expect((await t.request('DELETE', `${RULES}/${created.data.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('DELETE', `${RULES}/${active.data.id}`, { as: admin })).statusCode).toBe(204);
    const audit = await t.database.db.selectFrom('platform.audit_log').select('action').where('target_id', '=', created.data.id).execute();
    expect(audit.map((row) => row.action).sort()).toEqual([
      'escalation_rule.created',
      'escalation_rule.deleted',
      'escalation_rule.updated',
    ]);
  });
});

describe('case escalation', () => {
  it('escalates overdue cases level by level in business hours, to the managers up the roles and a named user, each level once', async () => {
    await api('POST', RULES, {
      name: 'Urgentes y altas',
      criteria: { field: 'priority', op: 'in', value: ['urgent', 'high'] },
      levels: [
        { afterMinutes: 0, target: { type: 'manager' } },
        { afterMinutes: 480, target: { type: 'manager' } },
        { afterMinutes: 60, target: { type: 'user', userId: named.userId }, notifyOwner: true },
      ],
    });
    const urgent = (
      await api('POST', '/api/v1/records/cases', { subject: 'Caída del servicio', priority: 'urgent', owner_id: agent.userId })
    ).data;
    // 17:00 + 2 business hours = Friday 10:00 Madrid.
    expect(urgent.sla_due_at).toBe('2027-01-15T09:00:00.000Z');
    const low = (await api('POST', '/api/v1/records/cases', { subject: 'Duda', priority: 'low', owner_id: agent.userId })).data;
    const solved = (await api('POST', '/api/v1/records/cases', { subject: 'Resuelto', priority: 'urgent', owner_id: agent.userId })).data;
    await api('PATCH', `/api/v1/records/cases/${solved.id}`, { status: 'resolved' });

    expect(await runner.runAll(new Date('2027-01-15T08:59:00Z'))).toBe(0);
    // Level 1 at the due time: the first role above the agent's with someone active (the vacant one is passed).
    // Two runs at once (two nodes, a job retried): the level escalates once.
    const at = new Date('2027-01-15T09:01:00Z');
    const [first, second] = await Promise.all([runner.runAll(at), runner.runAll(at)]);
    expect(first + second).toBe(1);
    expect(await runner.runAll(new Date('2027-01-15T09:05:00Z'))).toBe(0);
    const told = await escalatedNotifications(manager);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ link: `/records/cases/${urgent.id}` });
    expect(told[0]!.title).toContain('nivel 1');
    expect(await escalatedNotifications(director)).toHaveLength(0);

    // Level 2: 8 business hours later = Friday 18:00 Madrid.
    expect(await runner.runAll(new Date('2027-01-15T16:59:00Z'))).toBe(0);
    expect(await runner.runAll(new Date('2027-01-16T10:00:00Z'))).toBe(1);
    expect(await escalatedNotifications(director)).toHaveLength(1);
    // Level 3: one business hour later, over the weekend = Monday 10:00 Madrid.
    expect(await runner.runAll(new Date('2027-01-17T20:00:00Z'))).toBe(0);
    expect(await runner.runAll(new Date('2027-01-18T09:01:00Z'))).toBe(1);
    expect(await escalatedNotifications(named)).toHaveLength(1);
    expect(await escalatedNotifications(agent)).toHaveLength(1);
    expect(await runner.runAll(new Date('2027-01-25T09:00:00Z'))).toBe(0);

    const log = await t.request('GET', `/api/v1/automation/case-escalations?caseId=${urgent.id}`, { as: admin });
    expect(log.data.data.map((e: { level: number; escalatedTo: string[] }) => [e.level, e.escalatedTo])).toEqual([
      [3, [named.userId]],
      [2, [director.userId]],
      [1, [manager.userId]],
    ]);
    // The low case is past its SLA but outside the criteria; the solved one is not open.
    const all = await t.request('GET', '/api/v1/automation/case-escalations', { as: admin });
    expect(all.data.data.every((e: { caseId: string }) => e.caseId === urgent.id)).toBe(true);
    expect(low.id).not.toBe(urgent.id);
    // A case whose owner has no role above: the administrators are told (levels 1 and 2; level 3 names a user).
    const orphan = (await api('POST', '/api/v1/records/cases', { subject: 'Sin jefe', priority: 'urgent', owner_id: named.userId })).data;
    expect(await runner.runAll(new Date('2027-01-26T09:00:00Z'))).toBe(3);
    const toAdmin = (await escalatedNotifications(admin)).filter((n) => n.link === `/records/cases/${orphan.id}`);
    expect(toAdmin).toHaveLength(2);
    const timeline = await t.request('GET', `/api/v1/records/cases/${urgent.id}/timeline`, { as: admin });
    expect(timeline.data.data.filter((e: { kind: string }) => e.kind === 'escalated')).toHaveLength(3);
  });
});

describe('escalation that changes the case (AUT-7)', () => {
  it('reassigns the case to the manager escalated to and raises its priority, through the records service; bad changes 400', async () => {
    const boss = await t.make.org();
    const call = async (method: 'POST' | 'PUT', url: string, body: unknown) => {
      const response = await t.request(method, url, { as: boss, body });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.data;
    };
    await call('PUT', '/api/v1/settings/case-sla', { policies: { urgent: 60, medium: 480 } });
    const top = (await call('POST', '/api/v1/roles', { name: 'Dirección' })).id;
    const lead = (await call('POST', '/api/v1/roles', { name: 'Jefatura', parentId: top })).id;
    const desk = (await call('POST', '/api/v1/roles', { name: 'Soporte', parentId: lead })).id;
    const director = await t.make.user(boss, { name: 'Dora Directora', roleId: top });
    const chief = await t.make.user(boss, { name: 'Jaime Jefe', roleId: lead });
    const agent = await t.make.user(boss, { name: 'Ana Agente', roleId: desk });

    const levels = [
      { afterMinutes: 0, target: { type: 'manager' }, reassign: true, setFields: [{ field: 'priority', value: 'urgent' }] },
      // Counted from the new owner: one role above the chief.
      { afterMinutes: 60, target: { type: 'manager' } },
    ];
    const bad = async (level: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', RULES, {
        as: boss,
        body: { name: 'X', active: false, levels: [{ ...levels[0], ...level }] },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error.details)).toContain(field);
    };
    await bad({ setFields: [{ field: 'nope', value: 1 }] }, 'levels.0.setFields.0.field');
    await bad({ setFields: [{ field: 'priority', value: 'apocalyptic' }] }, 'levels.0.setFields.0.value');
    await bad({ setFields: [{ field: 'owner_id', value: chief.userId }] }, 'levels.0.setFields.0.field');
    await bad({ setFields: [{ field: 'created_at', value: null }] }, 'levels.0.setFields.0.field');
    await bad({ setFields: [{ field: 'status' }] }, 'levels.0.setFields.0.value');
    await bad(
      {
        setFields: [
          { field: 'priority', value: 'urgent' },
          { field: 'priority', value: 'low' },
        ],
      },
      'levels.0.setFields.1.field',
    );
    await bad({ reassign: 'yes' }, 'levels');
    // Without the permission key: 403, whatever the level does.
    expect((await t.request('POST', RULES, { as: agent, body: { name: 'X', levels } })).statusCode).toBe(403);

    const rule = await call('POST', RULES, { name: 'Reasignar', levels });
    expect(rule.levels[0]).toMatchObject({ reassign: true, setFields: [{ field: 'priority', value: 'urgent' }] });
    const kase = (await call('POST', '/api/v1/records/cases', { subject: 'Sin servicio', priority: 'medium', owner_id: agent.userId }))
      .data;
    // The top of the tree: nobody above, the administrators are told and the case keeps its owner.
    const topCase = (await call('POST', '/api/v1/records/cases', { subject: 'Arriba', priority: 'medium', owner_id: director.userId }))
      .data;

    await runner.runAll(new Date('2027-03-01T12:00:00Z'));
    const changed = (await t.request('GET', `/api/v1/records/cases/${kase.id}`, { as: boss })).data.data;
    expect(changed).toMatchObject({ owner_id: chief.userId, priority: 'urgent' });
    const log = await t.request('GET', `/api/v1/automation/case-escalations?caseId=${kase.id}`, { as: boss });
    expect(log.data.data.map((e: { level: number; escalatedTo: string[] }) => [e.level, e.escalatedTo])).toEqual([
      [2, [director.userId]],
      [1, [chief.userId]],
    ]);
    const told = await escalatedNotifications(chief);
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toContain('nivel 1');
    const timeline = (await t.request('GET', `/api/v1/records/cases/${kase.id}/timeline`, { as: boss })).data.data as Array<{
      kind: string;
      data: Record<string, unknown>;
    }>;
    expect(timeline.find((entry) => entry.kind === 'escalated' && entry.data.level === 1)?.data).toMatchObject({
      reassignedTo: chief.userId,
      set: { priority: 'urgent' },
    });
    // The change itself is an ordinary edit: on the timeline, with its record.updated event.
    expect(timeline.some((entry) => entry.kind === 'updated')).toBe(true);
    const { rows } = await t.database.query<{ payload: Record<string, any> }>(
      `SELECT payload FROM platform.outbox WHERE type = 'record.updated' AND payload->>'id' = $1`,
      [kase.id],
    );
    expect(rows.map((row) => row.payload.changes)).toContainEqual(
      expect.objectContaining({ owner_id: { from: agent.userId, to: chief.userId }, priority: { from: 'medium', to: 'urgent' } }),
    );

    const kept = (await t.request('GET', `/api/v1/records/cases/${topCase.id}`, { as: boss })).data.data;
    expect(kept).toMatchObject({ owner_id: director.userId, priority: 'urgent' });
    expect((await escalatedNotifications(boss)).some((n) => n.link === `/records/cases/${topCase.id}`)).toBe(true);
  });
});
