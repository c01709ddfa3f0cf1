import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org({ name: 'Ana Admin' });
});
afterAll(() => t.close());

describe('e-mail from a record', () => {
  it('merges a template with the record, sends it through SMTP and logs it on the timeline', async () => {
    const account = (await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Transportes Ebro SL' } })).data.data;
    const contact = (
      await t.request('POST', '/api/v1/records/contacts', {
        as: admin,
        body: {
          first_name: 'Lucía',
          last_name: 'Fernández',
          email: 'lucia@transportesebro.es',
          account_id: account.id,
          lead_source: 'trade_show',
        },
      })
    ).data.data;
    const template = await t.request('POST', '/api/v1/email-templates', {
      as: admin,
      body: {
        name: 'Seguimiento',
        module: 'contacts',
        subject: 'Propuesta para {{account_id}}',
        body: 'Hola {{first_name}}:\nNos vimos en {{lead_source}}.\n{{me.name}}',
      },
    });
    expect(template.statusCode).toBe(201);

    const sent = await t.request('POST', `/api/v1/records/contacts/${contact.id}/emails`, {
      as: admin,
      body: { to: ['lucia@transportesebro.es'], templateId: template.data.id },
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.data.status).toBe('sent');
    const mail = await t.mail.waitFor((m) => m.to.includes('lucia@transportesebro.es'));
    expect(mail.subject).toBe('Propuesta para Transportes Ebro SL');
    expect(mail.text).toContain('Hola Lucía:');
    expect(mail.text).toContain('Nos vimos en Feria.');
    expect(mail.text).toContain('Ana Admin');

    const timeline = await t.request('GET', `/api/v1/records/contacts/${contact.id}/timeline`, { as: admin });
    const entry = timeline.data.data.find((e: { kind: string }) => e.kind === 'email');
    expect(entry.data).toMatchObject({
      direction: 'outbound',
      to: ['lucia@transportesebro.es'],
      subject: 'Propuesta para Transportes Ebro SL',
    });
  });

  it('refuses unknown merge fields, missing subjects and bad addresses, and sends nothing', async () => {
    const lead = (await t.request('POST', '/api/v1/records/leads', { as: admin, body: { last_name: 'Souto' } })).data.data;
    const before = t.mail.messages.length;
    const unknown = await t.request('POST', `/api/v1/records/leads/${lead.id}/emails`, {
      as: admin,
      body: { to: ['a@example.test'], subject: 'Hola {{nickname}}', body: 'x' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.error.details).toMatchObject({ field: 'subject', unknown: ['nickname'] });
    expect(
      (await t.request('POST', `/api/v1/records/leads/${lead.id}/emails`, { as: admin, body: { to: ['a@example.test'], body: 'x' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await t.request('POST', `/api/v1/records/leads/${lead.id}/emails`, {
          as: admin,
          body: { to: ['not-an-address'], subject: 's', body: 'x' },
        })
      ).statusCode,
    ).toBe(400);
    expect(t.mail.messages.length).toBe(before);
  });

  it('a stranger can neither write from the record nor use or change the templates', async () => {
    const lead = (await t.request('POST', '/api/v1/records/leads', { as: admin, body: { last_name: 'Privado' } })).data.data;
    const template = (await t.request('POST', '/api/v1/email-templates', { as: admin, body: { name: 'T', subject: 's', body: 'b' } })).data;
    const stranger = await t.make.org();
    expect(
      (
        await t.request('POST', `/api/v1/records/leads/${lead.id}/emails`, {
          as: stranger,
          body: { to: ['a@example.test'], subject: 's', body: 'b' },
        })
      ).statusCode,
    ).toBe(404);
    expect((await t.request('PATCH', `/api/v1/email-templates/${template.id}`, { as: stranger, body: { name: 'X' } })).statusCode).toBe(
      404,
    );
    expect((await t.request('GET', '/api/v1/email-templates', { as: stranger })).data.data).toEqual([]);
    const colleague = await t.make.user(admin);
    expect((await t.request('PATCH', `/api/v1/email-templates/${template.id}`, { as: colleague, body: { name: 'X' } })).statusCode).toBe(
      403,
    );
  });
});
