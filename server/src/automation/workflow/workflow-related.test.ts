import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';

/** Field updates on a related record (AUT-6): a deal won sets its account's tier, through the records service. */
let t: TestContext;
let admin: TestUser;
let stranger: TestUser;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
const RULES = '/api/v1/automation/workflow-rules';
const WON = { field: 'stage', op: 'eq', value: 'closed_won' };
const SET_TIER = { type: 'field_update', target: 'account_id', field: 'tier', value: 'key' };

async function create(module: string, body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', `/api/v1/records/${module}?allowDuplicates=true`, { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

const read = async (module: string, id: string) => (await t.request('GET', `/api/v1/records/${module}/${id}`, { as: admin })).data.data;

async function executionOf(recordId: string) {
  return waitFor(async () => {
    const response = await t.request('GET', `/api/v1/automation/executions?recordId=${recordId}`, { as: admin });
    expect(response.statusCode, response.body).toBe(200);
    // The run whose criteria matched (a deal created before it was won has a skipped one too).
    const done = (response.data.data as Array<Record<string, any>>).find(
      (execution) => execution.matched && execution.status !== 'running',
    );
    return done ?? null;
  }, 'the execution');
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  stranger = await t.make.org();
});
afterAll(() => t.close());

describe('the OpenAPI document', () => {
  it('describes the new action options, the escalation changes and the delivery’s method', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.statusCode).toBe(200);
    const rules = JSON.stringify(doc.data.paths['/api/v1/automation/workflow-rules'].post);
    for (const name of ['"target"', '"bodyTemplate"', '"contentType"', '"headers"', '"method"']) expect(rules).toContain(name);
    expect(JSON.stringify(doc.data.paths['/api/v1/automation/escalation-rules'].post)).toContain('"setFields"');
    const deliveries = JSON.stringify(doc.data.paths['/api/v1/webhooks/{id}/deliveries'].get);
    expect(deliveries).toContain('"method"');
    expect(deliveries).toContain('"request"');
  });
});

