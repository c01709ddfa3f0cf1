import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;

const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: true };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const WON_BY_MONTH = {
  module: 'deals',
  type: 'summary',
  filter: { field: 'stage', op: 'eq', value: 'closed_won' },
  period: { field: 'closed_at', range: 'this_fiscal_year' },
  groupBy: [{ field: 'closed_at', bucket: 'month' }],
  aggregates: [{ key: 'won_amount', fn: 'sum', field: 'amount' }],
  chart: { type: 'bar', value: 'won_amount' },
};

async function ok(response: Awaited<ReturnType<TestContext['request']>>, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  return response.data;
}

async function profile(admin: TestUser, name: string, reports: Record<string, boolean> | null) {
  const modules: Record<string, unknown> = { '*': ALL };
  if (reports) modules.reports = { ...NONE, ...reports };
  return (await ok(await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } }), 201)).id as string;
}

async function report(as: TestUser, body: Record<string, unknown> = {}) {
  return (await ok(
    await t.request('POST', '/api/v1/reports', { as, body: { name: 'Won by month', definition: WON_BY_MONTH, ...body } }),
    201,
  )) as {
    id: string;
  };
}

const widget = (reportId: string, extra: Record<string, unknown> = {}) => ({ reportId, x: 0, y: 0, w: 6, h: 3, ...extra });

