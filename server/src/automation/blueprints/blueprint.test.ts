import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';
import { multipartBody } from '../../test/multipart.js';
import { getRecords } from '../../records/index.js';
import { createBlueprintEngine } from './blueprint.engine.js';
import { createBlueprintRunner } from './blueprint.runner.js';

/**
 * Blueprints (AUT-4) through the API: definitions checked against the metadata, the article's lead qualification
 * taken step by step (required fields, notes, the field lock, the actions after, the time limit), who and criteria,
 * and the approval lock. Record events run for real; the time-limit job is called with a later clock.
 */
let t: TestContext;
let admin: TestUser;
let rep: TestUser;
let viewer: TestUser;
let stranger: TestUser;

const BLUEPRINTS = '/api/v1/automation/blueprints';
const RECORDS = '/api/v1/automation/blueprint-records';
const HOUR = 3_600_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-blueprints-'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

async function ok(response: { statusCode: number; body: string; data: any }, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  return response.data;
}

async function createLead(as: TestUser, body: Record<string, unknown>): Promise<string> {
  return (await ok(await t.request('POST', '/api/v1/records/leads', { as, body }), 201)).data.id;
}

const panel = async (as: TestUser, id: string) => ok(await t.request('GET', `${RECORDS}/leads/${id}`, { as }));
const take = (as: TestUser, id: string, transition: string, body: Record<string, unknown> = {}) =>
  t.request('POST', `${RECORDS}/leads/${id}/transitions/${transition}`, { as, body });
const leadOf = async (id: string) => (await ok(await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin }))).data;

/** A small Blueprint on leads.rating: cold → warm (only named users) → hot (the owner, for Acme only). */
const ratingBlueprint = (extra: Record<string, unknown> = {}) => ({
  name: 'Temperatura',
  module: 'leads',
  field: 'rating',
  definition: {
    states: [{ value: 'cold' }, { value: 'warm', position: { x: 200, y: 0 } }, { value: 'hot' }],
    transitions: [
      { id: 'warm_up', name: 'Calentar', from: ['cold'], to: 'warm', before: { who: { users: [] as string[] } } },
      {
        id: 'heat',
        name: 'Caliente',
        from: ['warm'],
        to: 'hot',
        before: { who: { owner: true }, criteria: { field: 'company', op: 'eq', value: 'Acme' } },
      },
    ],
  },
  ...extra,
});

