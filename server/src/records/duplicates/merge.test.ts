import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const create = async (as: TestUser, module: string, body: Record<string, unknown>) => {
  const response = await t.request('POST', `/api/v1/records/${module}?allowDuplicates=true`, { as, body });
  expect(response.statusCode, JSON.stringify(response.data)).toBe(201);
  return response.data.data.id as string;
};
const merge = (as: TestUser, module: string, body: unknown) => t.request('POST', `/api/v1/records/${module}/merge`, { as, body });

describe('POST /records/{module}/merge', () => {
  it('merges three accounts: chosen values, related deals, contacts, tasks and timeline move to the master', async () => {
    const master = await create(admin, 'accounts', { name: 'Frutas Oliva', phone: '910000001' });
    const second = await create(admin, 'accounts', { name: 'Frutas Oliva SL', website: 'https://frutasoliva.es', industry: 'retail' });
    const third = await create(admin, 'accounts', { name: 'FRUTAS OLIVA', employees: 40 });
    const deal = await create(admin, 'deals', { name: 'Pedido anual', account_id: second });
    const contact = await create(admin, 'contacts', { last_name: 'Oliva', account_id: third });
    const task = await create(admin, 'tasks', { subject: 'Llamar', related_module: 'accounts', related_id: second });
    const dealTask = await create(admin, 'tasks', { subject: 'Otro', related_module: 'deals', related_id: deal });
    const child = await create(admin, 'accounts', { name: 'Frutas Oliva Norte', parent_account_id: third });

    const merged = await merge(admin, 'accounts', {
      masterId: master,
      otherIds: [second, third],
      values: { website: second, industry: second, employees: third, name: master },
    });
    expect(merged.statusCode, JSON.stringify(merged.data)).toBe(200);
    expect(merged.data.data).toMatchObject({
      id: master,
      name: 'Frutas Oliva',
      phone: '910000001',
      website: 'https://frutasoliva.es',
      industry: 'retail',
      employees: 40,
    });

    const get = async (module: string, id: string) => (await t.request('GET', `/api/v1/records/${module}/${id}`, { as: admin })).data.data;
    expect((await get('deals', deal)).account_id).toBe(master);
    expect((await get('contacts', contact)).account_id).toBe(master);
    expect((await get('tasks', task)).related_id).toBe(master);
    expect((await get('tasks', dealTask)).related_id).toBe(deal); // a polymorphic lookup at another module stays
    expect((await get('accounts', child)).parent_account_id).toBe(master);

    for (const id of [second, third])
      expect((await t.request('GET', `/api/v1/records/accounts/${id}`, { as: admin })).statusCode).toBe(404);
    const bin = await t.request('GET', '/api/v1/records/accounts/deleted', { as: admin });
    expect(bin.data.data.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([second, third]));

    const timeline = await t.request('GET', `/api/v1/records/accounts/${master}/timeline`, { as: admin });
    const kinds = timeline.data.data.map((e: { kind: string }) => e.kind);
    expect(timeline.data.data.find((e: { kind: string }) => e.kind === 'merged').data).toEqual({ from: [second, third] });
    expect(kinds.filter((k: string) => k === 'created')).toHaveLength(3); // the others' histories came along

    const schema = (
      await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', admin.orgId).executeTakeFirstOrThrow()
    ).schema_name;
    const trail = await sql<{
      record_id: string;
      kind: string;
    }>`SELECT record_id, kind FROM ${sql.raw(`"${schema}"._timeline`)} WHERE record_id = ${second}`.execute(t.database.db);
    expect(trail.rows).toEqual([{ record_id: second, kind: 'merged' }]);
  });

  it('tags, follows and attached files of the others move to the master, once each', async () => {
    const schema = (
      await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', admin.orgId).executeTakeFirstOrThrow()
    ).schema_name;
    const master = await create(admin, 'contacts', { last_name: 'Etiqueta' });
    const other = await create(admin, 'contacts', { last_name: 'Etiqueta' });
    const tags = sql.raw(`"${schema}"._tags`);
    const follows = sql.raw(`"${schema}"._follows`);
    await sql`INSERT INTO ${tags} (module, record_id, tag) VALUES ('contacts', ${master}, 'vip'), ('contacts', ${other}, 'vip'), ('contacts', ${other}, 'feria')`.execute(
      t.database.db,
    );
    await sql`INSERT INTO ${follows} (module, record_id, user_id) VALUES ('contacts', ${other}, ${admin.userId})`.execute(t.database.db);
    const fileId = '0190a0a0-0000-7000-8000-0000000000f1';
    await t.database.db
      .insertInto('platform.files')
      .values({
        id: fileId,
        org_id: admin.orgId,
        name: 'ficha.pdf',
        content_type: 'application/pdf',
        size_bytes: 10,
        sha256: 'x',
        storage_key: 'k',
        module: 'contacts',
        record_id: other,
      })
      .execute();
    expect((await merge(admin, 'contacts', { masterId: master, otherIds: [other], values: {} })).statusCode).toBe(200);
    const file = await t.database.db.selectFrom('platform.files').select('record_id').where('id', '=', fileId).executeTakeFirstOrThrow();
    expect(file.record_id).toBe(master);
    const tagRows = await sql<{
      record_id: string;
      tag: string;
    }>`SELECT record_id, tag FROM ${tags} WHERE record_id = ANY(${[master, other]}::uuid[]) ORDER BY tag`.execute(t.database.db);
    expect(tagRows.rows).toEqual([
      { record_id: master, tag: 'feria' },
      { record_id: master, tag: 'vip' },
    ]);
    const followRows = await sql<{
      record_id: string;
    }>`SELECT record_id FROM ${follows} WHERE record_id = ANY(${[master, other]}::uuid[])`.execute(t.database.db);
    expect(followRows.rows).toEqual([{ record_id: master }]);
  });

  it('the merged record no longer counts as a duplicate; the master keeps its keys', async () => {
    const master = await create(admin, 'leads', { last_name: 'Vega', email: 'vega@example.es' });
    const other = await create(admin, 'leads', { last_name: 'Vega', email: 'vega.otra@example.es', phone: '611222333' });
    expect((await merge(admin, 'leads', { masterId: master, otherIds: [other], values: { phone: other } })).statusCode).toBe(200);
    const check = await t.request('POST', '/api/v1/records/leads/duplicates', {
      as: admin,
      body: { values: { email: 'vega.otra@example.es', phone: '+34 611 22 23 33' } },
    });
    expect(check.data.data).toEqual([{ id: master, name: 'Vega', rules: ['phone'] }]);
  });

  it('bad input is a 400 naming the field and changes nothing', async () => {
    const a = await create(admin, 'contacts', { last_name: 'Uno', title: 'Jefa' });
    const b = await create(admin, 'contacts', { last_name: 'Dos', title: 'Técnico' });
    const c = await create(admin, 'contacts', { last_name: 'Tres' });
    const d = await create(admin, 'contacts', { last_name: 'Cuatro' });
    const cases: Array<[unknown, string]> = [
      [{ masterId: a, otherIds: [a], values: {} }, 'otherIds'],
      [{ masterId: a, otherIds: [b, b], values: {} }, 'otherIds'],
      [{ masterId: a, otherIds: [b], values: { nope: b } }, 'values.nope'],
      [{ masterId: a, otherIds: [b], values: { title: c } }, 'values.title'],
      [{ masterId: a, otherIds: [b], values: { created_at: b } }, 'values.created_at'],
    ];
    for (const [body, field] of cases) {
      const response = await merge(admin, 'contacts', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    }
    expect((await merge(admin, 'contacts', { masterId: a, otherIds: [b, c, d], values: {} })).statusCode).toBe(400);
    expect((await merge(admin, 'contacts', { masterId: a, otherIds: [], values: {} })).statusCode).toBe(400);
    for (const id of [a, b, c, d]) expect((await t.request('GET', `/api/v1/records/contacts/${id}`, { as: admin })).statusCode).toBe(200);
    expect((await t.request('GET', `/api/v1/records/contacts/${a}`, { as: admin })).data.data.title).toBe('Jefa');
  });

  it('needs edit on the master and delete on the others (403); records the caller cannot see are a 404', async () => {
    const a = await create(admin, 'contacts', { last_name: 'Permiso' });
    const b = await create(admin, 'contacts', { last_name: 'Permiso' });
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: admin,
      body: {
        name: 'No delete',
        modules: { '*': { create: true, read: true, edit: true, delete: false, import: false, export: false } },
        fields: {},
      },
    });
    expect(profile.statusCode).toBe(201);
    const noDelete = await t.make.user(admin, { profileId: profile.data.id });
    expect((await merge(noDelete, 'contacts', { masterId: a, otherIds: [b], values: {} })).statusCode).toBe(403);

    // A standard user under private sharing cannot see the administrator's contacts.
    const standard = await t.make.user(admin, { profile: 'standard' });
    expect((await merge(standard, 'contacts', { masterId: a, otherIds: [b], values: {} })).statusCode).toBe(404);
    const own = await create(standard, 'contacts', { last_name: 'Suyo' });
    expect((await merge(standard, 'contacts', { masterId: own, otherIds: [b], values: {} })).statusCode).toBe(404);

    const other = await t.make.org();
    expect((await merge(other, 'contacts', { masterId: a, otherIds: [b], values: {} })).statusCode).toBe(404);
    for (const id of [a, b]) expect((await t.request('GET', `/api/v1/records/contacts/${id}`, { as: admin })).statusCode).toBe(200);
  });
});