describe('dashboards API', () => {
  let admin: TestUser;
  let builder: TestUser;
  let colleague: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let noRight: TestUser;
  let stranger: TestUser;
  let salesRole: string;

  beforeAll(async () => {
    admin = await t.make.org();
    salesRole = (await ok(await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Ventas' } }), 201)).id;
    const builders = await profile(admin, 'Report builders', { read: true, create: true, edit: true });
    const viewers = await profile(admin, 'Report viewers', { read: true });
    const none = await profile(admin, 'No reports', null);
    builder = await t.make.user(admin, { profileId: builders, roleId: salesRole });
    colleague = await t.make.user(admin, { profileId: builders, roleId: salesRole });
    viewer = await t.make.user(admin, { profileId: viewers, roleId: salesRole });
    outsider = await t.make.user(admin, { profileId: viewers });
    noRight = await t.make.user(admin, { profileId: none, roleId: salesRole });
    stranger = await t.make.org();
    // Two won deals this month and one last fiscal year: the period decides which ones count.
    const now = new Date();
    const lastYear = new Date(Date.UTC(now.getUTCFullYear() - 2, 5, 15)).toISOString();
    for (const [amount, closedAt] of [
      ['1000.00', now.toISOString()],
      ['500.00', now.toISOString()],
      ['7000.00', lastYear],
    ] as const) {
      await ok(
        await t.request('POST', '/api/v1/records/deals', {
          as: builder,
          body: { name: `Deal ${amount}`, amount, stage: 'closed_won', closed_at: closedAt },
        }),
        201,
      );
    }
  });

  it('creates, lists, reads, changes, runs and deletes a dashboard', async () => {
    const won = await report(builder);
    const created = await ok(
      await t.request('POST', '/api/v1/dashboards', {
        as: builder,
        body: {
          name: '  Sales  ',
          period: 'this_month',
          widgets: [widget(won.id, { title: 'Ingresos' }), widget(won.id, { x: 6, chart: { type: 'kpi' } })],
        },
      }),
      201,
    );
    expect(created).toMatchObject({
      name: 'Sales',
      ownerId: builder.userId,
      period: 'this_month',
      sharedWith: { roles: [], groups: [], everyone: false },
    });
    expect(created.widgets).toHaveLength(2);
    expect(created.widgets[0]).toMatchObject({ reportId: won.id, title: 'Ingresos', chart: null, w: 6 });
    expect(created.widgets[0].id).not.toBe(created.widgets[1].id);

    const listed = await ok(await t.request('GET', '/api/v1/dashboards', { as: builder }));
    expect(listed.data.map((d: { id: string }) => d.id)).toContain(created.id);
    expect(await ok(await t.request('GET', `/api/v1/dashboards/${created.id}`, { as: builder }))).toEqual(created);

    // The dashboard's period (this month) counts the two deals of this month; all time counts the three.
    const run = await ok(await t.request('POST', `/api/v1/dashboards/${created.id}/run`, { as: builder }));
    expect(run.widgets.map((w: { id: string }) => w.id)).toEqual(created.widgets.map((w: { id: string }) => w.id));
    expect(Number(run.widgets[0].result.totals.won_amount)).toBe(1500);
    const allTime = await ok(
      await t.request('POST', `/api/v1/dashboards/${created.id}/run`, {
        as: builder,
        body: { period: { from: '2000-01-01', to: '2100-12-31' } },
      }),
    );
    expect(Number(allTime.widgets[0].result.totals.won_amount)).toBe(8500);

    // Reorder and resize: widgets keep their ids; the period goes (each report's own range).
    const [first, second] = created.widgets;
    const changed = await ok(
      await t.request('PATCH', `/api/v1/dashboards/${created.id}`, {
        as: builder,
        body: {
          name: 'Sales team',
          period: null,
          widgets: [
            { ...second, x: 0, y: 0, w: 12 },
            { ...first, x: 0, y: 1 },
          ],
        },
      }),
    );
    expect(changed).toMatchObject({ name: 'Sales team', period: null });
    expect(changed.widgets.map((w: { id: string; w: number }) => [w.id, w.w])).toEqual([
      [second.id, 12],
      [first.id, 6],
    ]);
    const ownRange = await ok(await t.request('POST', `/api/v1/dashboards/${created.id}/run`, { as: builder, body: {} }));
    // The report's own range (this fiscal year) leaves out the deal of two years ago.
    expect(Number(ownRange.widgets[1].result.totals.won_amount)).toBe(1500);

    expect((await t.request('DELETE', `/api/v1/dashboards/${created.id}`, { as: builder })).statusCode).toBe(204);
    expect((await t.request('GET', `/api/v1/dashboards/${created.id}`, { as: builder })).statusCode).toBe(404);
    // The report stays.
    await ok(await t.request('GET', `/api/v1/reports/${won.id}`, { as: builder }));
  });

  it('refuses bad input with a 400 naming the part, and writes nothing', async () => {
    const won = await report(builder);
    const hidden = await report(admin, { name: 'Admin only' });
    const before = (await ok(await t.request('GET', '/api/v1/dashboards', { as: builder }))).data.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', widgets: [widget(hidden.id)] }, 'widgets[0].reportId'],
      [{ name: 'x', widgets: [widget('0190a000-0000-7000-8000-000000000000')] }, 'widgets[0].reportId'],
      [{ name: 'x', widgets: [widget(won.id, { x: 8, w: 6 })] }, 'widgets[0].w'],
      [{ name: 'x', sharedWith: { roles: ['0190a000-0000-7000-8000-000000000000'], groups: [] } }, 'sharedWith.roles[0]'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('POST', '/api/v1/dashboards', { as: builder, body });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    }
    for (const body of [
      { name: 'x', period: 'next_century' },
      { name: 'x', widgets: [{ reportId: won.id }] },
      { name: 'x', colour: 'red' },
    ]) {
      expect((await t.request('POST', '/api/v1/dashboards', { as: builder, body })).statusCode).toBe(400);
    }
    expect((await ok(await t.request('GET', '/api/v1/dashboards', { as: builder }))).data).toHaveLength(before);
    const dashboard = await ok(
      await t.request('POST', '/api/v1/dashboards', { as: builder, body: { name: 'Kept', widgets: [widget(won.id)] } }),
      201,
    );
    const bad = await t.request('PATCH', `/api/v1/dashboards/${dashboard.id}`, {
      as: builder,
      body: { name: 'Renamed', widgets: [widget(hidden.id)] },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(await ok(await t.request('GET', `/api/v1/dashboards/${dashboard.id}`, { as: builder }))).toMatchObject({ name: 'Kept' });
    expect(
      (await t.request('POST', `/api/v1/dashboards/${dashboard.id}/run`, { as: builder, body: { period: 'someday' } })).statusCode,
    ).toBe(400);
  });

  it('shows a shared dashboard to its role, group or everyone, read only, each widget as the viewer may see it', async () => {
    const shared = await report(builder, { name: 'Shared', sharedWith: { roles: [salesRole], groups: [] } });
    const privateReport = await report(builder, { name: 'Private' });
    const dashboard = await ok(
      await t.request('POST', '/api/v1/dashboards', {
        as: builder,
        body: {
          name: 'Team',
          sharedWith: { roles: [salesRole], groups: [] },
          widgets: [widget(shared.id), widget(privateReport.id, { x: 6 })],
        },
      }),
      201,
    );
    const url = `/api/v1/dashboards/${dashboard.id}`;

    // The viewer (same role) sees it and runs it: the private report's widget answers forbidden, the other runs.
    expect((await ok(await t.request('GET', '/api/v1/dashboards', { as: viewer }))).data.map((d: { id: string }) => d.id)).toContain(
      dashboard.id,
    );
    const run = await ok(await t.request('POST', `${url}/run`, { as: viewer, body: {} }));
    expect(run.widgets[0]).toHaveProperty('result');
    expect(run.widgets[1]).toEqual({ id: dashboard.widgets[1].id, error: { code: 'forbidden', message: expect.any(String) } });
    // …but may not change or delete it, nor may a colleague who builds dashboards of their own.
    for (const as of [viewer, colleague]) {
      expect((await t.request('PATCH', url, { as, body: { name: 'Mine' } })).statusCode).toBe(403);
      expect((await t.request('DELETE', url, { as })).statusCode).toBe(403);
    }
    expect(await ok(await t.request('GET', url, { as: colleague }))).toMatchObject({ name: 'Team' });

    // Someone outside the role does not see it at all.
    expect((await t.request('GET', url, { as: outsider })).statusCode).toBe(404);
    expect((await t.request('POST', `${url}/run`, { as: outsider, body: {} })).statusCode).toBe(404);
    expect((await ok(await t.request('GET', '/api/v1/dashboards', { as: outsider }))).data.map((d: { id: string }) => d.id)).not.toContain(
      dashboard.id,
    );

    // Through a group the outsider belongs to, then with everyone.
    const group = await ok(
      await t.request('POST', '/api/v1/groups', {
        as: admin,
        body: { name: 'Dirección', members: [{ type: 'user', id: outsider.userId }] },
      }),
      201,
    );
    await ok(await t.request('PATCH', url, { as: builder, body: { sharedWith: { roles: [], groups: [group.id] } } }));
    await ok(await t.request('GET', url, { as: outsider }));
    expect((await t.request('GET', url, { as: viewer })).statusCode).toBe(404);
    await ok(await t.request('PATCH', url, { as: builder, body: { sharedWith: { roles: [], groups: [], everyone: true } } }));
    await ok(await t.request('GET', url, { as: viewer }));

    // An administrator sees and may change every dashboard.
    await ok(await t.request('PATCH', url, { as: admin, body: { name: 'Team (admin)' } }));
  });

  it('answers 403 without the reports right and 404 to another organization', async () => {
    const won = await report(builder);
    const dashboard = await ok(
      await t.request('POST', '/api/v1/dashboards', {
        as: builder,
        body: { name: 'Mine', sharedWith: { roles: [salesRole], groups: [] }, widgets: [widget(won.id)] },
      }),
      201,
    );
    const url = `/api/v1/dashboards/${dashboard.id}`;

    // No `reports` key on the profile: nothing, even a dashboard shared with their role.
    expect((await t.request('GET', '/api/v1/dashboards', { as: noRight })).statusCode).toBe(403);
    expect((await t.request('GET', url, { as: noRight })).statusCode).toBe(403);
    expect((await t.request('POST', `${url}/run`, { as: noRight, body: {} })).statusCode).toBe(403);
    expect((await t.request('POST', '/api/v1/dashboards', { as: noRight, body: { name: 'x' } })).statusCode).toBe(403);
    // Read only: sees, may not make dashboards.
    expect((await t.request('POST', '/api/v1/dashboards', { as: viewer, body: { name: 'x' } })).statusCode).toBe(403);

    // Another organization's administrator: not found, whatever the verb.
    for (const [method, path, body] of [
      ['GET', url, undefined],
      ['PATCH', url, { name: 'Stolen' }],
      ['DELETE', url, undefined],
      ['POST', `${url}/run`, {}],
    ] as const) {
      expect((await t.request(method, path, { as: stranger, body })).statusCode).toBe(404);
    }
    expect((await ok(await t.request('GET', '/api/v1/dashboards', { as: stranger }))).data).toEqual([]);
    // Nor may they put this organization's report on a dashboard of theirs.
    expect(
      (await t.request('POST', '/api/v1/dashboards', { as: stranger, body: { name: 'x', widgets: [widget(won.id)] } })).statusCode,
    ).toBe(400);
    expect(await ok(await t.request('GET', url, { as: builder }))).toMatchObject({ name: 'Mine' });
  });
});
