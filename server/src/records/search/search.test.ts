import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { syncStandardCatalog } from '../metadata/provision.js';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

interface Hit {
  module: string;
  id: string;
  name: string;
  matchedField: string;
  snippet?: string;
  score: number;
}

const search = async (as: TestUser, q: string, extra = '') => {
  const response = await t.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return response.data as { data: Hit[]; modules: string[] };
};
/** The field a 400 names (a schema error lists them in `fields`). */
const badField = (data: { error: { details: { field?: string; fields?: Array<{ field: string }> } } }) =>
  data.error.details.field ?? data.error.details.fields?.[0]?.field;
const ids = (result: { data: Hit[] }) => result.data.map((hit) => hit.id);

async function create(as: TestUser, module: string, body: Record<string, unknown>): Promise<string> {
  const response = await t.request('POST', `/api/v1/records/${module}`, { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id;
}

/** The names of an organization's search indexes. */
const searchIndexes = async (orgId: string) => {
  const org = await t.database.db
    .selectFrom('platform.organizations')
    .select('schema_name')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const rows = await sql<{
    indexname: string;
  }>`SELECT indexname FROM pg_indexes WHERE schemaname = ${org.schema_name} AND indexname LIKE '%search%'`.execute(t.database.db);
  return rows.rows.map((row) => row.indexname);
};

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

describe('GET /api/v1/search', () => {
  it('finds a name without its accents, with a typo, and in capitals', async () => {
    const org = await t.make.org();
    const jose = await create(org, 'contacts', { first_name: 'José', last_name: 'Muñoz', email: 'jose.munoz@example.com' });
    await create(org, 'contacts', { first_name: 'Ana', last_name: 'Ortega' });
    for (const q of ['Muñoz', 'Munoz', 'Munos', 'jose munos', 'JOSÉ MUÑOZ', 'muñ']) {
      const result = await search(org, q);
      expect(ids(result), q).toEqual([jose]);
      expect(result.data[0]).toMatchObject({ module: 'contacts', name: 'José Muñoz' });
    }
    expect((await search(org, 'Munos')).data[0]!.matchedField).toBe('last_name');
    expect((await search(org, 'Jose')).data[0]!.matchedField).toBe('first_name');
    expect((await search(org, 'Zubizarreta')).data).toEqual([]);
  });

  it('finds records by e-mail, phone and code, saying which field matched', async () => {
    const org = await t.make.org();
    const lead = await create(org, 'leads', {
      last_name: 'Souto',
      company: 'Conservas Rías Baixas',
      email: 'compras@riasbaixas.test',
      phone: '+34 986 123 456',
    });
    const product = await create(org, 'products', { name: 'Lata 250 g', product_code: 'LAT-250' });
    const byMail = await search(org, 'compras@rias');
    expect(byMail.data[0]).toMatchObject({ id: lead, matchedField: 'email', snippet: 'compras@riasbaixas.test' });
    expect((await search(org, 'conservas rias')).data[0]).toMatchObject({
      id: lead,
      matchedField: 'company',
      snippet: 'Conservas Rías Baixas',
    });
    expect((await search(org, '986 123')).data[0]).toMatchObject({ id: lead, matchedField: 'phone' });
    expect((await search(org, '986123456')).data[0]).toMatchObject({ id: lead, matchedField: 'phone' });
    // An e-mail domain, with or without its "@".
    for (const q of ['@riasbaixas', 'riasbaixas.test'])
      expect((await search(org, q)).data[0], q).toMatchObject({ id: lead, matchedField: 'email' });
    expect((await search(org, 'lat-250')).data[0]).toMatchObject({ id: product, module: 'products', matchedField: 'product_code' });
  });

  it('ranks the exact match first, then prefixes, then a word’s prefix, then similar names', async () => {
    const org = await t.make.org();
    const similar = await create(org, 'accounts', { name: 'Marty Corp' });
    const word = await create(org, 'accounts', { name: 'Grupo Martinez' });
    const prefix = await create(org, 'accounts', { name: 'Martinez Industrial' });
    const exact = await create(org, 'accounts', { name: 'Martí' });
    const result = await search(org, 'marti');
    expect(ids(result)).toEqual([exact, prefix, word, similar]);
    const scores = result.data.map((hit) => hit.score);
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    // Across modules as well: an exact contact name comes before a similar account.
    const contact = await create(org, 'contacts', { last_name: 'Marty' });
    const mixed = await search(org, 'marty');
    expect(ids(mixed).slice(0, 2)).toEqual(expect.arrayContaining([contact, similar]));
    expect(mixed.data[0]!.score).toBeLessThan(mixed.data.at(-1)!.score);
  });

  it('keeps the exact match first when a text has more prefix matches than a module ranks', async () => {
    const org = await t.make.org();
    const records = Array.from({ length: 300 }, (_, i) => ({ name: `Martínez ${String(i).padStart(3, '0')}` }));
    const bulk = await t.request('POST', '/api/v1/records/accounts/bulk', { as: org, body: { mode: 'create', records } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    const exact = await create(org, 'accounts', { name: 'Martínez' });
    const result = await search(org, 'martinez', '&limit=5');
    expect(result.data[0]).toMatchObject({ id: exact, name: 'Martínez' });
    expect(result.data).toHaveLength(5);
    // A typo still finds them (the similarity stage), the exact spelling ranking first there too.
    expect((await search(org, 'martines', '&limit=5')).data).toHaveLength(5);
  });

  it('limits the results and the modules searched; deleted records are not found', async () => {
    const org = await t.make.org();
    for (let i = 0; i < 5; i++) await create(org, 'accounts', { name: `Hidalgo ${i}` });
    const lead = await create(org, 'leads', { last_name: 'Hidalgo' });
    expect((await search(org, 'hidalgo', '&limit=3')).data).toHaveLength(3);
    const onlyLeads = await search(org, 'hidalgo', '&modules=leads');
    expect(onlyLeads.modules).toEqual(['leads']);
    expect(ids(onlyLeads)).toEqual([lead]);
    expect((await t.request('DELETE', `/api/v1/records/leads/${lead}`, { as: org })).statusCode).toBe(204);
    expect(await search(org, 'hidalgo', '&modules=leads')).toMatchObject({ data: [] });
  });

  it('finds records of a custom module by name', async () => {
    const org = await t.make.org();
    const module = await t.request('POST', '/api/v1/modules', { as: org, body: { singular: 'Proyecto', plural: 'Proyectos' } });
    expect(module.statusCode).toBe(201);
    const id = await create(org, 'proyectos_c', { name: 'Implantación Galicia' });
    expect((await search(org, 'implantacion')).data[0]).toMatchObject({ module: 'proyectos_c', id, matchedField: 'name' });
  });

  it('an administrator opts a custom field into the search and out again', async () => {
    const org = await t.make.org();
    const field = await t.request('POST', '/api/v1/modules/accounts/fields', { as: org, body: { label: 'Código SAP', type: 'text' } });
    expect(field.statusCode, field.body).toBe(201);
    const apiName = field.data.apiName as string;
    const id = await create(org, 'accounts', { name: 'Lácteos del Cantábrico', [apiName]: 'SAP-77120' });
    expect((await search(org, 'SAP-77120')).data).toEqual([]);

    const url = `/api/v1/modules/accounts/fields/${apiName}`;
    const on = await t.request('PATCH', url, { as: org, body: { searchable: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.data.searchable).toBe(true);
    expect((await search(org, 'sap-7712')).data[0]).toMatchObject({ id, matchedField: apiName, snippet: 'SAP-77120' });
    expect(await searchIndexes(org.orgId)).toEqual(
      expect.arrayContaining([`accounts__search_${apiName}`, `accounts__search_${apiName}_prefix`]),
    );

    const off = await t.request('PATCH', url, { as: org, body: { searchable: false } });
    expect(off.data.searchable).toBe(false);
    expect((await search(org, 'SAP-77120')).data).toEqual([]);
    expect(await searchIndexes(org.orgId)).not.toContain(`accounts__search_${apiName}`);

    // A number cannot be searched (400); only an administrator changes it (403).
    const number = await t.request('POST', '/api/v1/modules/accounts/fields', { as: org, body: { label: 'Sucursales', type: 'integer' } });
    const refused = await t.request('PATCH', `/api/v1/modules/accounts/fields/${number.data.apiName}`, {
      as: org,
      body: { searchable: true },
    });
    expect(refused.statusCode).toBe(400);
    expect(badField(refused.data)).toBe('searchable');
    const user = await t.make.user(org);
    expect((await t.request('PATCH', url, { as: user, body: { searchable: true } })).statusCode).toBe(403);
  });
});

describe('search permissions', () => {
  it('another user’s private record is not found, the administrator finds it; another organization never', async () => {
    const org = await t.make.org();
    const alice = await t.make.user(org);
    const bob = await t.make.user(org);
    const ofBob = await create(bob, 'accounts', { name: 'Talleres Iturbide' });
    expect(ids(await search(alice, 'iturbide'))).toEqual([]);
    expect(ids(await search(bob, 'iturbide'))).toEqual([ofBob]);
    expect(ids(await search(org, 'iturbide'))).toEqual([ofBob]);
    expect(ids(await search(admin, 'iturbide'))).toEqual([]);
    const stranger = await t.make.org();
    expect(ids(await search(stranger, 'Talleres Iturbide'))).toEqual([]);
  });

  it('skips modules the profile cannot read', async () => {
    const org = await t.make.org();
    const all = { create: true, read: true, edit: true, delete: true, import: true, export: true };
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: org,
      body: { name: 'Sin contactos', modules: { '*': all, contacts: { ...all, read: false } } },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    const user = await t.make.user(org, { profileId: profile.data.id });
    await create(user, 'contacts', { last_name: 'Quintana' }).catch(() => undefined);
    await create(org, 'contacts', { last_name: 'Quintana', owner_id: user.userId });
    const account = await create(user, 'accounts', { name: 'Quintana Hermanos' });
    const result = await search(user, 'quintana');
    expect(result.modules).not.toContain('contacts');
    expect(ids(result)).toEqual([account]);
    expect((await search(user, 'quintana', '&modules=contacts')).data).toEqual([]);
  });

  it('never searches nor returns a field hidden for the profile or by the administrator', async () => {
    const org = await t.make.org();
    const all = { create: true, read: true, edit: true, delete: true, import: true, export: true };
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: org,
      body: { name: 'Sin correo', modules: { '*': all }, fields: { contacts: { email: 'hidden' } } },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    const user = await t.make.user(org, { profileId: profile.data.id });
    const contact = await create(org, 'contacts', {
      first_name: 'Irene',
      last_name: 'Vidal',
      email: 'zapateria.vidal@example.com',
      owner_id: user.userId,
    });
    expect(ids(await search(org, 'zapateria.vidal'))).toEqual([contact]);
    expect(ids(await search(user, 'zapateria.vidal'))).toEqual([]);
    const byName = await search(user, 'irene vidal');
    expect(ids(byName)).toEqual([contact]);
    expect(byName.data[0]).not.toHaveProperty('snippet');

    // A display field hidden for the profile: the name is neither searched nor shown with it.
    const noSurname = await t.request('PATCH', `/api/v1/profiles/${profile.data.id}`, {
      as: org,
      body: { fields: { contacts: { email: 'hidden', last_name: 'hidden' } } },
    });
    expect(noSurname.statusCode, noSurname.body).toBe(200);
    expect(ids(await search(user, 'vidal'))).toEqual([]);
    expect((await search(user, 'irene')).data[0]).toMatchObject({ id: contact, name: 'Irene' });

    // Hidden by the administrator: nobody finds the record by it any more.
    const hidden = await t.request('PATCH', '/api/v1/modules/contacts/fields/email', { as: org, body: { hidden: true } });
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(ids(await search(org, 'zapateria.vidal'))).toEqual([]);
    expect(ids(await search(org, 'irene vidal'))).toEqual([contact]);
  });
});

describe('bad input', () => {
  it('refuses a text under 2 letters or digits, a bad limit or module, and anonymous callers', async () => {
    for (const url of ['/api/v1/search', '/api/v1/search?q=a', '/api/v1/search?q=%20%20b%20', '/api/v1/search?q=%25%25%25']) {
      const response = await t.request('GET', url, { as: admin });
      expect(response.statusCode, url).toBe(400);
      expect(badField(response.data), url).toBe('q');
    }
    for (const [url, field] of [
      ['/api/v1/search?q=ana&limit=0', 'limit'],
      ['/api/v1/search?q=ana&limit=51', 'limit'],
      ['/api/v1/search?q=ana&modules=nothing_here', 'modules'],
      ['/api/v1/search?q=ana&modules=Bad%20Name', 'modules'],
      [`/api/v1/search?q=${'a'.repeat(101)}`, 'q'],
    ] as const) {
      const response = await t.request('GET', url, { as: admin });
      expect(response.statusCode, url).toBe(400);
      expect(badField(response.data), url).toBe(field);
    }
    expect((await t.request('GET', '/api/v1/search?q=ana', { as: null })).statusCode).toBe(401);
  });
});

describe('search indexes', () => {
  it('a new organization gets trigram indexes on names and search fields; an older one gets them at start', async () => {
    const org = await t.make.org();
    const names = await searchIndexes(org.orgId);
    expect(names).toEqual(
      expect.arrayContaining([
        'contacts__search_name',
        'contacts__search_email',
        'leads__search_company',
        'accounts__search_name',
        'deals__search_name',
        // btree prefix indexes beside the trigram ones; a phone is indexed by its digits
        'contacts__search_name_prefix',
        'leads__search_company_prefix',
        'leads__search_phone_digits',
        'contacts__search_last_name_word',
        'contacts__search_email_domain',
      ]),
    );
    expect(names).not.toContain('leads__search_phone');
    const schema = (
      await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', org.orgId).executeTakeFirstOrThrow()
    ).schema_name;
    // An organization provisioned before search: no indexes, no search fields, an older catalog.
    await sql.raw(`DROP INDEX ${schema}.contacts__search_name; DROP INDEX ${schema}.contacts__search_email`).execute(t.database.db);
    await t.database.db.updateTable('platform.modules').set({ search_fields: '[]' }).where('org_id', '=', org.orgId).execute();
    await t.database.db.updateTable('platform.organizations').set({ catalog_version: 'older' }).where('id', '=', org.orgId).execute();
    expect(await searchIndexes(org.orgId)).not.toContain('contacts__search_email');
    expect(await syncStandardCatalog(t.database)).toBeGreaterThanOrEqual(1);
    expect(await searchIndexes(org.orgId)).toEqual(expect.arrayContaining(['contacts__search_name', 'contacts__search_email']));
    const contacts = await t.database.db
      .selectFrom('platform.modules')
      .select('search_fields')
      .where('org_id', '=', org.orgId)
      .where('api_name', '=', 'contacts')
      .executeTakeFirstOrThrow();
    expect(contacts.search_fields).toEqual(['email', 'phone', 'mobile']);
  });
});
