import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

describe('standard modules', () => {
  it('a new organization has the standard modules with their fields, picklists and stages', async () => {
    const list = await t.request('GET', '/api/v1/modules', { as: admin });
    expect(list.statusCode).toBe(200);
    const names = list.data.data.map((m: { apiName: string }) => m.apiName);
    for (const name of [
      'leads',
      'contacts',
      'accounts',
      'deals',
      'tasks',
      'calls',
      'meetings',
      'notes',
      'products',
      'price_books',
      'quotes',
      'sales_orders',
      'purchase_orders',
      'invoices',
      'vendors',
      'cases',
      'campaigns',
      'contracts',
    ]) {
      expect(names).toContain(name);
    }
    const deals = await t.request('GET', '/api/v1/modules/deals', { as: admin });
    const stage = deals.data.fields.find((f: { apiName: string }) => f.apiName === 'stage');
    expect(stage.options.values.find((v: { code: string }) => v.code === 'closed_won')).toMatchObject({ probability: 100, outcome: 'won' });
    const fieldNames = deals.data.fields.map((f: { apiName: string }) => f.apiName);
    expect(fieldNames).toEqual(
      expect.arrayContaining(['name', 'account_id', 'amount', 'stage', 'close_date', 'closed_at', 'deal_type', 'lead_source', 'owner_id']),
    );
    const accounts = await t.request('GET', '/api/v1/modules/accounts', { as: admin });
    expect(accounts.data.relatedLists).toEqual(expect.arrayContaining([expect.objectContaining({ module: 'deals', field: 'account_id' })]));
  });

  it('an unknown module is a 404', async () => {
    expect((await t.request('GET', '/api/v1/modules/nothing_here', { as: admin })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/records/nothing_here', { as: admin })).statusCode).toBe(404);
  });
});

describe('records CRUD', () => {
  it('creates, reads, updates and deletes a record, with display names and a timeline', async () => {
    const account = await t.request('POST', '/api/v1/records/accounts', {
      as: admin,
      body: { name: 'Aceros del Norte SA', is_key_account: true, tier: 'strategic' },
    });
    expect(account.statusCode).toBe(201);
    expect(account.data.data).toMatchObject({
      name: 'Aceros del Norte SA',
      is_key_account: true,
      tier: 'strategic',
      owner_id: admin.userId,
    });
    expect(account.data.display[admin.userId]).toBe('Admin Person');

    const deal = await t.request('POST', '/api/v1/records/deals', {
      as: admin,
      body: { name: 'Renovación 2027', account_id: account.data.data.id, amount: 1250.5, close_date: '2027-03-31', stage: 'proposal' },
    });
    expect(deal.statusCode).toBe(201);
    expect(deal.data.data).toMatchObject({
      amount: '1250.50',
      close_date: '2027-03-31',
      stage: 'proposal',
      probability: '60',
      closed_at: null,
      currency: 'EUR',
    });
    expect(deal.data.display[account.data.data.id]).toBe('Aceros del Norte SA');

    const won = await t.request('PATCH', `/api/v1/records/deals/${deal.data.data.id}`, { as: admin, body: { stage: 'closed_won' } });
    expect(won.statusCode).toBe(200);
    expect(won.data.data.probability).toBe('100');
    expect(won.data.data.closed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const got = await t.request('GET', `/api/v1/records/deals/${deal.data.data.id}`, { as: admin });
    expect(got.data.data.stage).toBe('closed_won');

    const timeline = await t.request('GET', `/api/v1/records/deals/${deal.data.data.id}/timeline`, { as: admin });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.data.data.map((e: { kind: string }) => e.kind)).toEqual(['updated', 'created']);
    expect(timeline.data.data[0].data.changes.stage).toEqual({ from: 'proposal', to: 'closed_won' });

    expect((await t.request('DELETE', `/api/v1/records/deals/${deal.data.data.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/records/deals/${deal.data.data.id}`, { as: admin })).statusCode).toBe(404);
    const bin = await t.request('GET', '/api/v1/records/deals/deleted', { as: admin });
    expect(bin.data.data.map((r: { id: string }) => r.id)).toContain(deal.data.data.id);
    expect((await t.request('POST', `/api/v1/records/deals/${deal.data.data.id}/restore`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/records/deals/${deal.data.data.id}`, { as: admin })).statusCode).toBe(200);
  });

  it('the timeline names the records and users that changed lookup and user fields point at', async () => {
    const seller = await t.make.user(admin, { name: 'Lucía Ventas' });
    const before = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Hierros Sur SL' } });
    const after = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Metales Este SA' } });
    const deal = await t.request('POST', '/api/v1/records/deals', {
      as: admin,
      body: { name: 'Contrato marco', account_id: before.data.data.id, stage: 'qualification' },
    });
    expect(deal.statusCode).toBe(201);
    const moved = await t.request('PATCH', `/api/v1/records/deals/${deal.data.data.id}`, {
      as: admin,
      body: { account_id: after.data.data.id, owner_id: seller.userId },
    });
    expect(moved.statusCode).toBe(200);
    const timeline = await t.request('GET', `/api/v1/records/deals/${deal.data.data.id}/timeline`, { as: admin });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.data.data[0].data.changes).toMatchObject({
      account_id: { from: before.data.data.id, to: after.data.data.id },
      owner_id: { from: admin.userId, to: seller.userId },
    });
    expect(timeline.data.display).toMatchObject({
      [before.data.data.id]: 'Hierros Sur SL',
      [after.data.data.id]: 'Metales Este SA',
      [seller.userId]: 'Lucía Ventas',
      [admin.userId]: 'Admin Person',
    });
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await t.request('GET', '/api/v1/records/leads?count=true', { as: admin });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first_name: 'Ana' }, 'last_name'],
      [{ last_name: 'Pérez', email: 'not-an-email' }, 'email'],
      [{ last_name: 'Pérez', lead_status: 'nonsense' }, 'lead_status'],
      [{ last_name: 'Pérez', employees: 'many' }, 'employees'],
      [{ last_name: 'Pérez', unknown_field: 1 }, 'unknown_field'],
      [{ last_name: 'Pérez', is_converted: true }, 'is_converted'],
      [{ last_name: 'Pérez', referred_by_account_id: '0190a0a0-0000-7000-8000-000000000000' }, 'referred_by_account_id'],
      [{ last_name: 'Pérez', owner_id: '0190a0a0-0000-7000-8000-000000000000' }, 'owner_id'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('POST', '/api/v1/records/leads', { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    }
    const after = await t.request('GET', '/api/v1/records/leads?count=true', { as: admin });
    expect(after.data.total.value).toBe(before.data.total.value);
  });

  it('a unique field refuses a taken value with a 409, and auto-numbers count up', async () => {
    const first = await t.request('POST', '/api/v1/records/products', { as: admin, body: { name: 'Plan anual', product_code: 'PA-1' } });
    expect(first.statusCode).toBe(201);
    const second = await t.request('POST', '/api/v1/records/products', { as: admin, body: { name: 'Otro', product_code: 'PA-1' } });
    expect(second.statusCode).toBe(409);
    expect(second.data.error.details).toMatchObject({ field: 'product_code', reason: 'unique' });
    const a = await t.request('POST', '/api/v1/records/cases', { as: admin, body: { subject: 'No funciona' } });
    const b = await t.request('POST', '/api/v1/records/cases', { as: admin, body: { subject: 'Sigue sin funcionar' } });
    expect(a.data.data.case_number).toBe('CAS-1');
    expect(b.data.data.case_number).toBe('CAS-2');
  });
});

describe('query', () => {
  it('filters, sorts and pages with a cursor without skipping or repeating', async () => {
    const org = await t.make.org();
    const names = ['Ana', 'Bea', 'Carlos', 'Dolores', 'Elena', 'Fermín', 'Gonzalo'];
    const bulk = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: org,
      body: {
        mode: 'create',
        records: names.map((n, i) => ({
          first_name: n,
          last_name: 'García',
          employees: i * 10,
          lead_status: i % 2 ? 'contacted' : 'qualified',
        })),
      },
    });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.data.data.every((r: { status: string }) => r.status === 'created')).toBe(true);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: { data: { data: Array<{ first_name: string }>; nextCursor: string | null } } = await t.request(
        'POST',
        '/api/v1/records/leads/query',
        {
          as: org,
          body: { sort: [{ field: 'employees', direction: 'desc' }], limit: 3, cursor, fields: ['first_name'] },
        },
      );
      seen.push(...page.data.data.map((r) => r.first_name));
      cursor = page.data.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());

    const filtered = await t.request('POST', '/api/v1/records/leads/query', {
      as: org,
      body: {
        filter: {
          and: [
            { field: 'lead_status', op: 'eq', value: 'contacted' },
            { field: 'employees', op: 'gte', value: 30 },
          ],
        },
        count: true,
      },
    });
    expect(filtered.statusCode).toBe(200);
    expect(filtered.data.data.map((r: { first_name: string }) => r.first_name).sort()).toEqual(['Dolores', 'Fermín']);
    expect(filtered.data.total).toEqual({ value: 2, exact: true });
    const money = await t.request('POST', '/api/v1/records/leads/query', {
      as: org,
      body: { filter: { field: 'annual_revenue', op: 'gte', value: 10000 } },
    });
    expect(money.statusCode, money.body).toBe(200);

    const related = await t.request('POST', '/api/v1/records/deals', {
      as: org,
      body: {
        name: 'D1',
        account_id: (
          await t.request('POST', '/api/v1/records/accounts', { as: org, body: { name: 'Bodegas Rías Baixas', is_key_account: true } })
        ).data.data.id,
      },
    });
    expect(related.statusCode).toBe(201);
    const byAccount = await t.request('POST', '/api/v1/records/deals/query', {
      as: org,
      body: { filter: { field: 'account_id.is_key_account', op: 'eq', value: true } },
    });
    expect(byAccount.data.data.map((r: { name: string }) => r.name)).toEqual(['D1']);
  });

  it('refuses bad filters, sorts and cursors with a 400', async () => {
    const bad: Array<[unknown, string]> = [
      [{ filter: { field: 'nope', op: 'eq', value: 1 } }, 'filter.field'],
      [{ filter: { field: 'employees', op: 'contains', value: 1 } }, 'filter.op'],
      [{ filter: { field: 'employees', op: 'eq', value: 'x' } }, 'filter.value'],
      [{ filter: { or: 'x' } }, 'filter'],
      [{ sort: [{ field: 'description' }] }, 'sort[0].field'],
      [{ cursor: 'garbage' }, 'cursor'],
    ];
    for (const [body, field] of bad) {
      const response = await t.request('POST', '/api/v1/records/leads/query', { as: admin, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.data.error.details?.field, JSON.stringify(body)).toBe(field);
    }
  });
});

describe('permissions', () => {
  it('another organization’s records are invisible (404), in lists too', async () => {
    const other = await t.make.org();
    const lead = await t.request('POST', '/api/v1/records/leads', { as: admin, body: { last_name: 'Secreto' } });
    expect((await t.request('GET', `/api/v1/records/leads/${lead.data.data.id}`, { as: other })).statusCode).toBe(404);
    expect(
      (await t.request('PATCH', `/api/v1/records/leads/${lead.data.data.id}`, { as: other, body: { last_name: 'X' } })).statusCode,
    ).toBe(404);
    expect((await t.request('DELETE', `/api/v1/records/leads/${lead.data.data.id}`, { as: other })).statusCode).toBe(404);
    const list = await t.request('GET', '/api/v1/records/leads', { as: other });
    expect(list.data.data.map((r: { id: string }) => r.id)).not.toContain(lead.data.data.id);
  });

  it('a standard user sees only their own records under private sharing, and may not add fields', async () => {
    const org = await t.make.org();
    const alice = await t.make.user(org);
    const bob = await t.make.user(org);
    const mine = await t.request('POST', '/api/v1/records/accounts', { as: alice, body: { name: 'De Alice' } });
    expect(mine.statusCode).toBe(201);
    expect((await t.request('GET', `/api/v1/records/accounts/${mine.data.data.id}`, { as: bob })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/accounts/${mine.data.data.id}`, { as: alice })).statusCode).toBe(200);
    expect((await t.request('GET', `/api/v1/records/accounts/${mine.data.data.id}`, { as: org })).statusCode).toBe(200);
    const field = await t.request('POST', '/api/v1/modules/accounts/fields', { as: alice, body: { label: 'Región', type: 'text' } });
    expect(field.statusCode).toBe(403);
  });
});

describe('custom fields and modules', () => {
  it('adds a custom field live, fills it, renames and hides it without losing data', async () => {
    const org = await t.make.org();
    const created = await t.request('POST', '/api/v1/modules/leads/fields', {
      as: org,
      body: { label: 'Fecha de visita', type: 'date', section: 'main' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.data.apiName).toBe('fecha_de_visita_c');
    const lead = await t.request('POST', '/api/v1/records/leads', {
      as: org,
      body: { last_name: 'Souto', fecha_de_visita_c: '2027-01-15' },
    });
    expect(lead.statusCode).toBe(201);
    expect(lead.data.data.fecha_de_visita_c).toBe('2027-01-15');

    const renamed = await t.request('PATCH', '/api/v1/modules/leads/fields/fecha_de_visita_c', { as: org, body: { label: 'Visita' } });
    expect(renamed.data.label).toBe('Visita');
    await t.request('PATCH', '/api/v1/modules/leads/fields/fecha_de_visita_c', { as: org, body: { hidden: true } });
    const hidden = await t.request('GET', `/api/v1/records/leads/${lead.data.data.id}`, { as: org });
    expect(hidden.data.data).not.toHaveProperty('fecha_de_visita_c');
    await t.request('PATCH', '/api/v1/modules/leads/fields/fecha_de_visita_c', { as: org, body: { hidden: false } });
    const shown = await t.request('GET', `/api/v1/records/leads/${lead.data.data.id}`, { as: org });
    expect(shown.data.data.fecha_de_visita_c).toBe('2027-01-15');

    const again = await t.request('POST', '/api/v1/modules/leads/fields', { as: org, body: { label: 'Fecha de visita', type: 'text' } });
    expect(again.data.apiName).toBe('fecha_de_visita_2_c');
  });

  it('refuses bad field definitions', async () => {
    const bad = [
      { label: 'X', type: 'nonsense' },
      { label: 'X', type: 'picklist', options: { values: [] } },
      { label: 'X', type: 'lookup', options: { target: 'nowhere' } },
      { label: 'X', type: 'boolean', unique: true },
      { label: 'X', type: 'text', options: { pattern: '(' } },
    ];
    for (const body of bad) {
      expect((await t.request('POST', '/api/v1/modules/leads/fields', { as: admin, body })).statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('creates a custom module with records', async () => {
    const org = await t.make.org();
    const module = await t.request('POST', '/api/v1/modules', { as: org, body: { singular: 'Proyecto', plural: 'Proyectos' } });
    expect(module.statusCode).toBe(201);
    expect(module.data.apiName).toBe('proyectos_c');
    const record = await t.request('POST', '/api/v1/records/proyectos_c', { as: org, body: { name: 'Implantación' } });
    expect(record.statusCode).toBe(201);
  });

  it('a validation rule refuses matching records with its message', async () => {
    const org = await t.make.org();
    const rule = await t.request('POST', '/api/v1/modules/deals/validation-rules', {
      as: org,
      body: {
        name: 'Importe en ganadas',
        condition: {
          and: [
            { field: 'stage', op: 'eq', value: 'closed_won' },
            { field: 'amount', op: 'is_empty' },
          ],
        },
        message: 'Una oportunidad ganada necesita importe.',
      },
    });
    expect(rule.statusCode).toBe(201);
    const refused = await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Sin importe', stage: 'closed_won' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.data.error.message).toBe('Una oportunidad ganada necesita importe.');
    const list = await t.request('GET', '/api/v1/records/deals?count=true', { as: org });
    expect(list.data.total.value).toBe(0);
    expect(
      (await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Con importe', stage: 'closed_won', amount: '10' } }))
        .statusCode,
    ).toBe(201);
  });
});
