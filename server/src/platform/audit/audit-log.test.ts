import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { newId } from '../ids.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

interface Entry {
  id: string;
  action: string;
  actorId: string | null;
  actorName: string | null;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

async function readAll(as: TestUser, query: string, limit: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/audit-log?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await t.request('GET', url, { as });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.data.data.length).toBeLessThanOrEqual(limit);
    entries.push(...page.data.data);
    cursor = page.data.nextCursor;
  } while (cursor);
  return entries;
}

describe('GET /audit-log', () => {
  it('shows the organization’s changes newest first with actor, target and before/after', async () => {
    const admin = await t.make.org({ name: 'Ada Admin' });
    const standard = await t.make.user(admin);
    await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Sales' } });
    await t.request('PUT', '/api/v1/sharing/deals', { as: admin, body: { access: 'public_read' } });
    await t.request('PATCH', `/api/v1/users/${standard.userId}`, { as: admin, body: { active: false } });
    const page = await t.request('GET', '/api/v1/audit-log', { as: admin });
    expect(page.statusCode).toBe(200);
    expect(page.data.nextCursor).toBeNull();
    expect(page.data.data.map((e: Entry) => e.action)).toEqual([
      'user.deactivated',
      'sharing.updated',
      'role.created',
      'organization.created',
    ]);
    expect(page.data.data[0]).toMatchObject({
      actorId: admin.userId,
      actorName: 'Ada Admin',
      targetType: 'user',
      targetId: standard.userId,
      before: { active: true },
      after: { active: false },
    });
    expect(page.data.data[1]).toMatchObject({
      targetType: 'module',
      targetId: 'deals',
      before: { access: 'private' },
      after: { access: 'public_read' },
    });
  });

  it('filters by action (or action family), actor, target and time range', async () => {
    const admin = await t.make.org();
    const second = await t.make.user(admin, { profile: 'administrator' });
    const role = (await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'A' } })).data;
    await t.request('PATCH', `/api/v1/roles/${role.id}`, { as: second, body: { name: 'B' } });
    await t.request('POST', '/api/v1/groups', { as: second, body: { name: 'G' } });
    const actions = async (query: string) =>
      (await t.request('GET', `/api/v1/audit-log?${query}`, { as: admin })).data.data.map((e: Entry) => e.action);
    expect(await actions('action=role.updated')).toEqual(['role.updated']);
    expect(await actions('action=role.*')).toEqual(['role.updated', 'role.created']);
    expect(await actions(`actorId=${second.userId}`)).toEqual(['group.created', 'role.updated']);
    expect(await actions('targetType=group')).toEqual(['group.created']);
    expect(await actions(`targetId=${role.id}`)).toEqual(['role.updated', 'role.created']);
    const all = (await t.request('GET', '/api/v1/audit-log', { as: admin })).data.data as Entry[];
    const middle = all.find((e) => e.action === 'role.updated')!;
    expect(await actions(`from=${encodeURIComponent(middle.createdAt)}&action=role.*`)).toContain('role.updated');
    expect(await actions(`to=${encodeURIComponent(new Date(Date.parse(all.at(-1)!.createdAt)).toISOString())}`)).toEqual([]);
    expect(await actions(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });

  it('pages with a keyset cursor that neither skips nor repeats entries written in the same instant', async () => {
    const admin = await t.make.org();
    // Twelve entries sharing one timestamp, and more around them.
    const instant = '2020-03-01T10:00:00.123456Z'; // microseconds: a millisecond cursor would lose them
    await t.database.db
      .insertInto('platform.audit_log')
      .values(
        Array.from({ length: 12 }, (_, i) => ({
          id: newId(),
          org_id: admin.orgId,
          actor_id: admin.userId,
          action: `test.same_${i}`,
          created_at: instant,
        })),
      )
      .execute();
    await t.database.db
      .insertInto('platform.audit_log')
      .values({ id: newId(), org_id: admin.orgId, actor_id: null, action: 'test.later', created_at: '2020-03-01T10:00:00.123457Z' })
      .execute();
    const expected = (await readAll(admin, '', 200)).map((e) => e.id);
    expect(expected.length).toBe(14);
    for (const limit of [1, 5, 13]) {
      const paged = (await readAll(admin, '', limit)).map((e) => e.id);
      expect(paged).toEqual(expected);
    }
    expect((await readAll(admin, '', 3)).map((e) => e.action)[0]).toBe('organization.created');
  });

  it('refuses bad parameters with 400 naming them', async () => {
    const admin = await t.make.org();
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'cursor'],
      ['actorId=someone', 'actorId'],
      ['from=last-week', 'from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['colour=red', 'colour'],
    ] as const) {
      const response = await t.request('GET', `/api/v1/audit-log?${query}`, { as: admin });
      expect(response.statusCode, query).toBe(400);
      expect(JSON.stringify(response.data.error), query).toContain(field);
    }
  });

  it('is for administrators only and never shows another organization’s entries', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    await t.request('POST', '/api/v1/roles', { as: other, body: { name: 'Theirs' } });
    expect((await t.request('GET', '/api/v1/audit-log', { as: standard })).statusCode).toBe(403);
    const mine = await readAll(admin, '', 50);
    expect(mine.map((e) => e.action)).toEqual(['organization.created']);
    expect(await readAll(admin, `actorId=${other.userId}`, 50)).toEqual([]);
    expect(await readAll(admin, 'action=role.created', 50)).toEqual([]);
  });
});

describe('GET /audit-log with moments that do not exist', () => {
  it('answers 400 naming the field for a forged cursor or a leap second, never 500', async () => {
    const admin = await t.make.org();
    const forged = Buffer.from(JSON.stringify(['2024-13-45T99:99:99Z', newId()])).toString('base64url');
    const badCursor = await t.request('GET', `/api/v1/audit-log?cursor=${forged}`, { as: admin });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.data.error.details.field).toBe('cursor');
    const leap = await t.request('GET', '/api/v1/audit-log?from=2016-12-31T23:59:60Z', { as: admin });
    expect(leap.statusCode).toBe(400);
  });
});
