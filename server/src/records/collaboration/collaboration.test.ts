import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const notificationsOf = async (user: TestUser) =>
  (await t.request('GET', '/api/v1/notifications', { as: user })).data.data as Array<{ kind: string; title: string; link: string }>;

describe('tags', () => {
  it('replaces a record’s tags and lists the tags in use', async () => {
    const account = (await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Transportes Ebro' } })).data.data;
    const put = await t.request('PUT', `/api/v1/records/accounts/${account.id}/tags`, {
      as: admin,
      body: { tags: ['vip', 'Logística', 'vip', ' 2027 '] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.data.tags).toEqual(['2027', 'Logística', 'vip']);
    expect((await t.request('GET', `/api/v1/records/accounts/${account.id}/tags`, { as: admin })).data.tags).toEqual([
      '2027',
      'Logística',
      'vip',
    ]);
    const inUse = await t.request('GET', '/api/v1/records/accounts/tags', { as: admin });
    expect(inUse.statusCode, inUse.body).toBe(200);
    expect(inUse.data.data).toEqual(expect.arrayContaining([{ tag: 'vip', count: 1 }]));
  });

  it('refuses bad tags and strangers', async () => {
    const account = (await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Otra' } })).data.data;
    const bad = await t.request('PUT', `/api/v1/records/accounts/${account.id}/tags`, { as: admin, body: { tags: ['<script>'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('tags[0]');
    const stranger = await t.make.org();
    expect(
      (await t.request('PUT', `/api/v1/records/accounts/${account.id}/tags`, { as: stranger, body: { tags: ['x'] } })).statusCode,
    ).toBe(404);
    expect((await t.request('GET', `/api/v1/records/accounts/${account.id}/tags`, { as: stranger })).statusCode).toBe(404);
  });
});

describe('follow, mentions and assignment', () => {
  it('tells followers when someone else changes the record, not the one who changed it', async () => {
    const org = await t.make.org();
    const follower = await t.make.user(org, { name: 'Fiona Follower' });
    // public read-write, so the follower can see the admin's account
    await t.request('PUT', '/api/v1/sharing/accounts', { as: org, body: { access: 'public_read_write' } });
    const account = (await t.request('POST', '/api/v1/records/accounts', { as: org, body: { name: 'Seguida SA' } })).data.data;
    const followed = await t.request('PUT', `/api/v1/records/accounts/${account.id}/follow`, { as: follower });
    expect(followed.data).toEqual({ following: true, followers: 1 });
    await t.request('PATCH', `/api/v1/records/accounts/${account.id}`, { as: org, body: { phone: '+34 976 123 456' } });
    await t.app.ctx.events.drain();
    await waitFor(
      async () => (await notificationsOf(follower)).some((n) => n.kind === 'record.updated') || undefined,
      'record.updated notification',
    );
    const notice = (await notificationsOf(follower)).find((n) => n.kind === 'record.updated')!;
    expect(notice.title).toContain('Seguida SA');
    expect(notice.link).toBe(`/records/accounts/${account.id}`);
    expect((await notificationsOf(org)).some((n) => n.kind === 'record.updated')).toBe(false);

    const unfollowed = await t.request('DELETE', `/api/v1/records/accounts/${account.id}/follow`, { as: follower });
    expect(unfollowed.data).toEqual({ following: false, followers: 0 });
  });

  it('a note on a record shows on its timeline and notifies the people it mentions', async () => {
    const org = await t.make.org();
    const ana = await t.make.user(org, { name: 'Ana García' });
    const deal = (await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Plan anual' } })).data.data;
    const note = await t.request('POST', '/api/v1/records/notes', {
      as: org,
      body: { content: `Hablar con @[Ana García](user:${ana.userId}) del descuento`, related_module: 'deals', related_id: deal.id },
    });
    expect(note.statusCode).toBe(201);
    await t.app.ctx.events.drain();
    await waitFor(
      async () => (await notificationsOf(ana)).some((n) => n.kind === 'note.mentioned') || undefined,
      'note.mentioned notification',
    );
    const mention = (await notificationsOf(ana)).find((n) => n.kind === 'note.mentioned')!;
    expect(mention.link).toBe(`/records/deals/${deal.id}`);
    const timeline = await t.request('GET', `/api/v1/records/deals/${deal.id}/timeline`, { as: org });
    const entry = timeline.data.data.find((e: { kind: string }) => e.kind === 'note');
    expect(entry.data).toMatchObject({ module: 'notes', id: note.data.data.id, excerpt: 'Hablar con @Ana García del descuento' });
    // a redelivered event adds nothing
    const count = timeline.data.data.length;
    await t.app.ctx.events.drain();
    expect((await t.request('GET', `/api/v1/records/deals/${deal.id}/timeline`, { as: org })).data.data.length).toBe(count);
  });

  it('a task given to someone else notifies them', async () => {
    const org = await t.make.org();
    const bea = await t.make.user(org, { name: 'Bea' });
    const task = await t.request('POST', '/api/v1/records/tasks', { as: org, body: { subject: 'Llamar a Aceros', owner_id: bea.userId } });
    expect(task.statusCode).toBe(201);
    await t.app.ctx.events.drain();
    await waitFor(
      async () => (await notificationsOf(bea)).some((n) => n.kind === 'task.assigned') || undefined,
      'task.assigned notification',
    );
    expect((await notificationsOf(bea)).find((n) => n.kind === 'task.assigned')!.title).toContain('Llamar a Aceros');
  });

  it('tasks made together tell each assignee once per task and reach their deal’s timeline, also when delivered again', async () => {
    const org = await t.make.org();
    const bea = await t.make.user(org, { name: 'Bea' });
    const carlos = await t.make.user(org, { name: 'Carlos' });
    await t.database.query(`UPDATE platform.users SET language = 'en' WHERE id = $1`, [carlos.userId]);
    const deal = (await t.request('POST', '/api/v1/records/deals', { as: org, body: { name: 'Renovación' } })).data.data;
    const tasks = [bea, carlos, bea, org].map((user, index) => ({
      subject: `Tarea ${index + 1}`,
      owner_id: user.userId,
      related_module: 'deals',
      related_id: deal.id,
    }));
    const made = await t.request('POST', '/api/v1/records/tasks/bulk', { as: org, body: { mode: 'create', records: tasks } });
    expect(made.statusCode).toBe(200);
    await t.app.ctx.events.drain();
    const assigned = async (user: TestUser) =>
      (await notificationsOf(user))
        .filter((n) => n.kind === 'task.assigned')
        .map((n) => n.title)
        .sort();
    const settled = async () => {
      await waitFor(
        async () => ((await assigned(bea)).length === 2 && (await assigned(carlos)).length === 1) || undefined,
        'notifications',
      );
      const timeline = (await t.request('GET', `/api/v1/records/deals/${deal.id}/timeline`, { as: org })).data.data as Array<{
        kind: string;
        data: { title: string };
      }>;
      return timeline
        .filter((entry) => entry.kind === 'task')
        .map((entry) => entry.data.title)
        .sort();
    };
    expect(await settled()).toEqual(['Tarea 1', 'Tarea 2', 'Tarea 3', 'Tarea 4']);
    expect(await assigned(bea)).toEqual([expect.stringContaining('«Tarea 1»'), expect.stringContaining('«Tarea 3»')]);
    expect(await assigned(carlos)).toEqual([expect.stringContaining('“Tarea 2”')]);
    // The one who made a task for themselves is not told.
    expect(await assigned(org)).toEqual([]);

    // The outbox hands the same events to their handlers again (at least once): nothing doubles.
    await t.database.query(
      `UPDATE platform.outbox SET processed_at = NULL, handled = '{}', claimed_until = NULL
        WHERE type = 'record.created' AND org_id = $1 AND payload->>'module' = 'tasks'`,
      [org.orgId],
    );
    await t.app.ctx.events.drain();
    expect(await settled()).toEqual(['Tarea 1', 'Tarea 2', 'Tarea 3', 'Tarea 4']);
    expect(await assigned(bea)).toHaveLength(2);
    expect(await assigned(carlos)).toHaveLength(1);
  });
});

describe('ICS and vCard', () => {
  it('exports a meeting as iCalendar and a contact as vCard, for whoever can read them', async () => {
    const meeting = (
      await t.request('POST', '/api/v1/records/meetings', {
        as: admin,
        body: {
          title: 'Revisión; trimestral, Q1',
          start_at: '2027-01-15T09:00:00+01:00',
          end_at: '2027-01-15T10:30:00+01:00',
          location: 'Zaragoza',
        },
      })
    ).data.data;
    const ics = await t.request('GET', `/api/v1/records/meetings/${meeting.id}/ics`, { as: admin });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VEVENT\r\n');
    expect(ics.body).toContain('DTSTART:20270115T080000Z\r\n');
    expect(ics.body).toContain('DTEND:20270115T093000Z\r\n');
    expect(ics.body).toContain('SUMMARY:Revisión\\; trimestral\\, Q1\r\n');

    const account = (await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Bodegas Rías Baixas' } })).data.data;
    const contact = (
      await t.request('POST', '/api/v1/records/contacts', {
        as: admin,
        body: { first_name: 'Martín', last_name: 'Souto', email: 'martin@bodegasrb.gal', phone: '+34 986 222 333', account_id: account.id },
      })
    ).data.data;
    const card = await t.request('GET', `/api/v1/records/contacts/${contact.id}/vcard`, { as: admin });
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toContain('text/vcard');
    expect(card.headers['content-disposition']).toContain("filename*=UTF-8''Mart%C3%ADn%20Souto.vcf");
    expect(card.body).toContain('N:Souto;Martín;;;\r\n');
    expect(card.body).toContain('ORG:Bodegas Rías Baixas\r\n');
    expect(card.body).toContain('EMAIL;TYPE=INTERNET,WORK:martin@bodegasrb.gal\r\n');

    const stranger = await t.make.org();
    expect((await t.request('GET', `/api/v1/records/contacts/${contact.id}/vcard`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/meetings/${meeting.id}/ics`, { as: stranger })).statusCode).toBe(404);
  });
});
