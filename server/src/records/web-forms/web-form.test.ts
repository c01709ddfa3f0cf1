import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { checkFormToken, issueFormToken } from './web-form-token.js';

let t: TestContext;
let admin: TestUser;
let now = new Date('2027-02-01T10:00:00Z');
const later = (ms: number) => (now = new Date(now.getTime() + ms));

beforeAll(async () => {
  t = await createTestContext();
  t.app.ctx.now = () => now;
  admin = await t.make.org();
});
afterAll(() => t.close());

const makeForm = async (as: TestUser = admin) =>
  t.request('POST', '/api/v1/web-forms', {
    as,
    body: {
      name: 'Pide una demo',
      fields: [
        { field: 'first_name' },
        { field: 'last_name', required: true },
        { field: 'email', required: true },
        { field: 'company' },
        { field: 'industry' },
      ],
    },
  });

const leadsByEmail = async (email: string) =>
  (await t.request('POST', '/api/v1/records/leads/query', { as: admin, body: { filter: { field: 'email', op: 'eq', value: email } } })).data
    .data;

describe('web-to-lead forms', () => {
  it('a visitor fills in the form: a lead is created for the owner with lead_source web_form', async () => {
    const form = await makeForm();
    expect(form.statusCode).toBe(201);
    const definition = await t.request('GET', `/api/v1/public/forms/${form.data.publicKey}`, { as: null });
    expect(definition.statusCode).toBe(200);
    expect(definition.data.fields.map((f: { field: string }) => f.field)).toEqual([
      'first_name',
      'last_name',
      'email',
      'company',
      'industry',
    ]);
    expect(definition.data.fields[4].values).toEqual(expect.arrayContaining([{ code: 'logistics', label: 'Logística' }]));
    later(5_000);
    const sent = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
      as: null,
      body: {
        _ts: definition.data.token,
        _hp: '',
        first_name: 'Nerea',
        last_name: 'Ibáñez',
        email: 'nerea@acerosnorte.es',
        company: 'Aceros del Norte',
        industry: 'manufacturing',
      },
    });
    expect(sent.statusCode).toBe(201);
    const [lead] = await leadsByEmail('nerea@acerosnorte.es');
    expect(lead).toMatchObject({ last_name: 'Ibáñez', lead_source: 'web_form', owner_id: admin.userId, industry: 'manufacturing' });
    expect((await t.request('GET', `/api/v1/web-forms/${form.data.id}`, { as: admin })).data.submissions).toBe(1);
  });

  it('the hosted page is HTML that can be framed, and an HTML post answers with the thank-you page', async () => {
    const form = await makeForm();
    const page = await t.request('GET', `/api/v1/public/forms/${form.data.publicKey}/page`, { as: null });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.headers['content-security-policy']).toContain('frame-ancestors *');
    const token = /name="_ts" value="([^"]+)"/.exec(page.body)![1]!;
    later(10_000);
    const post = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
      as: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _ts: token, _hp: '', last_name: 'Souto', email: 'martin@bodegasrb.gal' }).toString(),
    });
    expect(post.statusCode).toBe(201);
    expect(post.body).toContain('Gracias');
    expect(await leadsByEmail('martin@bodegasrb.gal')).toHaveLength(1);
    // Other pages of Clave still refuse to be framed.
    expect((await t.request('GET', '/api/v1/web-forms', { as: admin })).headers['x-frame-options']).toBe('DENY');
  });

  it('drops bots: a filled honeypot creates nothing, a missing, early or forged token is refused', async () => {
    const form = await makeForm();
    const key = form.data.publicKey;
    const token = (await t.request('GET', `/api/v1/public/forms/${key}`, { as: null })).data.token;
    const answers = { last_name: 'Bot', email: 'bot@spam.test' };
    const early = await t.request('POST', `/api/v1/public/forms/${key}`, { as: null, body: { ...answers, _ts: token } });
    expect(early.statusCode).toBe(400);
    expect(early.data.error.details.reason).toBe('spam_check_too_fast');
    later(5_000);
    const honeypot = await t.request('POST', `/api/v1/public/forms/${key}`, {
      as: null,
      body: { ...answers, _ts: token, _hp: 'http://spam' },
    });
    expect(honeypot.statusCode).toBe(201);
    expect((await t.request('POST', `/api/v1/public/forms/${key}`, { as: null, body: { ...answers } })).data.error.details.reason).toBe(
      'spam_check_missing',
    );
    expect(
      (await t.request('POST', `/api/v1/public/forms/${key}`, { as: null, body: { ...answers, _ts: `${now.getTime() - 10_000}.forged` } }))
        .data.error.details.reason,
    ).toBe('spam_check_invalid');
    expect(await leadsByEmail('bot@spam.test')).toHaveLength(0);
    expect(checkFormToken('secret', issueFormToken('secret', new Date(0)), new Date(25 * 3600_000))).toBe('expired');
  });

  it('bad answers are a 400 naming the field, and nothing is created', async () => {
    const form = await makeForm();
    const token = (await t.request('GET', `/api/v1/public/forms/${form.data.publicKey}`, { as: null })).data.token;
    later(5_000);
    const missing = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
      as: null,
      body: { _ts: token, last_name: 'Sin correo' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.data.error.details.field).toBe('email');
    const invalid = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
      as: null,
      body: { _ts: token, last_name: 'X', email: 'x@y.es', industry: 'nope' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.data.error.details.field).toBe('industry');
    // Only the fields of the form are taken: an owner_id sent by a stranger is ignored.
    later(5_000);
    const sneaky = await t.request('POST', `/api/v1/public/forms/${form.data.publicKey}`, {
      as: null,
      body: { _ts: token, last_name: 'Y', email: 'y@y.es', is_converted: true },
    });
    expect(sneaky.statusCode).toBe(201);
    expect((await leadsByEmail('y@y.es'))[0].is_converted).toBe(false);
  });

  it('only administrators configure forms; bad configurations are refused; other organizations see none', async () => {
    const user = await t.make.user(admin);
    expect((await makeForm(user)).statusCode).toBe(403);
    const noLastName = await t.request('POST', '/api/v1/web-forms', { as: admin, body: { name: 'X', fields: [{ field: 'email' }] } });
    expect(noLastName.statusCode).toBe(400);
    expect(noLastName.data.error.details.field).toBe('fields');
    const lookup = await t.request('POST', '/api/v1/web-forms', {
      as: admin,
      body: { name: 'X', fields: [{ field: 'last_name' }, { field: 'referred_by_account_id' }] },
    });
    expect(lookup.data.error.details.field).toBe('fields[1].field');
    const form = await makeForm();
    const other = await t.make.org();
    expect((await t.request('GET', `/api/v1/web-forms/${form.data.id}`, { as: other })).statusCode).toBe(404);
    expect((await t.request('PATCH', `/api/v1/web-forms/${form.data.id}`, { as: admin, body: { active: false } })).data.active).toBe(false);
    expect((await t.request('GET', `/api/v1/public/forms/${form.data.publicKey}`, { as: null })).statusCode).toBe(404);
  });
});