beforeAll(async () => {
  t = await createTestContext({ dataDir });
  admin = await t.make.org();
  rep = await t.make.user(admin, { name: 'Rita Comercial' });
  viewer = await t.make.user(admin, { name: 'Víctor Mira' });
  stranger = await t.make.org({ organization: 'Otra SL' });
  // Everyone sees every lead; only the owner (and administrators) change it.
  await ok(await t.request('PUT', '/api/v1/sharing/leads', { as: admin, body: { access: 'public_read' } }));
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Attaches a small PDF to a lead; returns the file's id. */
async function attach(as: TestUser, id: string): Promise<string> {
  const { body, contentType } = await multipartBody({}, { name: 'llamada.pdf', content: PDF, type: 'application/pdf' });
  const response = await t.request('POST', `/api/v1/records/leads/${id}/attachments`, {
    as,
    body,
    headers: { 'content-type': contentType },
  });
  return (await ok(response, 201)).id;
}

describe('Blueprint definitions', () => {
  it('creates, reads, changes and deletes; bad input 400 naming the part; 403 without the key; other organizations see nothing', async () => {
    const created = await ok(await t.request('POST', BLUEPRINTS, { as: admin, body: ratingBlueprint() }), 201);
    expect(created).toMatchObject({ name: 'Temperatura', module: 'leads', field: 'rating', enabled: false, criteria: null });
    expect(created.owner).toEqual({ id: admin.userId, name: expect.any(String) });
    expect(created.definition.states[1]).toEqual({ value: 'warm', position: { x: 200, y: 0 } });
    expect((await ok(await t.request('GET', BLUEPRINTS, { as: admin }))).items.map((b: any) => b.id)).toContain(created.id);
    const renamed = await ok(await t.request('PATCH', `${BLUEPRINTS}/${created.id}`, { as: admin, body: { name: 'Temperatura 2' } }));
    expect(renamed).toMatchObject({ name: 'Temperatura 2', field: 'rating' });

    const bad = async (body: Record<string, unknown>, field: string | RegExp) => {
      const response = await t.request('POST', BLUEPRINTS, { as: admin, body });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.field).toMatch(field);
    };
    const definition = ratingBlueprint().definition;
    await bad(ratingBlueprint({ field: 'company' }), 'field');
    await bad(ratingBlueprint({ field: 'nope' }), 'field');
    await bad(ratingBlueprint({ module: 'nope' }), 'module');
    await bad(ratingBlueprint({ definition: { ...definition, states: [{ value: 'tepid' }] } }), 'definition.states[0].value');
    await bad(
      ratingBlueprint({ definition: { ...definition, transitions: [{ ...definition.transitions[0]!, to: 'hot', from: ['boiling'] }] } }),
      'definition.transitions[0].from[0]',
    );
    await bad(
      ratingBlueprint({ definition: { states: definition.states.slice(0, 2), transitions: [definition.transitions[1]!] } }),
      'definition.transitions[0].to',
    );
    await bad(
      ratingBlueprint({ definition: { ...definition, transitions: [definition.transitions[0]!, definition.transitions[0]!] } }),
      'definition.transitions[1].id',
    );
    await bad(
      ratingBlueprint({
        definition: { ...definition, transitions: [{ ...definition.transitions[0]!, during: { requiredFields: ['no_such_field'] } }] },
      }),
      'definition.transitions[0].during.requiredFields[0]',
    );
    await bad(
      ratingBlueprint({
        definition: {
          ...definition,
          transitions: [{ ...definition.transitions[0]!, after: [{ type: 'task', subject: 'x', assignTo: 'user' }] }],
        },
      }),
      /^definition\.transitions\[0\]\.after\[0\]/,
    );
    await bad(
      ratingBlueprint({
        definition: {
          ...definition,
          transitions: [{ ...definition.transitions[0]!, before: { criteria: { field: 'no_such_field', op: 'eq', value: 1 } } }],
        },
      }),
      /^definition\.transitions\[0\]\.before\.criteria/,
    );
    await bad(
      ratingBlueprint({
        definition: { ...definition, states: [{ value: 'cold', escalation: { notify: 'owner' } }, ...definition.states.slice(1)] },
      }),
      'definition.states[0].timeLimitHours',
    );
    await bad(ratingBlueprint({ criteria: { field: 'no_such_field', op: 'eq', value: 1 } }), /^criteria/);
    // Shapes the schema refuses: a transition id with spaces, no states.
    const badId = ratingBlueprint({ definition: { ...definition, transitions: [{ ...definition.transitions[0]!, id: 'Bad Id' }] } });
    expect((await t.request('POST', BLUEPRINTS, { as: admin, body: badId })).statusCode).toBe(400);
    expect(
      (await t.request('POST', BLUEPRINTS, { as: admin, body: ratingBlueprint({ definition: { states: [], transitions: [] } }) }))
        .statusCode,
    ).toBe(400);

    // Without the profile key: 403; another organization: 404 and an empty list.
    expect((await t.request('GET', BLUEPRINTS, { as: rep })).statusCode).toBe(403);
    expect((await t.request('POST', BLUEPRINTS, { as: rep, body: ratingBlueprint() })).statusCode).toBe(403);
    expect((await t.request('POST', `${BLUEPRINTS}/${created.id}/enable`, { as: rep })).statusCode).toBe(403);
    expect((await t.request('GET', `${BLUEPRINTS}/${created.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('PATCH', `${BLUEPRINTS}/${created.id}`, { as: stranger, body: { name: 'x' } })).statusCode).toBe(404);
    expect((await ok(await t.request('GET', BLUEPRINTS, { as: stranger }))).items).toEqual([]);

    expect((await t.request('DELETE', `${BLUEPRINTS}/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `${BLUEPRINTS}/${created.id}`, { as: admin })).statusCode).toBe(404);
  });

  it('allows one enabled Blueprint per field (409 for a second)', async () => {
    const first = await ok(await t.request('POST', BLUEPRINTS, { as: admin, body: ratingBlueprint({ enabled: true }) }), 201);
    const second = await ok(await t.request('POST', BLUEPRINTS, { as: admin, body: ratingBlueprint({ name: 'Otra' }) }), 201);
    const twice = await t.request('POST', BLUEPRINTS, { as: admin, body: ratingBlueprint({ enabled: true }) });
    expect(twice.statusCode).toBe(409);
    expect(twice.data.error.details).toMatchObject({ reason: 'blueprint_enabled', blueprintId: first.id });
    expect((await t.request('POST', `${BLUEPRINTS}/${second.id}/enable`, { as: admin })).statusCode).toBe(409);
    expect((await ok(await t.request('POST', `${BLUEPRINTS}/${first.id}/disable`, { as: admin }))).enabled).toBe(false);
    expect((await ok(await t.request('POST', `${BLUEPRINTS}/${second.id}/enable`, { as: admin }))).enabled).toBe(true);
    for (const id of [first.id, second.id]) await ok(await t.request('DELETE', `${BLUEPRINTS}/${id}`, { as: admin }), 204);
  });
});

describe('the lead qualification of the article', () => {
  let blueprintId: string;

  it('is offered as an example and installs enabled', async () => {
    const examples = await ok(await t.request('GET', `${BLUEPRINTS}/examples`, { as: admin }));
    expect(examples.items[0]).toMatchObject({ key: 'lead_qualification', module: 'leads', field: 'lead_status' });
    const installed = await ok(await t.request('POST', `${BLUEPRINTS}/examples/lead_qualification`, { as: admin }), 201);
    expect(installed).toMatchObject({ name: 'Cualificación de posibles clientes', enabled: true });
    expect(installed.definition.transitions.map((tr: any) => tr.name)).toEqual([
      'Sin respuesta',
      'Contactado',
      'No interesado',
      'Sin futuro',
      'Cualificado',
    ]);
    expect((await t.request('POST', `${BLUEPRINTS}/examples/nope`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('POST', `${BLUEPRINTS}/examples/lead_qualification`, { as: rep })).statusCode).toBe(403);
    blueprintId = installed.id;
  });

  it('takes a lead from not contacted to qualified, with the lock, the checks, the history, the actions and the time limit', async () => {
    const id = await createLead(rep, { last_name: 'García', first_name: 'Ana', company: 'Acme', lead_status: 'not_contacted' });
    const first = await waitFor(async () => {
      const view = await panel(rep, id);
      return view.state?.value === 'not_contacted' ? view : undefined;
    }, 'the lead in its first state');
    expect(first.blueprint).toMatchObject({ id: blueprintId, field: 'lead_status', fieldLabel: 'Estado' });
    expect(first.state).toMatchObject({ label: 'No contactado', dueAt: null, overdue: false });
    expect(first.transitions.map((tr: any) => tr.id)).toEqual(['attempted', 'contacted']);
    expect(first.transitions[1]).toMatchObject({
      name: 'Contactado',
      toLabel: 'Contactado',
      note: 'optional',
      requiredFields: [{ apiName: 'phone', label: 'Teléfono', type: 'phone', required: true }],
    });

    // Someone who sees the lead but may not change it: no transitions, 403 when trying. Another organization: 404.
    expect((await panel(viewer, id)).transitions).toEqual([]);
    expect((await take(viewer, id, 'attempted', { note: 'x' })).statusCode).toBe(403);
    expect((await t.request('GET', `${RECORDS}/leads/${id}`, { as: stranger })).statusCode).toBe(404);
    expect((await take(stranger, id, 'attempted', { note: 'x' })).statusCode).toBe(404);

    // The field changes only through transitions; other fields as usual.
    const direct = await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: rep, body: { lead_status: 'qualified' } });
    expect(direct.statusCode).toBe(409);
    expect(direct.data.error.details).toMatchObject({ reason: 'blueprint_field', blueprintId });
    expect(direct.data.error.message).toContain('Blueprint');
    expect((await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: admin, body: { lead_status: 'junk' } })).statusCode).toBe(409);
    await ok(
      await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: rep, body: { title: 'Gerente', lead_status: 'not_contacted' } }),
    );
    const mass = await ok(
      await t.request('POST', '/api/v1/records/leads/mass-update', { as: admin, body: { ids: [id], values: { lead_status: 'junk' } } }),
    );
    expect(mass.data?.[0] ?? mass[0]).toMatchObject({ status: 'error' });
    expect((await leadOf(id)).lead_status).toBe('not_contacted');

    // Bad input: unknown transition 404, bad id 400, a missing required field or note 400 (nothing changes).
    expect((await take(rep, id, 'nope')).statusCode).toBe(404);
    expect((await take(rep, id, 'BAD_ID')).statusCode).toBe(400);
    const noPhone = await take(rep, id, 'contacted');
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.data.error.details.fields).toEqual(['phone']);
    expect((await take(rep, id, 'contacted', { values: { phone: '600 000 000', industry: 'technology' } })).statusCode).toBe(400);
    const noNote = await take(rep, id, 'attempted');
    expect(noNote.statusCode).toBe(400);
    expect(noNote.data.error.details.fields).toEqual(['note']);
    expect((await leadOf(id)).lead_status).toBe('not_contacted');

    // No answer: a note, a 24-hour time limit.
    const attempted = await ok(await take(rep, id, 'attempted', { note: 'No contesta' }));
    expect(attempted.state).toMatchObject({ value: 'attempted', label: 'Intento de contacto', overdue: false });
    const limit = Date.parse(attempted.state.dueAt) - Date.parse(attempted.state.enteredAt);
    expect(limit).toBe(24 * HOUR);
    expect(attempted.history[0]).toMatchObject({
      transitionName: 'Sin respuesta',
      from: 'not_contacted',
      fromLabel: 'No contactado',
      to: 'attempted',
      note: 'No contesta',
      user: { id: rep.userId, name: 'Rita Comercial' },
    });
    expect(attempted.transitions.map((tr: any) => tr.id)).toEqual(['attempted', 'contacted']);
    // Someone else moved it meanwhile: a transition from the old state is 409.
    expect((await take(rep, id, 'junk', { note: 'x' })).statusCode).toBe(409);

    // The time limit passes: the owner is reminded once, the escalation's task is created.
    const runner = createBlueprintRunner(t.app.ctx, { engine: createBlueprintEngine(t.app.ctx, getRecords(t.app.ctx)) });
    const later = new Date(Date.parse(attempted.state.dueAt) + HOUR);
    expect(await runner.runOrg(admin.orgId, await schemaOf(admin), new Date(Date.parse(attempted.state.dueAt) - HOUR))).toBe(0);
    expect(await runner.runOrg(admin.orgId, await schemaOf(admin), later)).toBe(1);
    expect(await runner.runOrg(admin.orgId, await schemaOf(admin), later)).toBe(0);
    const notes = (await ok(await t.request('GET', '/api/v1/notifications', { as: rep }))).data.filter(
      (n: any) => n.kind === 'blueprint.overdue',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: 'Plazo vencido: Ana García', link: `/records/leads/${id}` });
    const clock = t.app.ctx.now;
    t.app.ctx.now = () => later;
    try {
      expect((await panel(rep, id)).state.overdue).toBe(true);
    } finally {
      t.app.ctx.now = clock;
    }
    const log = await ok(await t.request('GET', `/api/v1/automation/executions?recordId=${id}`, { as: admin }));
    const escalation = log.data.find((e: any) => e.trigger === 'blueprint.time_limit');
    expect(escalation).toMatchObject({ ruleId: blueprintId, status: 'done' });
    expect(escalation.actions[0]).toMatchObject({ type: 'task', status: 'done' });

    // Contacted: the phone asked for is stored with the state.
    const contacted = await ok(await take(rep, id, 'contacted', { values: { phone: '+34 600 111 222' }, note: 'Hablamos' }));
    expect(contacted.state).toMatchObject({ value: 'contacted', dueAt: null });
    expect(contacted.transitions.map((tr: any) => tr.id)).toEqual(['not_interested', 'junk', 'qualified']);
    expect(await leadOf(id)).toMatchObject({ lead_status: 'contacted', phone: '+34 600 111 222' });

    // Qualified: an invalid value is refused by the record's own checks (nothing changes), then it goes through.
    const invalid = await take(rep, id, 'qualified', { values: { industry: 'nope', annual_revenue: '1000000' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.data.error.details.field).toBe('industry');
    expect((await leadOf(id)).lead_status).toBe('contacted');
    // The attachment must be a file of this record; a transition that takes none refuses one.
    const otherLead = await createLead(rep, { last_name: 'Otro', lead_status: 'future' });
    const foreign = await take(rep, id, 'qualified', {
      values: { industry: 'technology', annual_revenue: '1000000' },
      attachmentId: await attach(rep, otherLead),
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.data.error.details.field).toBe('attachmentId');
    const fileId = await attach(rep, id);
    expect((await take(rep, id, 'junk', { note: 'x', attachmentId: fileId })).statusCode).toBe(400);
    const qualified = await ok(
      await take(rep, id, 'qualified', { values: { industry: 'technology', annual_revenue: '1000000' }, attachmentId: fileId }),
    );
    expect(qualified.state.value).toBe('qualified');
    expect(qualified.transitions).toEqual([]);
    expect(qualified.history.map((h: any) => h.to)).toEqual(['qualified', 'contacted', 'attempted']);
    expect(await leadOf(id)).toMatchObject({ lead_status: 'qualified', industry: 'technology' });

    // The action after ran (a task for the owner), logged under the Blueprint; the timeline tells the story.
    const after = await waitFor(async () => {
      const page = await ok(await t.request('GET', `/api/v1/automation/executions?recordId=${id}`, { as: admin }));
      return page.data.find((e: any) => e.trigger === 'blueprint.transition');
    }, 'the transition’s actions');
    expect(after).toMatchObject({ ruleId: blueprintId, status: 'done' });
    expect(after.actions[0]).toMatchObject({ type: 'task', status: 'done' });
    const timeline = await ok(await t.request('GET', `/api/v1/records/leads/${id}/timeline`, { as: rep }));
    const kinds = timeline.data.map((entry: any) => entry.kind);
    expect(kinds.filter((kind: string) => kind === 'blueprint_transition')).toHaveLength(3);
    expect(kinds).toContain('blueprint_overdue');

    // A record event handled again (at least once delivery) does not restart the state.
    const engine = createBlueprintEngine(t.app.ctx, getRecords(t.app.ctx));
    const event = { id: 'replayed-event', type: 'record.updated', orgId: admin.orgId, createdAt: new Date(), attempt: 2 };
    await engine.handleEvent({
      ...event,
      payload: { module: 'leads', id, changes: { lead_status: { from: 'contacted', to: 'qualified' } } },
    });
    expect((await panel(rep, id)).state.enteredAt).toBe(qualified.state.enteredAt);

    // Converting the lead is the one other write that changes its status: it leaves the Blueprint.
    const conversion = await t.request('POST', `/api/v1/records/leads/${id}/convert`, { as: rep, body: {} });
    expect(conversion.statusCode, conversion.body).toBe(200);
    expect((await leadOf(id)).lead_status).toBe('converted');
    expect((await panel(rep, id)).blueprint).toBeNull();

    // A lead outside the Blueprint's states (converted, future) is not governed: its status changes freely.
    const free = await createLead(rep, { last_name: 'Libre', lead_status: 'future' });
    expect((await panel(rep, free)).blueprint).toBeNull();
    await ok(await t.request('PATCH', `/api/v1/records/leads/${free}`, { as: rep, body: { lead_status: 'contacted' } }));
    await waitFor(async () => ((await panel(rep, free)).state?.value === 'contacted' ? true : undefined), 'the lead entering');
  });

  it('offers a transition only to whom it names and when the record meets its criteria', async () => {
    const created = await ok(
      await t.request('POST', BLUEPRINTS, {
        as: admin,
        body: ratingBlueprint({ enabled: true, definition: withUsers(ratingBlueprint().definition, [viewer.userId]) }),
      }),
      201,
    );
    // Status "future" keeps the lead out of the lead qualification Blueprint: this one on rating is the lead's.
    const id = await createLead(rep, { last_name: 'Pérez', company: 'Beta', rating: 'cold', lead_status: 'future' });
    expect((await panel(rep, id)).blueprint).toMatchObject({ id: created.id, field: 'rating', fieldLabel: 'Valoración' });
    expect((await panel(rep, id)).transitions).toEqual([]); // warm_up is for the named user only
    expect((await take(rep, id, 'warm_up')).statusCode).toBe(403);
    expect((await panel(admin, id)).transitions.map((tr: any) => tr.id)).toEqual(['warm_up']); // administrators always
    await ok(await take(admin, id, 'warm_up'));
    expect((await panel(rep, id)).transitions).toEqual([]); // heat: only for Acme
    expect((await take(rep, id, 'heat')).statusCode).toBe(403);
    await ok(await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: rep, body: { company: 'Acme' } }));
    expect((await panel(rep, id)).transitions.map((tr: any) => tr.id)).toEqual(['heat']);
    expect((await ok(await take(rep, id, 'heat'))).state.value).toBe('hot');

    // Named by a group the rep belongs to: now theirs to take.
    const group = await ok(
      await t.request('POST', '/api/v1/groups', { as: admin, body: { name: 'Comerciales', members: [{ type: 'user', id: rep.userId }] } }),
      201,
    );
    const definition = ratingBlueprint().definition;
    await ok(
      await t.request('PATCH', `${BLUEPRINTS}/${created.id}`, {
        as: admin,
        body: { definition: { ...definition, transitions: [{ ...definition.transitions[0]!, before: { who: { groups: [group.id] } } }] } },
      }),
    );
    const second = await createLead(rep, { last_name: 'Ruiz', rating: 'cold', lead_status: 'future' });
    expect((await panel(rep, second)).transitions.map((tr: any) => tr.id)).toEqual(['warm_up']);
    expect((await ok(await take(rep, second, 'warm_up'))).state.value).toBe('warm');
    expect((await panel(viewer, second)).transitions).toEqual([]);
    await ok(await t.request('DELETE', `${BLUEPRINTS}/${created.id}`, { as: admin }), 204);
  });

  it('waits while the record is pending approval (409)', async () => {
    const process = await ok(
      await t.request('POST', '/api/v1/automation/approval-processes', {
        as: admin,
        body: {
          name: 'Revisión',
          module: 'leads',
          trigger: 'manual',
          steps: [{ name: 'Jefe', approvers: { type: 'user', userId: admin.userId } }],
        },
      }),
      201,
    );
    const id = await createLead(rep, { last_name: 'Bloqueado', lead_status: 'not_contacted' });
    await ok(
      await t.request('POST', '/api/v1/automation/approvals', { as: rep, body: { module: 'leads', recordId: id, processId: process.id } }),
      201,
    );
    expect((await panel(rep, id)).transitions).toEqual([]);
    const locked = await take(rep, id, 'attempted', { note: 'x' });
    expect(locked.statusCode).toBe(409);
    expect(locked.data.error.details.reason).toBe('approval_pending');
    expect((await leadOf(id)).lead_status).toBe('not_contacted');
  });

  it('escalates an overdue state to the owner’s manager once, with its actions', async () => {
    const direction = (await ok(await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Dirección' } }), 201)).id;
    const sales = (await ok(await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Ventas', parentId: direction } }), 201))
      .id;
    const boss = await t.make.user(admin, { name: 'Berta Jefa', roleId: direction });
    const seller = await t.make.user(admin, { name: 'Santi Vende', roleId: sales });
    const created = await ok(
      await t.request('POST', BLUEPRINTS, {
        as: admin,
        body: ratingBlueprint({
          enabled: true,
          definition: {
            states: [
              {
                value: 'cold',
                timeLimitHours: 2,
                escalation: { notify: 'owner_manager', actions: [{ type: 'field_update', field: 'description', value: 'Sin avances' }] },
              },
              { value: 'warm' },
              { value: 'hot' },
            ],
            transitions: [{ id: 'warm_up', name: 'Calentar', from: ['cold'], to: 'warm' }],
          },
        }),
      }),
      201,
    );
    const id = await createLead(seller, { last_name: 'Lento', rating: 'cold', lead_status: 'future' });
    const state = (await panel(seller, id)).state;
    expect(Date.parse(state.dueAt) - Date.parse(state.enteredAt)).toBe(2 * HOUR);
    const runner = createBlueprintRunner(t.app.ctx, { engine: createBlueprintEngine(t.app.ctx, getRecords(t.app.ctx)) });
    const later = new Date(Date.parse(state.dueAt) + 60_000);
    const schema = await schemaOf(admin);
    expect(await runner.runOrg(admin.orgId, schema, later)).toBe(1);
    expect(await runner.runOrg(admin.orgId, schema, later)).toBe(0);
    const told = async (user: TestUser) =>
      (await ok(await t.request('GET', '/api/v1/notifications', { as: user }))).data.filter((n: any) => n.kind === 'blueprint.overdue');
    expect(await told(boss)).toHaveLength(1);
    expect(await told(seller)).toHaveLength(0);
    expect((await leadOf(id)).description).toBe('Sin avances');
    await ok(await t.request('DELETE', `${BLUEPRINTS}/${created.id}`, { as: admin }), 204);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json', { as: null });
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/automation/blueprints',
        '/api/v1/automation/blueprints/{id}',
        '/api/v1/automation/blueprints/{id}/enable',
        '/api/v1/automation/blueprints/examples/{key}',
        '/api/v1/automation/blueprint-records/{module}/{id}',
        '/api/v1/automation/blueprint-records/{module}/{id}/transitions/{transitionId}',
      ]),
    );
    // Every Blueprint operation is described: tag, summary, a success schema and its errors.
    const operations = Object.entries(doc.data.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.includes('/automation/blueprint'))
      .flatMap(([, methods]) => Object.values(methods));
    expect(operations).toHaveLength(11);
    for (const operation of operations) {
      expect(operation.tags).toEqual(['Automation: Blueprints']);
      expect(operation.summary).toBeTruthy();
      const success = Object.keys(operation.responses).find((code) => code.startsWith('2'))!;
      expect(success).toBeDefined();
      expect(operation.responses['401']).toBeDefined();
    }
  });
});

function withUsers(definition: ReturnType<typeof ratingBlueprint>['definition'], users: string[]) {
  return { ...definition, transitions: [{ ...definition.transitions[0]!, before: { who: { users } } }, definition.transitions[1]!] };
}

async function schemaOf(user: TestUser): Promise<string> {
  const row = await t.database.db
    .selectFrom('platform.organizations')
    .select('schema_name')
    .where('id', '=', user.orgId)
    .executeTakeFirstOrThrow();
  return row.schema_name;
}
