import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitForLink } from '../../test/mail-links.js';

let t: TestContext;
let admin: TestUser;
let standard: TestUser;
let reader: TestUser;
let manager: TestUser;
let stranger: TestUser;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

async function profile(name: string, modules: Record<string, Record<string, boolean>>) {
  const response = await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function create(as: TestUser, module: string, body: Record<string, unknown>) {
  const response = await t.request('POST', `/api/v1/records/${module}`, { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function survey(body: Record<string, unknown>, as = admin) {
  const response = await t.request('POST', '/api/v1/kam/surveys', { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  standard = await t.make.user(admin);
  reader = await t.make.user(admin, { profileId: await profile('Survey readers', { '*': ALL, kam_surveys: { ...NONE, read: true } }) });
  manager = await t.make.user(admin, {
    profileId: await profile('Survey managers', { '*': ALL, kam_surveys: { ...NONE, create: true, read: true } }),
  });
  stranger = await t.make.org();
});
afterAll(() => t.close());

describe('surveys', () => {
  it('creates a survey with custom questions and refuses bad input', async () => {
    const response = await t.request('POST', '/api/v1/kam/surveys', {
      as: admin,
      body: {
        name: 'NPS 2026 T1',
        type: 'nps',
        questions: [
          { id: 'why', label: '¿Por qué?', kind: 'text' },
          { id: 'support', label: 'Soporte', kind: 'scale' },
          { id: 'channel', label: 'Canal', kind: 'choice', options: ['Teléfono', 'Correo'] },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.data).toMatchObject({
      name: 'NPS 2026 T1',
      type: 'nps',
      status: 'draft',
      invited: 0,
      answered: 0,
      createdBy: admin.userId,
    });
    expect(response.data.questions).toHaveLength(3);

    const badType = await t.request('POST', '/api/v1/kam/surveys', { as: admin, body: { name: 'X', type: 'ces' } });
    expect(badType.statusCode).toBe(400);
    expect(badType.data.error.details.fields.map((f: { field: string }) => f.field)).toContain('type');
    const twice = await t.request('POST', '/api/v1/kam/surveys', {
      as: admin,
      body: {
        name: 'X',
        type: 'csat',
        questions: [
          { id: 'a', label: 'A', kind: 'text' },
          { id: 'a', label: 'B', kind: 'text' },
        ],
      },
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.data.error.details.field).toBe('questions[1].id');
    const oneChoice = await t.request('POST', '/api/v1/kam/surveys', {
      as: admin,
      body: { name: 'X', type: 'csat', questions: [{ id: 'a', label: 'A', kind: 'choice', options: ['Sí'] }] },
    });
    expect(oneChoice.statusCode).toBe(400);
    expect(oneChoice.data.error.details.field).toBe('questions[0].options');
  });

  it('needs the kam_surveys permission: standard users are refused, readers read, managers manage', async () => {
    expect((await t.request('POST', '/api/v1/kam/surveys', { as: standard, body: { name: 'X', type: 'nps' } })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/kam/surveys', { as: standard })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/kam/surveys', { as: reader })).statusCode).toBe(200);
    expect((await t.request('POST', '/api/v1/kam/surveys', { as: reader, body: { name: 'X', type: 'nps' } })).statusCode).toBe(403);
    const id = await survey({ name: 'Managed', type: 'csat' }, manager);
    expect(
      (await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: reader, body: { contactIds: [admin.userId] } })).statusCode,
    ).toBe(403);
    expect((await t.request('GET', '/api/v1/kam/surveys', { as: undefined as never })).statusCode).toBe(401);
  });

  it('hides another organization’s survey (404)', async () => {
    const id = await survey({ name: 'Private', type: 'nps' });
    expect((await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: stranger })).statusCode).toBe(404);
    const send = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: stranger, body: { contactIds: [id] } });
    expect(send.statusCode).toBe(404);
    const answer = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: stranger,
      body: { contactId: id, score: 9, answeredAt: '2026-01-01T00:00:00Z' },
    });
    expect(answer.statusCode).toBe(404);
  });

  it('mails a personal link; the public page takes one answer in range and counts it for the contact’s account', async () => {
    const accountId = await create(admin, 'accounts', { name: 'Cliente Uno' });
    const email = 'lucia@cliente-uno.example';
    const contactId = await create(admin, 'contacts', { first_name: 'Lucía', last_name: 'Mora', email, account_id: accountId });
    const noEmail = await create(admin, 'contacts', { last_name: 'Sin correo', account_id: accountId });
    const id = await survey({ name: 'Satisfacción anual', type: 'nps', questions: [{ id: 'why', label: '¿Por qué?', kind: 'text' }] });

    const missing = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { contactIds: [contactId, noEmail] } });
    expect(missing.statusCode).toBe(400);
    expect(missing.data.error.details.field).toBe('contactIds[1]');
    const wrongKind = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { userIds: [admin.userId] } });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.data.error.details.field).toBe('contactIds');

    const sent = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { contactIds: [contactId] } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.data).toEqual({ invited: 1, sent: 1 });
    const token = await waitForLink(t, email, 'survey');
    // Only the hash is kept.
    const stored = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${(await schemaOf(admin)).schema}.kam_survey_invitations WHERE token_hash = $1`,
      [token],
    );
    expect(stored.rows[0]!.n).toBe(0);

    const page = await t.request('GET', `/api/v1/public/surveys/answer?token=${token}`, { as: null });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.data).toMatchObject({ name: 'Satisfacción anual', type: 'nps', language: 'es', answered: false });

    const outOfRange = await t.request('POST', '/api/v1/public/surveys/answer', { as: null, body: { token, score: 11 } });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.data.error.details.field).toBe('score');
    const unknownQuestion = await t.request('POST', '/api/v1/public/surveys/answer', {
      as: null,
      body: { token, score: 9, answers: { how: 'x' } },
    });
    expect(unknownQuestion.statusCode).toBe(400);
    expect(unknownQuestion.data.error.details.field).toBe('answers.how');
    const wrongToken = await t.request('POST', '/api/v1/public/surveys/answer', {
      as: null,
      body: { token: `${token.slice(0, -4)}AAAA`, score: 9 },
    });
    expect(wrongToken.statusCode).toBe(404);

    const answered = await t.request('POST', '/api/v1/public/surveys/answer', {
      as: null,
      body: { token, score: 9, answers: { why: 'Buen soporte' } },
    });
    expect(answered.statusCode, answered.body).toBe(204);
    const again = await t.request('POST', '/api/v1/public/surveys/answer', { as: null, body: { token, score: 2 } });
    expect(again.statusCode).toBe(409);
    expect((await t.request('GET', `/api/v1/public/surveys/answer?token=${token}`, { as: null })).data.answered).toBe(true);

    const results = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: admin });
    expect(results.statusCode).toBe(200);
    expect(results.data).toMatchObject({ status: 'sent', invited: 1, answered: 1 });
    expect(results.data.results).toMatchObject({ responses: 1, score: 100, promoters: 1, passives: 0, detractors: 0, hidden: false });
    expect(results.data.recent).toEqual([expect.objectContaining({ contactId, accountId, score: 9, answers: { why: 'Buen soporte' } })]);
  });

  it('closes a survey: its link says so and refuses answers, the API records none; reopening takes answers again', async () => {
    const accountId = await create(manager, 'accounts', { name: 'Cliente Cierre' });
    const email = 'pablo@cliente-cierre.example';
    const contactId = await create(manager, 'contacts', { first_name: 'Pablo', last_name: 'Ruiz', email, account_id: accountId });
    const id = await survey({ name: 'NPS para cerrar', type: 'nps' }, manager);
    const sent = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: manager, body: { contactIds: [contactId] } });
    expect(sent.statusCode, sent.body).toBe(200);
    const token = await waitForLink(t, email, 'survey');

    // Only managers of surveys close them; another organization does not see it.
    for (const as of [reader, standard]) {
      expect((await t.request('POST', `/api/v1/kam/surveys/${id}/close`, { as })).statusCode).toBe(403);
      expect((await t.request('POST', `/api/v1/kam/surveys/${id}/reopen`, { as })).statusCode).toBe(403);
    }
    expect((await t.request('POST', `/api/v1/kam/surveys/${id}/close`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/kam/surveys/${id}/reopen`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/kam/surveys/${stranger.userId}/close`, { as: manager })).statusCode).toBe(404);
    expect((await t.request('POST', '/api/v1/kam/surveys/not-an-id/close', { as: manager })).statusCode).toBe(400);
    expect((await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: admin })).data.status).toBe('sent');

    const closed = await t.request('POST', `/api/v1/kam/surveys/${id}/close`, { as: manager });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.data).toMatchObject({ id, status: 'closed', invited: 1, answered: 0 });
    expect((await t.request('POST', `/api/v1/kam/surveys/${id}/close`, { as: manager })).data.status).toBe('closed');

    const page = await t.request('GET', `/api/v1/public/surveys/answer?token=${token}`, { as: null });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.data).toMatchObject({ name: 'NPS para cerrar', closed: true, answered: false });
    const refused = await t.request('POST', '/api/v1/public/surveys/answer', { as: null, body: { token, score: 9 } });
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error).toMatchObject({ code: 'conflict', details: { reason: 'survey_closed' } });
    expect(refused.data.error.message).toMatch(/closed/);
    // Closed is checked before the answer: even a bad score hears that the survey is closed.
    const badScore = await t.request('POST', '/api/v1/public/surveys/answer', { as: null, body: { token, score: 42 } });
    expect(badScore.data.error.details.reason).toBe('survey_closed');
    const imported = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: manager,
      body: { contactId, score: 8, answeredAt: '2026-02-01T10:00:00Z' },
    });
    expect(imported.statusCode).toBe(409);
    expect(imported.data.error.details.reason).toBe('survey_closed');
    const resend = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: manager, body: { contactIds: [contactId] } });
    expect(resend.statusCode).toBe(409);
    const nothing = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: admin });
    expect(nothing.data).toMatchObject({ status: 'closed', answered: 0 });
    expect(nothing.data.results.responses).toBe(0);

    const reopened = await t.request('POST', `/api/v1/kam/surveys/${id}/reopen`, { as: manager });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.data.status).toBe('sent');
    expect((await t.request('GET', `/api/v1/public/surveys/answer?token=${token}`, { as: null })).data.closed).toBe(false);
    const answered = await t.request('POST', '/api/v1/public/surveys/answer', { as: null, body: { token, score: 9 } });
    expect(answered.statusCode, answered.body).toBe(204);

    // A draft closed and reopened is a draft again.
    const draft = await survey({ name: 'Borrador', type: 'csat' }, manager);
    expect((await t.request('POST', `/api/v1/kam/surveys/${draft}/close`, { as: admin })).data.status).toBe('closed');
    expect((await t.request('POST', `/api/v1/kam/surveys/${draft}/reopen`, { as: admin })).data.status).toBe('draft');
  });

  it('records imported answers with the contact’s account and shows each reader the answers of accounts they can see', async () => {
    const id = await survey({ name: 'CSAT soporte', type: 'csat' }, manager);
    const mine = await create(manager, 'accounts', { name: 'Cuenta del gestor' });
    const myContact = await create(manager, 'contacts', { last_name: 'Uno', account_id: mine });
    const theirs = await create(admin, 'accounts', { name: 'Cuenta de otro' });
    const theirContact = await create(admin, 'contacts', { last_name: 'Dos', account_id: theirs });

    const tooHigh = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: manager,
      body: { contactId: myContact, score: 6, answeredAt: '2026-02-01T10:00:00Z' },
    });
    expect(tooHigh.statusCode).toBe(400);
    expect(tooHigh.data.error.details.field).toBe('score');
    const unseen = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: manager,
      body: { contactId: theirContact, score: 4, answeredAt: '2026-02-01T10:00:00Z' },
    });
    expect(unseen.statusCode).toBe(400);
    expect(unseen.data.error.details.field).toBe('contactId');
    const noContact = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: manager,
      body: { score: 4, answeredAt: '2026-02-01T10:00:00Z' },
    });
    expect(noContact.data.error.details.field).toBe('contactId');

    const recorded = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: manager,
      body: { contactId: myContact, score: 5, answeredAt: '2026-02-01T10:00:00Z' },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.data).toMatchObject({ contactId: myContact, accountId: mine, score: 5, answeredAt: '2026-02-01T10:00:00.000Z' });
    for (const score of [2, 4]) {
      const response = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
        as: admin,
        body: { contactId: theirContact, score, answeredAt: '2026-02-02T10:00:00Z' },
      });
      expect(response.statusCode).toBe(201);
    }

    // The administrator counts 5, 2 and 4: two of three satisfied.
    const all = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: admin });
    expect(all.data.results).toMatchObject({ responses: 3, score: 0.6667, promoters: 2, passives: 0, detractors: 1 });
    expect(all.data.results.distribution).toEqual([
      { score: 1, count: 0 },
      { score: 2, count: 1 },
      { score: 3, count: 0 },
      { score: 4, count: 1 },
      { score: 5, count: 1 },
    ]);
    // The manager sees only their own account's answer.
    const own = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: manager });
    expect(own.data.results).toMatchObject({ responses: 1, score: 1 });
    expect(own.data.recent.map((r: { accountId: string }) => r.accountId)).toEqual([mine]);
  });

  it('keeps eNPS aggregated: nothing below 5 answers, the score from 5, never a single answer', async () => {
    const id = await survey({ name: 'Clima', type: 'enps' });
    const people = [admin, standard, reader, manager];
    const viaContact = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { contactIds: [admin.userId] } });
    expect(viaContact.data.error.details.field).toBe('userIds');
    const sent = await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { userIds: [standard.userId] } });
    expect(sent.data).toEqual({ invited: 1, sent: 1 });
    await waitForLink(t, standard.email, 'survey');

    const scores = [10, 10, 9, 3];
    for (const [index, person] of people.entries()) {
      const response = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
        as: admin,
        body: { userId: person.userId, score: scores[index], answeredAt: '2026-03-01T09:00:00Z' },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const four = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: admin });
    expect(four.data.results).toEqual({
      responses: 4,
      score: null,
      promoters: null,
      passives: null,
      detractors: null,
      distribution: null,
      hidden: true,
    });
    const fifth = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: admin,
      body: { userId: manager.userId, score: 7, answeredAt: '2026-03-01T09:00:00Z' },
    });
    expect(fifth.statusCode).toBe(201);
    // 3 promoters (10, 10, 9), 1 detractor (3) of 5: (3 − 1) / 5 = 40.
    const five = await t.request('GET', `/api/v1/kam/surveys/${id}`, { as: reader });
    expect(five.data.results).toMatchObject({ responses: 5, score: 40, promoters: 3, passives: 1, detractors: 1, hidden: false });
    expect(five.data.recent).toEqual([]);
    const byContact = await t.request('POST', `/api/v1/kam/surveys/${id}/responses`, {
      as: admin,
      body: { contactId: admin.userId, score: 7, answeredAt: '2026-03-01T09:00:00Z' },
    });
    expect(byContact.data.error.details.field).toBe('contactId');
  });
});

describe('the public answer link', () => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const unknownToken = `${'f'.repeat(32)}${'x'.repeat(43)}`;

  it('throttles an address after 20 failed tries with 429 and Retry-After; other addresses go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await t.request('POST', '/api/v1/public/surveys/answer', {
        as: null,
        body: { token: unknownToken, score: 9 },
        headers: from('10.77.0.1'),
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.every((status) => status === 404)).toBe(true);
    const refused = await t.request('POST', '/api/v1/public/surveys/answer', {
      as: null,
      body: { token: unknownToken, score: 9 },
      headers: from('10.77.0.1'),
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.data.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The page behind the link counts on the same address.
    const page = await t.request('GET', `/api/v1/public/surveys/answer?token=${unknownToken}`, { as: null, headers: from('10.77.0.1') });
    expect(page.statusCode).toBe(429);
    const elsewhere = await t.request('POST', '/api/v1/public/surveys/answer', {
      as: null,
      body: { token: unknownToken, score: 9 },
      headers: from('10.77.0.2'),
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('does not count tries that go through: many people answering from one address are never slowed down', async () => {
    const accountId = await create(admin, 'accounts', { name: 'Oficina compartida' });
    const contactIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      contactIds.push(
        await create(admin, 'contacts', { last_name: `Persona ${i}`, email: `persona${i}@oficina.example`, account_id: accountId }),
      );
    }
    const id = await survey({ name: 'NPS oficina', type: 'nps' });
    expect((await t.request('POST', `/api/v1/kam/surveys/${id}/send`, { as: admin, body: { contactIds } })).statusCode).toBe(200);
    const tokens = await Promise.all(contactIds.map((_, i) => waitForLink(t, `persona${i}@oficina.example`, 'survey')));
    for (let i = 0; i < 25; i++) {
      const page = await t.request('GET', `/api/v1/public/surveys/answer?token=${tokens[i % 3]}`, { as: null, headers: from('10.77.0.3') });
      expect(page.statusCode, `try ${i + 1}`).toBe(200);
    }
    for (const token of tokens) {
      const answer = await t.request('POST', '/api/v1/public/surveys/answer', {
        as: null,
        body: { token, score: 10 },
        headers: from('10.77.0.3'),
      });
      expect(answer.statusCode, answer.body).toBe(204);
    }
  });
});

async function schemaOf(user: TestUser) {
  const row = await t.database.db
    .selectFrom('platform.organizations')
    .select('schema_name')
    .where('id', '=', user.orgId)
    .executeTakeFirstOrThrow();
  return { schema: `"${row.schema_name}"` };
}
