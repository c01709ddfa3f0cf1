import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import type { CapturedMail } from '../../test/smtp-capture.js';
import { getReports, getReportSchedules } from '../index.js';

let t: TestContext;

const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: true };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

const BY_STAGE = {
  module: 'deals',
  type: 'summary',
  groupBy: [{ field: 'stage' }],
  aggregates: [
    { key: 'amount', fn: 'sum', field: 'amount', label: 'Importe' },
    { key: 'deals', fn: 'count', label: 'Tratos' },
  ],
};

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

async function ok(response: Awaited<ReturnType<TestContext['request']>>, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  return response.data;
}

async function profile(admin: TestUser, name: string, reports: Record<string, boolean> | null) {
  const modules: Record<string, unknown> = { '*': ALL };
  if (reports) modules.reports = { ...NONE, ...reports };
  return (await ok(await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } }), 201)).id as string;
}

/** The decoded content of a mail's attachment (nodemailer sends it base64). */
function attachment(mail: CapturedMail, filename: string): string {
  const start = mail.raw.indexOf(filename);
  expect(start, `no attachment ${filename}`).toBeGreaterThan(0);
  const body = mail.raw.slice(mail.raw.indexOf('\r\n\r\n', start) + 4);
  return Buffer.from(body.slice(0, body.indexOf('--')).replace(/\s+/g, ''), 'base64').toString('utf8');
}

