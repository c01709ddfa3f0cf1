import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const READ_ONLY = { create: false, read: true, edit: false, delete: false, import: false, export: false };

describe('saved list views', () => {
  it('saves personal and shared views; others see only the shared ones; owner or admin change them', async () => {
    const alice = await t.make.user(admin);
    const bob = await t.make.user(admin);
    const body = {
      module: 'deals',
      name: 'Grandes',
      filter: { field: 'amount', op: 'gte', value: 10000 },
      sort: [{ field: 'amount', direction: 'desc' }],
      columns: ['name', 'amount'],
    };
    const personal = await t.request('POST', '/api/v1/views', { as: alice, body });
    expect(personal.statusCode).toBe(201);
    expect(personal.data).toMatchObject({ name: 'Grandes', shared: false, ownerId: alice.userId, columns: ['name', 'amount'] });
    expect(personal.data.sort).toEqual([{ field: 'amount', direction: 'desc' }]);
    expect(personal.data.filter).toEqual(body.filter);
    const shared = await t.request('POST', '/api/v1/views', { as: alice, body: { ...body, name: 'Equipo', shared: true } });
    expect(shared.statusCode).toBe(201);

    const mine = await t.request('GET', '/api/v1/views?module=deals', { as: alice });
    expect(mine.data.data.map((v: { name: string }) => v.name)).toEqual(['Equipo', 'Grandes']);
    expect(mine.data.data[1]).toMatchObject({ sort: [{ field: 'amount', direction: 'desc' }], filter: body.filter });
    const bobs = await t.request('GET', '/api/v1/views?module=deals', { as: bob });
    expect(bobs.data.data.map((v: { name: string }) => v.name)).toEqual(['Equipo']);

    expect((await t.request('PATCH', `/api/v1/views/${shared.data.id}`, { as: bob, body: { name: 'Mío' } })).statusCode).toBe(403);
    expect((await t.request('PATCH', `/api/v1/views/${personal.data.id}`, { as: bob, body: { name: 'Mío' } })).statusCode).toBe(404);
    expect((await t.request('DELETE', `/api/v1/views/${personal.data.id}`, { as: bob })).statusCode).toBe(404);
    const renamed = await t.request('PATCH', `/api/v1/views/${shared.data.id}`, { as: admin, body: { name: 'Equipo 2026' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.data.name).toBe('Equipo 2026');
    const resorted = await t.request('PATCH', `/api/v1/views/${shared.data.id}`, {
      as: alice,
      body: { sort: [{ field: 'name' }, { field: 'amount', direction: 'desc' }] },
    });
    expect(resorted.statusCode).toBe(200);
    expect(resorted.data).toMatchObject({
      name: 'Equipo 2026',
      sort: [
        { field: 'name', direction: 'asc' },
        { field: 'amount', direction: 'desc' },
      ],
    });
    expect((await t.request('DELETE', `/api/v1/views/${personal.data.id}`, { as: alice })).statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/views?module=deals', { as: alice })).data.data).toHaveLength(1);

    const otherOrg = await t.make.org();
    expect((await t.request('GET', '/api/v1/views?module=deals', { as: otherOrg })).data.data).toEqual([]);
    expect((await t.request('DELETE', `/api/v1/views/${shared.data.id}`, { as: otherOrg })).statusCode).toBe(404);
  });

  it('refuses a bad filter, sort or column naming the bad part, and saves nothing', async () => {
    const bad = await t.request('POST', '/api/v1/views', {
      as: admin,
      body: {
        module: 'deals',
        name: 'Mal',
        filter: {
          and: [
            { field: 'amount', op: 'gte', value: 1 },
            { field: 'nope', op: 'eq', value: 1 },
          ],
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('filter.and[1].field');
    const column = await t.request('POST', '/api/v1/views', {
      as: admin,
      body: { module: 'deals', name: 'Mal', columns: ['name', 'nope'] },
    });
    expect(column.statusCode).toBe(400);
    expect(column.data.error.details.field).toBe('columns[1]');
    const sort = await t.request('POST', '/api/v1/views', { as: admin, body: { module: 'deals', name: 'Mal', sort: [{ field: 'nope' }] } });
    expect(sort.statusCode).toBe(400);
    expect(
      (await t.request('GET', '/api/v1/views?module=deals', { as: admin })).data.data.filter((v: { name: string }) => v.name === 'Mal'),
    ).toEqual([]);
    expect((await t.request('POST', '/api/v1/views', { as: admin, body: { module: 'nothing_here', name: 'X' } })).statusCode).toBe(404);
  });
});

describe('mass actions', () => {
  it('updates, changes owner and deletes many records with one result each; records outside scope are untouched', async () => {
    const org = await t.make.org();
    const alice = await t.make.user(org);
    const bob = await t.make.user(org);
    const ids: string[] = [];
    for (const name of ['Uno', 'Dos', 'Tres']) {
      ids.push((await t.request('POST', '/api/v1/records/accounts', { as: alice, body: { name } })).data.data.id);
    }
    const bobs = (await t.request('POST', '/api/v1/records/accounts', { as: bob, body: { name: 'De Bob' } })).data.data.id;

    const updated = await t.request('POST', '/api/v1/records/accounts/mass-update', {
      as: alice,
      body: { ids: [...ids, bobs], values: { website: 'https://acme.test' } },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.data.data.map((r: { status: string }) => r.status)).toEqual(['updated', 'updated', 'updated', 'error']);
    expect((await t.request('GET', `/api/v1/records/accounts/${bobs}`, { as: bob })).data.data.website).toBeNull();

    const bad = await t.request('POST', '/api/v1/records/accounts/mass-update', {
      as: alice,
      body: { ids, values: { website: 'no es web' } },
    });
    expect(
      bad.data.data.every(
        (r: { status: string; errors?: Array<{ field: string }> }) => r.status === 'error' && r.errors?.[0]?.field === 'website',
      ),
    ).toBe(true);
    expect((await t.request('GET', `/api/v1/records/accounts/${ids[0]}`, { as: alice })).data.data.website).toBe('https://acme.test');

    const owner = await t.request('POST', '/api/v1/records/accounts/mass-update', {
      as: org,
      body: { filter: { field: 'name', op: 'in', value: ['Uno', 'Dos'] }, values: { owner_id: bob.userId } },
    });
    expect(owner.statusCode, JSON.stringify(owner.data)).toBe(200);
    expect(owner.data.data).toHaveLength(2);
    expect((await t.request('GET', `/api/v1/records/accounts/${ids[0]}`, { as: bob })).data.data.owner_id).toBe(bob.userId);

    const deleted = await t.request('POST', '/api/v1/records/accounts/mass-delete', { as: alice, body: { ids: [ids[2], bobs] } });
    expect(deleted.data.data.map((r: { status: string }) => r.status)).toEqual(['deleted', 'error']);
    expect((await t.request('GET', `/api/v1/records/accounts/${ids[2]}`, { as: alice })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/accounts/${bobs}`, { as: bob })).statusCode).toBe(200);
  });

  it('refuses bad input and answers 403 without edit or delete permission', async () => {
    const org = await t.make.org();
    const profile = await t.request('POST', '/api/v1/profiles', { as: org, body: { name: 'Solo lectura', modules: { '*': READ_ONLY } } });
    expect(profile.statusCode).toBe(201);
    const reader = await t.make.user(org, { profileId: profile.data.id });
    const id = (await t.request('POST', '/api/v1/records/accounts', { as: org, body: { name: 'Intacta' } })).data.data.id;
    expect(
      (await t.request('POST', '/api/v1/records/accounts/mass-update', { as: reader, body: { ids: [id], values: { name: 'X' } } }))
        .statusCode,
    ).toBe(403);
    expect((await t.request('POST', '/api/v1/records/accounts/mass-delete', { as: reader, body: { ids: [id] } })).statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/records/accounts/${id}`, { as: org })).data.data.name).toBe('Intacta');

    const empty = await t.request('POST', '/api/v1/records/accounts/mass-update', { as: org, body: { ids: [id], values: {} } });
    expect(empty.statusCode).toBe(400);
    expect(empty.data.error.details.field).toBe('values');
    const none = await t.request('POST', '/api/v1/records/accounts/mass-delete', { as: org, body: {} });
    expect(none.statusCode).toBe(400);
    const tooMany = Array.from({ length: 1001 }, () => id);
    expect((await t.request('POST', '/api/v1/records/accounts/mass-delete', { as: org, body: { ids: tooMany } })).statusCode).toBe(400);
    const badFilter = await t.request('POST', '/api/v1/records/accounts/mass-delete', {
      as: org,
      body: { filter: { field: 'nope', op: 'eq', value: 1 } },
    });
    expect(badFilter.statusCode).toBe(400);
    expect((await t.request('GET', `/api/v1/records/accounts/${id}`, { as: org })).statusCode).toBe(200);
  });
});