describe('field update on a related record', () => {
  it('refuses a target that is not a lookup, a field or value the target module does not take, naming the part', async () => {
    const base = { name: 'X', module: 'deals', trigger: 'create_or_edit', criteria: WON };
    const bad = async (action: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', RULES, { as: admin, body: { ...base, actions: [{ ...SET_TIER, ...action }] } });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    };
    await bad({ target: 'no_such_lookup' }, 'actions[0].target');
    await bad({ target: 'name' }, 'actions[0].target');
    await bad({ field: 'no_such_field' }, 'actions[0].field');
    await bad({ field: 'created_at', value: null }, 'actions[0].field');
    await bad({ value: 'platinum' }, 'actions[0].value');
    await bad({ field: 'employees', value: 'many' }, 'actions[0].value');
    // The rule's own record: its values are checked the same way.
    await bad({ target: 'record', field: 'stage', value: 'closed_super' }, 'actions[0].value');
    await bad({ target: 'record', field: 'tier' }, 'actions[0].field');
    const schedules = await t.request('POST', RULES, {
      as: admin,
      body: { ...base, actions: [], scheduled: [{ when: { after: 60 }, actions: [{ ...SET_TIER, value: 'gold' }] }] },
    });
    expect(schedules.statusCode).toBe(400);
    expect(schedules.data.error.details.field).toBe('scheduled[0].actions[0].value');
  });

  it('needs the right to edit the related module; another organization sees nothing of the rule', async () => {
    const noAccounts = await t.request('POST', '/api/v1/profiles', {
      as: admin,
      body: {
        name: 'Automation without accounts',
        modules: { '*': ALL, accounts: { ...ALL, edit: false }, automation: { ...NONE, read: true, create: true, edit: true } },
      },
    });
    expect(noAccounts.statusCode, noAccounts.body).toBe(201);
    const builder = await t.make.user(admin, { profileId: noAccounts.data.id });
    const body = { name: 'Nivel', module: 'deals', trigger: 'create_or_edit', criteria: WON, actions: [SET_TIER] };
    const refused = await t.request('POST', RULES, { as: builder, body });
    expect(refused.statusCode, refused.body).toBe(403);
    // The same builder may still update the deal itself.
    const own = await t.request('POST', RULES, {
      as: builder,
      body: { ...body, actions: [{ type: 'field_update', field: 'next_step', value: 'Onboarding' }] },
    });
    expect(own.statusCode, own.body).toBe(201);
    expect((await t.request('GET', `${RULES}/${own.data.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('DELETE', `${RULES}/${own.data.id}`, { as: builder })).statusCode).toBe(204);
    const standard = await t.make.user(admin);
    expect((await t.request('POST', RULES, { as: standard, body })).statusCode).toBe(403);
  });

  it('sets the account’s tier when its deal is won, as the rule’s owner, and skips a deal without account', async () => {
    const created = await t.request('POST', RULES, {
      as: admin,
      body: { name: 'Cuenta clave al ganar', module: 'deals', trigger: 'create_or_edit', criteria: WON, actions: [SET_TIER] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data.actions).toEqual([SET_TIER]);

    // A seller who may not edit accounts wins the deal: the rule acts in its owner's name.
    const seller = await t.make.user(admin, {
      profileId: (
        await t.request('POST', '/api/v1/profiles', {
          as: admin,
          body: { name: 'Sellers', modules: { '*': ALL, accounts: { ...ALL, edit: false } } },
        })
      ).data.id,
    });
    const account = await create('accounts', { name: 'Acme Industrial', tier: 'growth', owner_id: seller.userId });
    expect((await t.request('PATCH', `/api/v1/records/accounts/${account}`, { as: seller, body: { tier: 'key' } })).statusCode).toBe(403);
    const deal = await create('deals', { name: 'Acme 2027', account_id: account, stage: 'qualification' }, seller);
    const patched = await t.request('PATCH', `/api/v1/records/deals/${deal}`, { as: seller, body: { stage: 'closed_won' } });
    expect(patched.statusCode, patched.body).toBe(200);
    const execution = await executionOf(deal);
    expect(execution).toMatchObject({ status: 'done', matched: true });
    expect(execution.actions[0]).toMatchObject({
      type: 'field_update',
      status: 'done',
      detail: { target: 'account_id', module: 'accounts', recordId: account, field: 'tier', to: 'key' },
    });
    expect((await read('accounts', account)).tier).toBe('key');
    // The account's change is a record.updated of its own, one step further in the rule chain.
    const { rows } = await t.database.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM platform.outbox WHERE type = 'record.updated' AND payload->>'id' = $1`,
      [account],
    );
    expect(rows.map((row) => row.payload)).toContainEqual(
      expect.objectContaining({
        module: 'accounts',
        automationDepth: 1,
        actorId: admin.userId,
        changes: { tier: { from: 'growth', to: 'key' } },
      }),
    );

    const alone = await create('deals', { name: 'Sin cuenta', stage: 'closed_won' });
    const skipped = await executionOf(alone);
    expect(skipped.actions[0]).toMatchObject({
      type: 'field_update',
      status: 'skipped',
      detail: { target: 'account_id', reason: 'The record has no account_id.' },
    });
    expect((await t.request('DELETE', `${RULES}/${created.data.id}`, { as: admin })).statusCode).toBe(204);
  });

  it('writes a case’s contact, and logs a value the related record refuses as failed', async () => {
    const created = await t.request('POST', RULES, {
      as: admin,
      body: {
        name: 'Contacto con caso urgente',
        module: 'cases',
        trigger: 'create',
        actions: [
          { type: 'field_update', target: 'contact_id', field: 'description', value: 'Tiene un caso urgente abierto' },
          // Valid for the field, refused by the record: the contact's last name is required.
          { type: 'field_update', target: 'contact_id', field: 'last_name', value: null },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const contact = await create('contacts', { first_name: 'Ana', last_name: 'Cliente' });
    const kase = await create('cases', { subject: 'No funciona', priority: 'urgent', contact_id: contact });
    const execution = await executionOf(kase);
    expect(execution.actions.map((action: { status: string }) => action.status)).toEqual(['done', 'failed']);
    const updated = await read('contacts', contact);
    expect(updated).toMatchObject({ description: 'Tiene un caso urgente abierto', last_name: 'Cliente' });
    await t.request('DELETE', `${RULES}/${created.data.id}`, { as: admin });
  });
});