describe('report schedules', () => {
  let admin: TestUser;
  let owner: TestUser;
  let colleague: TestUser;
  let noRight: TestUser;
  let bossA: TestUser;
  let bossB: TestUser;
  let stranger: TestUser;
  let bossRole: string;
  let schema: string;
  let timeZone: string;
  let reportId: string;

  beforeAll(async () => {
    admin = await t.make.org();
    const org = await t.database.query<{ schema_name: string; time_zone: string }>(
      'SELECT schema_name, time_zone FROM platform.organizations WHERE id = $1',
      [admin.orgId],
    );
    schema = org.rows[0]!.schema_name;
    timeZone = org.rows[0]!.time_zone;
    bossRole = (await ok(await t.request('POST', '/api/v1/roles', { as: admin, body: { name: 'Dirección' } }), 201)).id;
    const builders = await profile(admin, 'Report builders', { read: true, create: true, edit: true });
    const none = await profile(admin, 'No reports', null);
    owner = await t.make.user(admin, { profileId: builders, roleId: bossRole });
    colleague = await t.make.user(admin, { profileId: builders, roleId: bossRole });
    noRight = await t.make.user(admin, { profileId: none });
    bossA = await t.make.user(admin, { roleId: bossRole });
    bossB = await t.make.user(admin, { roleId: bossRole });
    const gone = await t.make.user(admin, { roleId: bossRole, email: 'gone@example.test' });
    await ok(await t.request('PATCH', `/api/v1/users/${gone.userId}`, { as: admin, body: { active: false } }));
    stranger = await t.make.org();
    for (const [amount, stage] of [
      ['1000.00', 'qualification'],
      ['500.00', 'qualification'],
      ['250.00', 'closed_won'],
    ] as const)
      await ok(
        await t.request('POST', '/api/v1/records/deals', { as: owner, body: { name: `Deal ${amount}`, amount, stage, closed_at: null } }),
        201,
      );
    reportId = (
      await ok(
        await t.request('POST', '/api/v1/reports', {
          as: owner,
          body: { name: 'Pipeline by stage', definition: BY_STAGE, sharedWith: { roles: [bossRole], groups: [] } },
        }),
        201,
      )
    ).id;
  });

  it('creates, lists, changes and deletes a schedule; the next run is at the time of the organization’s zone', async () => {
    const created = await ok(
      await t.request('POST', `/api/v1/reports/${reportId}/schedules`, {
        as: owner,
        body: { frequency: 'weekly', time: '08:30', weekday: 1, format: 'xlsx', recipients: { users: [bossA.userId, bossA.userId] } },
      }),
      201,
    );
    expect(created).toMatchObject({
      reportId,
      frequency: 'weekly',
      time: '08:30',
      weekday: 1,
      monthDay: null,
      format: 'xlsx',
      recipients: { users: [bossA.userId], roles: [], groups: [] },
      lastRunAt: null,
      createdBy: owner.userId,
    });
    const next = new Date(created.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 3600 * 1000);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(local.format(next)).toBe('Mon 08:30');

    // Whoever sees the report sees its schedules.
    const listed = await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: colleague }));
    expect(listed.data).toEqual([created]);

    const changed = await ok(
      await t.request('PATCH', `/api/v1/report-schedules/${created.id}`, {
        as: owner,
        body: { frequency: 'monthly', monthDay: 31, time: '07:00' },
      }),
    );
    expect(changed).toMatchObject({ frequency: 'monthly', monthDay: 31, weekday: null, time: '07:00', format: 'xlsx' });
    expect(local.format(new Date(changed.nextRunAt)).endsWith('07:00')).toBe(true);

    // An administrator manages anyone's schedules.
    expect((await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: admin })).statusCode).toBe(204);
    expect((await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }))).data).toEqual([]);
  });

  it('refuses bad input with a 400 naming the field, and keeps nothing', async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const response = await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: owner, body });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error)).toContain(path);
    };
    const base = { frequency: 'daily', time: '08:00', format: 'csv', recipients: { users: [bossA.userId] } };
    await bad({ ...base, time: '25:00' }, 'time');
    await bad({ ...base, format: 'docx' }, 'format');
    await bad({ ...base, frequency: 'hourly' }, 'frequency');
    await bad({ ...base, frequency: 'weekly' }, 'weekday');
    await bad({ ...base, frequency: 'monthly' }, 'monthDay');
    await bad({ ...base, recipients: {} }, 'recipients');
    await bad({ ...base, recipients: { roles: [stranger.userId] } }, 'recipients.roles[0]');
    // A user of another organization is not a recipient here.
    await bad({ ...base, recipients: { users: [stranger.userId] } }, 'recipients.users[0]');
    expect((await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }))).data).toEqual([]);

    const created = await ok(await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: owner, body: base }), 201);
    const patch = await t.request('PATCH', `/api/v1/report-schedules/${created.id}`, { as: owner, body: { frequency: 'weekly' } });
    expect(patch.statusCode).toBe(400);
    expect((await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }))).data[0].frequency).toBe('daily');
    await ok(await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: owner }), 204);
  });

  it('lets only the report’s owner or an administrator manage schedules; another organization sees nothing', async () => {
    const body = { frequency: 'daily', time: '08:00', format: 'csv', recipients: { roles: [bossRole] } };
    const created = await ok(await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: owner, body }), 201);

    // A colleague who sees the report: 403 to schedule it or change its schedules.
    expect((await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: colleague, body })).statusCode).toBe(403);
    expect(
      (await t.request('PATCH', `/api/v1/report-schedules/${created.id}`, { as: colleague, body: { time: '09:00' } })).statusCode,
    ).toBe(403);
    expect((await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: colleague })).statusCode).toBe(403);
    // Without the reports key: 403.
    expect((await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: noRight })).statusCode).toBe(403);
    expect((await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: noRight, body })).statusCode).toBe(403);
    // Another organization: 404 everywhere.
    expect((await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/reports/${reportId}/schedules`, { as: stranger, body })).statusCode).toBe(404);
    expect((await t.request('PATCH', `/api/v1/report-schedules/${created.id}`, { as: stranger, body: { time: '09:00' } })).statusCode).toBe(
      404,
    );
    expect((await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/reports/${reportId}/schedules`)).statusCode).toBe(401);

    const after = await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }));
    expect(after.data).toEqual([created]);
    await ok(await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: owner }), 204);
  });

  it('mails the report as its owner to the role’s active members, once per due time, with the figures in a CSV', async () => {
    const created = await ok(
      await t.request('POST', `/api/v1/reports/${reportId}/schedules`, {
        as: owner,
        body: { frequency: 'daily', time: '06:00', format: 'csv', recipients: { roles: [bossRole], users: [bossA.userId] } },
      }),
      201,
    );
    // Due a minute ago: the next tick takes it.
    await t.database.query(`UPDATE "${schema}".report_schedules SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [created.id]);
    const schedules = getReportSchedules(t.app.ctx, getReports(t.app.ctx));
    const runs = await schedules.tick();
    const runId = runs.find(Boolean)!;
    expect(runId).toBeDefined();
    expect(await schedules.tick()).toEqual([]); // a second tick finds nothing due
    await schedules.send({ orgId: admin.orgId, schema, runId });
    await schedules.send({ orgId: admin.orgId, schema, runId }); // the job again: nothing more is sent

    const messageId = `report-schedule.${runId}@clave`;
    const mail = await t.mail.waitFor((m) => m.raw.includes(messageId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.mail.messages.filter((m) => m.raw.includes(messageId))).toHaveLength(1);
    expect(mail.subject).toContain('Pipeline by stage');
    // The role's members (owner, colleague, the two bosses), each once; the deactivated member gets nothing.
    expect([...mail.to].sort()).toEqual([owner.email, colleague.email, bossA.email, bossB.email].sort());
    expect(mail.to).not.toContain('gone@example.test');

    // The CSV holds what the owner reads when they run the report.
    const result = await ok(await t.request('POST', `/api/v1/reports/${reportId}/run`, { as: owner, body: {} }));
    const csv = attachment(mail, 'Pipeline by stage.csv').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe(result.columns.map((c: { label: string }) => c.label).join(','));
    const expected = result.groups.map((g: { labels: Record<string, string>; values: Record<string, number> }) =>
      [g.labels.stage, g.values.amount, g.values.deals].join(','),
    );
    expected.push(['Total', result.totals.amount, result.totals.deals].join(','));
    expect(lines.slice(1)).toEqual(expected);
    expect(Number(result.totals.amount)).toBe(1750);
    expect(lines.some((line) => line.endsWith(',1500,2'))).toBe(true);

    const after = (await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }))).data[0];
    expect(after.lastRunAt).not.toBeNull();
    expect(after.lastError).toBeNull();
    expect(new Date(after.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    await ok(await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: owner }), 204);
  });

  it('renders XLSX and PDF attachments, and records why a run could not be mailed', async () => {
    const schedules = getReportSchedules(t.app.ctx, getReports(t.app.ctx));
    for (const format of ['xlsx', 'pdf'] as const) {
      const created = await ok(
        await t.request('POST', `/api/v1/reports/${reportId}/schedules`, {
          as: owner,
          body: { frequency: 'daily', time: '06:00', format, recipients: { users: [bossB.userId] } },
        }),
        201,
      );
      await t.database.query(`UPDATE "${schema}".report_schedules SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [
        created.id,
      ]);
      for (const runId of await schedules.tick()) await schedules.send({ orgId: admin.orgId, schema, runId });
      const mail = await t.mail.waitFor((m) => m.raw.includes(`Pipeline by stage.${format}`) && m.to.includes(bossB.email));
      const start = mail.raw.indexOf(`Pipeline by stage.${format}`);
      const body = mail.raw.slice(mail.raw.indexOf('\r\n\r\n', start) + 4);
      const bytes = Buffer.from(body.slice(0, body.indexOf('--')).replace(/\s+/g, ''), 'base64');
      expect(bytes.subarray(0, format === 'pdf' ? 4 : 2).toString('latin1')).toBe(format === 'pdf' ? '%PDF' : 'PK');
      await ok(await t.request('DELETE', `/api/v1/report-schedules/${created.id}`, { as: owner }), 204);
    }

    // Every recipient deactivated: the run fails with a reason and nothing is sent.
    const lonely = await t.make.user(admin, {});
    const created = await ok(
      await t.request('POST', `/api/v1/reports/${reportId}/schedules`, {
        as: owner,
        body: { frequency: 'daily', time: '06:00', format: 'csv', recipients: { users: [lonely.userId] } },
      }),
      201,
    );
    await ok(await t.request('PATCH', `/api/v1/users/${lonely.userId}`, { as: admin, body: { active: false } }));
    await t.database.query(`UPDATE "${schema}".report_schedules SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [created.id]);
    for (const runId of await schedules.tick()) await schedules.send({ orgId: admin.orgId, schema, runId });
    const after = (await ok(await t.request('GET', `/api/v1/reports/${reportId}/schedules`, { as: owner }))).data[0];
    expect(after.lastError).toMatch(/No active user/);
    expect(t.mail.messages.some((m) => m.to.includes(lonely.email))).toBe(false);
  });

  it('documents its routes in the OpenAPI document under Reports', async () => {
    const document = (await t.request('GET', '/api/openapi.json')).data;
    for (const [path, method] of [
      ['/api/v1/reports/{id}/schedules', 'get'],
      ['/api/v1/reports/{id}/schedules', 'post'],
      ['/api/v1/report-schedules/{id}', 'patch'],
      ['/api/v1/report-schedules/{id}', 'delete'],
    ] as const) {
      expect(document.paths[path][method].tags).toEqual(['Reports']);
      expect(document.paths[path][method].description).toContain('owner');
    }
  });
});
