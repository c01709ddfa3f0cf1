import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { normalizePhone, normalizeText } from './duplicate-keys.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const create = (as: TestUser, module: string, body: Record<string, unknown>, query = '') =>
  t.request('POST', `/api/v1/records/${module}${query}`, { as, body });

describe('normalization', () => {
  it('phones become E.164 with Spain as the default country; names lose accents and case', () => {
    expect(normalizePhone('+34 600 111 222')).toBe('+34600111222');
    expect(normalizePhone('600111222')).toBe('+34600111222');
    expect(normalizePhone('600-11-12-22')).toBe('+34600111222');
    expect(normalizePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizeText('  José   PÉREZ, S.L. ')).toBe('jose perez s l');
  });
});

describe('duplicate check on create', () => {
  it('e-mail: a second lead with the same address (other case) is a 409 duplicate unless allowed', async () => {
    const first = await create(admin, 'leads', { last_name: 'Sanz', email: 'Marta.Sanz@example.es' });
    expect(first.statusCode).toBe(201);
    const second = await create(admin, 'leads', { last_name: 'Otra', email: 'marta.sanz@EXAMPLE.es' });
    expect(second.statusCode).toBe(409);
    expect(second.data.error.code).toBe('duplicate');
    expect(second.data.error.details.matches).toEqual([{ id: first.data.data.id, name: 'Sanz', rules: ['email'] }]);
    const allowed = await create(admin, 'leads', { last_name: 'Otra', email: 'marta.sanz@example.es' }, '?allowDuplicates=true');
    expect(allowed.statusCode).toBe(201);
    const byHeader = await t.request('POST', '/api/v1/records/leads', {
      as: admin,
      body: { last_name: 'Tercera', email: 'marta.sanz@example.es' },
      headers: { 'x-allow-duplicates': 'true' },
    });
    expect(byHeader.statusCode).toBe(201);
  });

  it('phone: "+34 600 111 222" and "600111222" are the same number', async () => {
    const first = await create(admin, 'contacts', { last_name: 'Gil', mobile: '+34 600 111 222' });
    expect(first.statusCode).toBe(201);
    const check = await t.request('POST', '/api/v1/records/contacts/duplicates', { as: admin, body: { values: { phone: '600111222' } } });
    expect(check.statusCode).toBe(200);
    expect(check.data.data).toEqual([{ id: first.data.data.id, name: 'Gil', rules: ['phone'] }]);
    const second = await create(admin, 'contacts', { last_name: 'Ruiz', phone: '600111222' });
    expect(second.statusCode).toBe(409);
    expect(second.data.error.details.matches[0].id).toBe(first.data.data.id);
    const other = await t.request('POST', '/api/v1/records/contacts/duplicates', { as: admin, body: { values: { phone: '600111223' } } });
    expect(other.data.data).toEqual([]);
  });

  it('name + company ignore accents and case; accounts compare the name', async () => {
    const lead = await create(admin, 'leads', { first_name: 'José', last_name: 'Núñez', company: 'Cerámicas Álvarez' });
    expect(lead.statusCode).toBe(201);
    const same = await create(admin, 'leads', { first_name: 'jose', last_name: 'NUNEZ', company: 'ceramicas alvarez' });
    expect(same.statusCode).toBe(409);
    expect(same.data.error.details.matches).toEqual([{ id: lead.data.data.id, name: 'José Núñez', rules: ['name_company'] }]);
    // The same name at another company is someone else.
    expect((await create(admin, 'leads', { first_name: 'José', last_name: 'Núñez', company: 'Otra SA' })).statusCode).toBe(201);

    const account = await create(admin, 'accounts', { name: 'Transportes Muñoz' });
    expect(account.statusCode).toBe(201);
    const again = await create(admin, 'accounts', { name: 'TRANSPORTES MUNOZ' });
    expect(again.statusCode).toBe(409);
    // A contact's company is its account's name.
    const contact = await create(admin, 'contacts', { first_name: 'Lucía', last_name: 'Prado', account_id: account.data.data.id });
    expect(contact.statusCode).toBe(201);
    const check = await t.request('POST', '/api/v1/records/contacts/duplicates', {
      as: admin,
      body: { values: { first_name: 'Lucia', last_name: 'prado', account_id: account.data.data.id } },
    });
    expect(check.data.data.map((m: { id: string }) => m.id)).toEqual([contact.data.data.id]);
  });

  it('an edit keeps the keys current, and a record in the recycle bin is no duplicate', async () => {
    const lead = await create(admin, 'leads', { last_name: 'Cambia', email: 'antes@example.es' });
    await t.request('PATCH', `/api/v1/records/leads/${lead.data.data.id}`, { as: admin, body: { email: 'despues@example.es' } });
    expect((await create(admin, 'leads', { last_name: 'Nuevo', email: 'antes@example.es' })).statusCode).toBe(201);
    expect((await create(admin, 'leads', { last_name: 'Nuevo', email: 'despues@example.es' })).statusCode).toBe(409);
    await t.request('DELETE', `/api/v1/records/leads/${lead.data.data.id}`, { as: admin });
    expect((await create(admin, 'leads', { last_name: 'Nuevo', email: 'despues@example.es' })).statusCode).toBe(201);
  });

  it('bulk create reports duplicates per record', async () => {
    await create(admin, 'leads', { last_name: 'Bulk', email: 'bulk@example.es' });
    const bulk = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: admin,
      body: {
        mode: 'create',
        records: [
          { last_name: 'A', email: 'bulk@example.es' },
          { last_name: 'B', email: 'bulk-b@example.es' },
        ],
      },
    });
    expect(bulk.data.data[0]).toMatchObject({ status: 'error', errors: [{ reason: 'duplicate' }] });
    expect(bulk.data.data[1]).toMatchObject({ status: 'created' });
  });

  it('two records of one batch with the same key: the first is created, the second refused (unless allowed)', async () => {
    const records = [
      { last_name: 'Twin', email: 'twin@example.es' },
      { last_name: 'Other', email: 'other-twin@example.es' },
      { last_name: 'Twin again', email: 'TWIN@example.es' },
    ];
    const bulk = await t.request('POST', '/api/v1/records/leads/bulk', { as: admin, body: { mode: 'create', records } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(bulk.data.data.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'error']);
    expect(bulk.data.data[2].errors[0]).toMatchObject({ field: null, reason: 'duplicate' });
    expect(bulk.data.data[2].errors[0].message).toContain('Twin');
    const allowed = await t.request('POST', '/api/v1/records/leads/bulk', {
      as: admin,
      headers: { 'x-allow-duplicates': 'true' },
      body: { mode: 'create', records: [records[0], records[0]] },
    });
    expect(allowed.data.data.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
  });

  it('only records the caller can see are matches', async () => {
    const other = await t.make.org();
    await create(other, 'leads', { last_name: 'Ajena', email: 'ajena@example.es' });
    expect((await create(admin, 'leads', { last_name: 'Propia', email: 'ajena@example.es' })).statusCode).toBe(201);
    // A private lead of a colleague (standard profile, default private sharing) is not shown.
    const colleague = await t.make.user(admin, { profile: 'standard' });
    const mine = await create(colleague, 'leads', { last_name: 'Privada', email: 'privada@example.es' });
    expect(mine.statusCode).toBe(201);
    const another = await t.make.user(admin, { profile: 'standard' });
    const check = await t.request('POST', '/api/v1/records/leads/duplicates', {
      as: another,
      body: { values: { email: 'privada@example.es' } },
    });
    expect(check.statusCode).toBe(200);
    expect(check.data.data).toEqual([]);
  });

  it('the check refuses unknown fields with a 400', async () => {
    const bad = await t.request('POST', '/api/v1/records/leads/duplicates', { as: admin, body: { values: { nope: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('values.nope');
  });
});

describe('duplicate rules settings', () => {
  it('an administrator reads and changes a module’s rules; turning e-mail off lets the same address in', async () => {
    const org = await t.make.org();
    const got = await t.request('GET', '/api/v1/settings/duplicate-rules/leads', { as: org });
    expect(got.data).toEqual({ module: 'leads', rules: ['email', 'phone', 'name_company'] });
    await create(org, 'leads', { last_name: 'Uno', email: 'regla@example.es' });
    expect((await create(org, 'leads', { last_name: 'Dos', email: 'regla@example.es' })).statusCode).toBe(409);
    const put = await t.request('PUT', '/api/v1/settings/duplicate-rules/leads', { as: org, body: { rules: ['phone'] } });
    expect(put.statusCode).toBe(200);
    expect(put.data).toEqual({ module: 'leads', rules: ['phone'] });
    expect((await create(org, 'leads', { last_name: 'Dos', email: 'regla@example.es' })).statusCode).toBe(201);
  });

  it('bad rules are a 400, an unknown module a 404, a non-administrator a 403', async () => {
    const org = await t.make.org();
    const bad = await t.request('PUT', '/api/v1/settings/duplicate-rules/leads', { as: org, body: { rules: ['shoe_size'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('rules.0');
    expect((await t.request('GET', '/api/v1/settings/duplicate-rules/leads', { as: org })).data.rules).toHaveLength(3);
    expect((await t.request('GET', '/api/v1/settings/duplicate-rules/nothing_here', { as: org })).statusCode).toBe(404);
    const standard = await t.make.user(org, { profile: 'standard' });
    expect((await t.request('PUT', '/api/v1/settings/duplicate-rules/leads', { as: standard, body: { rules: [] } })).statusCode).toBe(403);
  });
});
