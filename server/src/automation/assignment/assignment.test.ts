import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { multipartBody } from '../../test/multipart.js';

let t: TestContext;
let dataDir: string;

const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };
const RULES = '/api/v1/automation/assignment-rules';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-assignment-'));
  t = await createTestContext({ dataDir });
  await t.app.ctx.jobs.start();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function rule(as: TestUser, body: Record<string, unknown>) {
  const response = await t.request('POST', RULES, { as, body: { module: 'leads', name: 'Leads', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data as { id: string; entries: Array<{ id: string }> };
}

async function createLead(as: TestUser, values: Record<string, unknown> = {}) {
  const response = await t.request('POST', '/api/v1/records/leads', { as, body: { last_name: 'Lead', ...values } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data as Record<string, unknown> & { id: string };
}

async function ownerCounts(as: TestUser, module = 'leads') {
  const counts = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const response = await t.request('POST', `/api/v1/records/${module}/query`, {
      as,
      body: { limit: 500, fields: ['owner_id'], ...(cursor ? { cursor } : {}) },
    });
    expect(response.statusCode, response.body).toBe(200);
    for (const row of response.data.data as Array<{ owner_id: string }>) counts.set(row.owner_id, (counts.get(row.owner_id) ?? 0) + 1);
    cursor = response.data.nextCursor;
  } while (cursor);
  return counts;
}

const spread = (counts: number[]) => Math.max(...counts) - Math.min(...counts);

describe('assignment rules API', () => {
  let admin: TestUser;
  let standard: TestUser;
  let reader: TestUser;
  beforeAll(async () => {
    admin = await t.make.org();
    standard = await t.make.user(admin);
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: admin,
      body: { name: 'Rule readers', modules: { '*': ALL, automation_assignment: { ...NONE, read: true } } },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    reader = await t.make.user(admin, { profileId: profile.data.id });
  });

  it('creates, lists, reads, changes and deletes a rule', async () => {
    const created = await rule(admin, {
      name: 'Web leads',
      entries: [
        { criteria: { field: 'lead_source', op: 'eq', value: 'web' }, target: { type: 'user', userId: standard.userId } },
        { target: { type: 'round_robin', userIds: [admin.userId, standard.userId] }, followUpTask: { subject: 'Call', dueInDays: 1 } },
      ],
    });
    expect(created).toMatchObject({ module: 'leads', name: 'Web leads', active: true });
    expect(created.entries).toHaveLength(2);
    expect(created.entries[1]).toMatchObject({ criteria: null, followUpTask: { subject: 'Call', dueInDays: 1 } });

    const list = await t.request('GET', `${RULES}?module=leads`, { as: reader });
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((r: { id: string }) => r.id)).toEqual([created.id]);

    const changed = await t.request('PATCH', `${RULES}/${created.id}`, {
      as: admin,
      body: { name: 'Renamed', active: false, entries: [{ id: created.entries[1]!.id, target: { type: 'user', userId: admin.userId } }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data).toMatchObject({ name: 'Renamed', active: false, entries: [{ id: created.entries[1]!.id }] });
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: admin })).data.name).toBe('Renamed');

    expect((await t.request('DELETE', `${RULES}/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: admin })).statusCode).toBe(404);
    const audit = await t.database.db
      .selectFrom('platform.audit_log')
      .select(['action', 'actor_id'])
      .where('target_id', '=', created.id)
      .orderBy('created_at')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['assignment_rule.created', 'assignment_rule.updated', 'assignment_rule.deleted']);
  });

  it('refuses bad input with 400 naming the part, and a second active rule with 409', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', RULES, { as: admin, body: { module: 'leads', name: 'Bad', ...body } });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.field).toContain(field);
    };
    const user = { type: 'user', userId: admin.userId };
    await bad({ entries: [{ criteria: { field: 'nope', op: 'eq', value: 'x' }, target: user }] }, 'entries.0.criteria');
    await bad({ entries: [{ criteria: { field: 'lead_source', op: 'eq', value: 'carrier_pigeon' }, target: user }] }, 'entries.0.criteria');
    await bad({ entries: [user, { target: { type: 'round_robin' } }].map((e, i) => (i ? e : { target: e })) }, 'entries.1.target');
    await bad({ entries: [{ target: { type: 'user', userId: '00000000-0000-4000-8000-000000000000' } }] }, 'entries');
    await bad({ module: 'nonexistent', entries: [{ target: user }] }, 'module');
    expect((await t.request('POST', RULES, { as: admin, body: { module: 'leads', name: 'Empty', entries: [] } })).statusCode).toBe(400);

    const first = await rule(admin, { entries: [{ target: user }] });
    const second = await t.request('POST', RULES, { as: admin, body: { module: 'leads', name: 'Second', entries: [{ target: user }] } });
    expect(second.statusCode).toBe(409);
    expect(second.data.error.details.reason).toBe('active_rule_exists');
    expect(
      (await t.request('POST', RULES, { as: admin, body: { module: 'leads', name: 'Off', active: false, entries: [{ target: user }] } }))
        .statusCode,
    ).toBe(201);
    await t.request('DELETE', `${RULES}/${first.id}`, { as: admin });
  });

  it('is for administrators and profiles that name it; another organization sees nothing', async () => {
    const created = await rule(admin, { active: false, entries: [{ target: { type: 'user', userId: admin.userId } }] });
    const body = { module: 'leads', name: 'Mine', active: false, entries: [{ target: { type: 'user', userId: admin.userId } }] };
    expect((await t.request('GET', RULES, { as: standard })).statusCode).toBe(403);
    expect((await t.request('POST', RULES, { as: standard, body })).statusCode).toBe(403);
    expect((await t.request('POST', RULES, { as: reader, body })).statusCode).toBe(403);
    expect((await t.request('PATCH', `${RULES}/${created.id}`, { as: reader, body: { name: 'X' } })).statusCode).toBe(403);
    expect((await t.request('DELETE', `${RULES}/${created.id}`, { as: reader })).statusCode).toBe(403);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: reader })).statusCode).toBe(200);

    const stranger = await t.make.org();
    expect((await t.request('GET', RULES, { as: stranger })).data.data).toEqual([]);
    expect((await t.request('GET', `${RULES}/${created.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('PATCH', `${RULES}/${created.id}`, { as: stranger, body: { name: 'X' } })).statusCode).toBe(404);
    expect((await t.request('DELETE', `${RULES}/${created.id}`, { as: stranger })).statusCode).toBe(404);
    // Nor can a rule point at another organization's user.
    const foreign = await t.request('POST', RULES, {
      as: stranger,
      body: { ...body, entries: [{ target: { type: 'user', userId: admin.userId } }] },
    });
    expect(foreign.statusCode).toBe(400);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json', { as: null });
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining(['/api/v1/automation/assignment-rules', '/api/v1/automation/assignment-rules/{id}']),
    );
  });
});

describe('assignment on create', () => {
  it('the create answer shows the owner: criteria in order, first match wins; an owner sent by the caller is kept', async () => {
    const admin = await t.make.org();
    const [web, trade, rest] = [await t.make.user(admin), await t.make.user(admin), await t.make.user(admin)];
    await rule(admin, {
      entries: [
        { criteria: { field: 'lead_source', op: 'eq', value: 'web' }, target: { type: 'user', userId: web.userId } },
        {
          criteria: {
            or: [
              { field: 'lead_source', op: 'in', value: ['web', 'trade_show'] },
              { field: 'employees', op: 'gte', value: 500 },
            ],
          },
          target: { type: 'user', userId: trade.userId },
        },
        { target: { type: 'user', userId: rest.userId } },
      ],
    });
    expect((await createLead(admin, { lead_source: 'web' })).owner_id).toBe(web.userId);
    expect((await createLead(admin, { lead_source: 'trade_show' })).owner_id).toBe(trade.userId);
    expect((await createLead(admin, { lead_source: 'cold_call', employees: 900 })).owner_id).toBe(trade.userId);
    expect((await createLead(admin, { lead_source: 'cold_call', employees: 10 })).owner_id).toBe(rest.userId);
    expect((await createLead(admin, {})).owner_id).toBe(rest.userId);
    expect((await createLead(admin, { lead_source: 'web', owner_id: admin.userId })).owner_id).toBe(admin.userId);
    // Other modules have no rule: the creator owns what they create.
    const account = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Aceros' } });
    expect(account.data.data.owner_id).toBe(admin.userId);
  });

  it('criteria mean what the same filter means in a list view (text, numbers, money, empty values, related records)', async () => {
    const admin = await t.make.org();
    const [hit, miss] = [await t.make.user(admin), await t.make.user(admin)];
    const account = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Aceros del Norte' } });
    const filters = [
      { field: 'company', op: 'contains', value: '50%' },
      { field: 'company', op: 'starts_with', value: 'ace' },
      { field: 'employees', op: 'between', value: [10, 100] },
      { field: 'annual_revenue', op: 'gt', value: '1000000.50' },
      { field: 'industry', op: 'is_empty' },
      { field: 'email', op: 'neq', value: 'ana@example.es' },
      { field: 'lead_source', op: 'nin', value: ['web', 'cold_call'] },
      { field: 'referred_by_account_id.name', op: 'starts_with', value: 'Aceros' },
      {
        or: [
          { field: 'rating', op: 'eq', value: 'hot' },
          {
            and: [
              { field: 'employees', op: 'gte', value: 500 },
              { field: 'city', op: 'is_not_empty' },
            ],
          },
        ],
      },
    ];
    const samples: Array<Record<string, unknown>> = [
      { company: 'Descuento 50% SL', employees: 10, annual_revenue: '1000000.51', email: 'ana@example.es' },
      { company: 'ACEROS Vascos', employees: 101, annual_revenue: '1000000.50', industry: 'manufacturing', lead_source: 'web' },
      { company: '', employees: 100, lead_source: 'partner', referred_by_account_id: account.data.data.id, rating: 'hot' },
      { employees: 500, city: 'Bilbao', annual_revenue: '999', lead_source: 'cold_call' },
      { employees: 500, city: '', email: 'luis@example.es' },
      {},
    ];
    for (const [position, filter] of filters.entries()) {
      const created = await rule(admin, {
        name: `Filter ${position}`,
        entries: [{ criteria: filter, target: { type: 'user', userId: hit.userId } }, { target: { type: 'user', userId: miss.userId } }],
      });
      const ids = [];
      for (const sample of samples) {
        const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', {
          as: admin,
          body: { ...sample, last_name: `F${position}` },
        });
        expect(response.statusCode, response.body).toBe(201);
        ids.push(response.data.data.id);
      }
      const listed = await t.request('POST', '/api/v1/records/leads/query', {
        as: admin,
        body: { filter: { and: [filter, { field: 'last_name', op: 'eq', value: `F${position}` }] }, limit: 50, fields: ['owner_id'] },
      });
      expect(listed.statusCode, listed.body).toBe(200);
      const matching = new Set(listed.data.data.map((row: { id: string }) => row.id));
      const owned = await t.request('POST', '/api/v1/records/leads/query', {
        as: admin,
        body: {
          filter: {
            and: [
              { field: 'owner_id', op: 'eq', value: hit.userId },
              { field: 'last_name', op: 'eq', value: `F${position}` },
            ],
          },
          limit: 50,
        },
      });
      expect(new Set(owned.data.data.map((row: { id: string }) => row.id)), JSON.stringify(filter)).toEqual(matching);
      expect(matching.size, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(matching.size, JSON.stringify(filter)).toBeLessThan(ids.length);
      await t.request('DELETE', `${RULES}/${created.id}`, { as: admin });
    }
  });

  it('skips inactive users; an entry with nobody active passes to the next matching one', async () => {
    const admin = await t.make.org();
    const [gone, a, b] = [await t.make.user(admin), await t.make.user(admin), await t.make.user(admin)];
    await t.database.db.updateTable('platform.users').set({ active: false }).where('id', '=', gone.userId).execute();
    await rule(admin, {
      entries: [
        { target: { type: 'user', userId: gone.userId } },
        { target: { type: 'round_robin', userIds: [gone.userId, a.userId, b.userId] } },
      ],
    });
    const response = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: admin,
      body: { mode: 'create', records: Array.from({ length: 10 }, (_, i) => ({ last_name: `Bulk ${i}` })) },
    });
    expect(response.statusCode, response.body).toBe(200);
    const counts = await ownerCounts(admin);
    expect(counts.get(gone.userId)).toBeUndefined();
    expect([counts.get(a.userId), counts.get(b.userId)].sort()).toEqual([5, 5]);
  });

  it('round robin through the bulk API and concurrent creates: even, nobody skipped, and the turn goes on across requests', async () => {
    const admin = await t.make.org();
    const users = [await t.make.user(admin), await t.make.user(admin), await t.make.user(admin)];
    await rule(admin, { entries: [{ target: { type: 'round_robin', userIds: users.map((u) => u.userId) } }] });
    for (const size of [7, 1, 4]) {
      const response = await t.request('POST', '/api/v1/records/leads/bulk', {
        as: admin,
        body: { mode: 'create', records: Array.from({ length: size }, (_, i) => ({ last_name: `Bulk ${i}` })) },
      });
      expect(response.data.data.every((r: { status: string }) => r.status === 'created')).toBe(true);
    }
    await Promise.all(Array.from({ length: 12 }, (_, i) => createLead(admin, { last_name: `Concurrent ${i}` })));
    const counts = await ownerCounts(admin);
    expect([...counts.keys()].sort()).toEqual(users.map((u) => u.userId).sort());
    expect([...counts.values()]).toEqual([8, 8, 8]);
  });

  it('least loaded: the user with the fewest open records of the module', async () => {
    const admin = await t.make.org();
    const [busy, idle, some] = [await t.make.user(admin), await t.make.user(admin), await t.make.user(admin)];
    for (let i = 0; i < 3; i++) await createLead(admin, { owner_id: busy.userId });
    await createLead(admin, { owner_id: some.userId });
    // Converted leads are not open: they do not count.
    for (let i = 0; i < 3; i++) {
      const lead = await createLead(admin, { owner_id: idle.userId });
      const org = await t.database.db
        .selectFrom('platform.organizations')
        .select('schema_name')
        .where('id', '=', admin.orgId)
        .executeTakeFirstOrThrow();
      await sql`UPDATE ${sql.table(`${org.schema_name}.leads`)} SET is_converted = true WHERE id = ${lead.id}`.execute(t.database.db);
    }
    await rule(admin, { entries: [{ target: { type: 'least_loaded', userIds: [busy.userId, idle.userId, some.userId] } }] });
    const owners = [];
    for (let i = 0; i < 5; i++) owners.push((await createLead(admin)).owner_id);
    // busy 3, idle 0 (its converted leads do not count), some 1: five new leads bring idle and some up to busy's 3.
    expect(owners.filter((o) => o === busy.userId)).toHaveLength(0);
    expect(owners.filter((o) => o === idle.userId)).toHaveLength(3);
    expect(owners.filter((o) => o === some.userId)).toHaveLength(2);
    expect(owners[0]).toBe(idle.userId);
  });

  it('round robin over a role and over a group, with a follow-up task for the assignee', async () => {
    const admin = await t.make.org();
    const role = await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'SDR' } });
    const sdrs = [await t.make.user(admin, { roleId: role.data.id }), await t.make.user(admin, { roleId: role.data.id })];
    const loner = await t.make.user(admin);
    const group = await t.request('POST', '/api/v1/groups', {
      as: admin,
      body: {
        name: 'Inside sales',
        members: [
          { type: 'role', id: role.data.id },
          { type: 'user', id: loner.userId },
        ],
      },
    });
    expect(group.statusCode, group.body).toBe(201);
    await rule(admin, {
      entries: [
        { criteria: { field: 'rating', op: 'eq', value: 'hot' }, target: { type: 'round_robin', roleId: role.data.id } },
        { target: { type: 'round_robin', groupId: group.data.id }, followUpTask: { subject: 'Primera llamada', dueInDays: 2 } },
      ],
    });
    const hot = [await createLead(admin, { rating: 'hot' }), await createLead(admin, { rating: 'hot' })];
    expect(hot.map((l) => l.owner_id).sort()).toEqual(sdrs.map((u) => u.userId).sort());
    const rest = [await createLead(admin), await createLead(admin), await createLead(admin)];
    expect(rest.map((l) => l.owner_id).sort()).toEqual([...sdrs.map((u) => u.userId), loner.userId].sort());

    const tasks = await t.request('POST', '/api/v1/records/tasks/query', { as: admin, body: { limit: 50 } });
    expect(tasks.data.data).toHaveLength(3);
    for (const lead of rest) {
      const task = tasks.data.data.find((x: { related_id: string }) => x.related_id === lead.id);
      expect(task).toMatchObject({ subject: 'Primera llamada', owner_id: lead.owner_id, related_module: 'leads' });
      expect(task.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('web-to-lead forms: the rule picks the owner instead of the form’s owner', async () => {
    const admin = await t.make.org();
    const rep = await t.make.user(admin);
    await rule(admin, {
      entries: [{ criteria: { field: 'lead_source', op: 'eq', value: 'web_form' }, target: { type: 'user', userId: rep.userId } }],
    });
    const form = await t.request('POST', '/api/v1/web-forms', {
      as: admin,
      body: {
        name: 'Pide una demo',
        fields: [
          { field: 'last_name', required: true },
          { field: 'email', required: true },
        ],
      },
    });
    expect(form.statusCode, form.body).toBe(201);
    const definition = await t.request('GET', `/api/v1/public/forms/${form.data.publicKey}`, { as: null });
    const realNow = t.app.ctx.now;
    t.app.ctx.now = () => new Date(Date.now() + 10_000); // a person takes a few seconds to fill the form in
    try {
      const sent = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
        as: null,
        body: { _ts: definition.data.token, _hp: '', last_name: 'Ibáñez', email: 'nerea@acerosnorte.es' },
      });
      expect(sent.statusCode, sent.body).toBe(201);
    } finally {
      t.app.ctx.now = realNow;
    }
    const found = await t.request('POST', '/api/v1/records/leads/query', {
      as: admin,
      body: { filter: { field: 'email', op: 'eq', value: 'nerea@acerosnorte.es' } },
    });
    expect(found.data.data).toMatchObject([{ lead_source: 'web_form', owner_id: rep.userId }]);
  });

  it('the article’s case: 2,500 imported leads spread round robin, counts differ by at most one', async () => {
    const admin = await t.make.org();
    const users = [await t.make.user(admin), await t.make.user(admin), await t.make.user(admin), await t.make.user(admin)];
    await rule(admin, { name: 'Importación', entries: [{ target: { type: 'round_robin', userIds: users.map((u) => u.userId) } }] });
    const lines = ['First Name,Last Name,Email'];
    for (let i = 1; i <= 2500; i++) lines.push(`Nombre ${i},Apellido ${i},lead${i}@example.es`);
    const { body, contentType } = await multipartBody(
      { module: 'leads', mode: 'create' },
      { name: 'leads.csv', content: lines.join('\n') },
    );
    const started = await t.request('POST', '/api/v1/imports', { as: admin, body, headers: { 'content-type': contentType } });
    expect(started.statusCode, started.body).toBe(202);
    const deadline = Date.now() + 120_000;
    let result;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      result = (await t.request('GET', `/api/v1/imports/${started.data.id}`, { as: admin })).data;
    } while (result.status !== 'done' && result.status !== 'failed' && Date.now() < deadline);
    expect(result.counts).toMatchObject({ created: 2500, failed: 0 });
    const counts = await ownerCounts(admin);
    expect([...counts.keys()].sort()).toEqual(users.map((u) => u.userId).sort());
    expect(spread([...counts.values()])).toBeLessThanOrEqual(1);
  }, 180_000);
});
