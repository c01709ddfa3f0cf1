import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const newLead = async (as: TestUser, body: Record<string, unknown>) => {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', { as, body });
  expect(response.statusCode, JSON.stringify(response.data)).toBe(201);
  return response.data.data.id as string;
};
const convert = (as: TestUser, id: string, body: unknown = {}) => t.request('POST', `/api/v1/records/leads/${id}/convert`, { as, body });
const get = async (as: TestUser, module: string, id: string) =>
  (await t.request('GET', `/api/v1/records/${module}/${id}`, { as })).data.data;
const count = async (as: TestUser, module: string) =>
  (await t.request('GET', `/api/v1/records/${module}?count=true&limit=1`, { as })).data.total.value as number;

describe('POST /records/leads/{id}/convert', () => {
  it('makes a contact, an account and a deal from the lead, marks it converted and carries its timeline', async () => {
    const id = await newLead(admin, {
      first_name: 'Carmen',
      last_name: 'Ibáñez',
      company: 'Bodegas Ibáñez',
      email: 'carmen@bodegas-ibanez.es',
      phone: '941000111',
      title: 'Gerente',
      lead_source: 'web',
      industry: 'retail',
      employees: 25,
      city: 'Haro',
    });
    await t.request('PATCH', `/api/v1/records/leads/${id}`, { as: admin, body: { lead_status: 'qualified' } });
    const response = await convert(admin, id, { deal: { name: 'Vino 2027', amount: 5000, stage: 'proposal', close_date: '2027-06-30' } });
    expect(response.statusCode, JSON.stringify(response.data)).toBe(200);
    const { contactId, accountId, dealId } = response.data;

    expect(await get(admin, 'contacts', contactId)).toMatchObject({
      first_name: 'Carmen',
      last_name: 'Ibáñez',
      email: 'carmen@bodegas-ibanez.es',
      phone: '941000111',
      title: 'Gerente',
      lead_source: 'web',
      account_id: accountId,
    });
    expect(await get(admin, 'accounts', accountId)).toMatchObject({
      name: 'Bodegas Ibáñez',
      industry: 'retail',
      employees: 25,
      city: 'Haro',
    });
    expect(await get(admin, 'deals', dealId)).toMatchObject({
      name: 'Vino 2027',
      amount: '5000.00',
      stage: 'proposal',
      probability: '60',
      close_date: '2027-06-30',
      lead_source: 'web',
      account_id: accountId,
      contact_id: contactId,
    });
    const lead = await get(admin, 'leads', id);
    expect(lead).toMatchObject({
      is_converted: true,
      lead_status: 'converted',
      converted_contact_id: contactId,
      converted_account_id: accountId,
      converted_deal_id: dealId,
    });
    expect(lead.converted_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const contactTimeline = await t.request('GET', `/api/v1/records/contacts/${contactId}/timeline`, { as: admin });
    const kinds = contactTimeline.data.data.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('converted');
    expect(kinds.filter((k: string) => k === 'updated')).toHaveLength(1); // the lead's status change came along
    expect(kinds.filter((k: string) => k === 'created')).toHaveLength(2); // the lead's creation and the contact's
    const leadTimeline = await t.request('GET', `/api/v1/records/leads/${id}/timeline`, { as: admin });
    expect(leadTimeline.data.data.find((e: { kind: string }) => e.kind === 'converted').data).toEqual({
      leadId: id,
      contactId,
      accountId,
      dealId,
    });

    // A second conversion is a 409 and creates nothing.
    const contacts = await count(admin, 'contacts');
    const again = await convert(admin, id, {});
    expect(again.statusCode).toBe(409);
    expect(await count(admin, 'contacts')).toBe(contacts);
  });

  it('without a deal; the account named like the company is reused, and the preview offers the contact with the e-mail', async () => {
    const existing = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Talleres Gómez' } });
    const contact = await t.request('POST', '/api/v1/records/contacts', {
      as: admin,
      body: { last_name: 'Ya', email: 'pablo@talleres.es' },
    });
    const id = await newLead(admin, { first_name: 'Pablo', last_name: 'Gómez', company: 'TALLERES GOMEZ', email: 'pablo@talleres.es' });
    const preview = await t.request('GET', `/api/v1/records/leads/${id}/convert`, { as: admin });
    expect(preview.statusCode).toBe(200);
    expect(preview.data.accounts).toEqual([{ id: existing.data.data.id, name: 'Talleres Gómez', rules: ['name_company'] }]);
    expect(preview.data.contacts).toEqual([{ id: contact.data.data.id, name: 'Ya', rules: ['email'] }]);
    const accounts = await count(admin, 'accounts');

    const response = await convert(admin, id, { contactId: contact.data.data.id });
    expect(response.statusCode).toBe(200);
    expect(response.data).toEqual({ contactId: contact.data.data.id, accountId: existing.data.data.id, dealId: null });
    expect(await count(admin, 'accounts')).toBe(accounts);

    // Asked for, a new account is created even though one is named like the company.
    const twin = await newLead(admin, { last_name: 'Gemelo', company: 'Talleres Gómez' });
    const fresh = await convert(admin, twin, { newAccount: true });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.data.accountId).not.toBe(existing.data.data.id);
    expect(await count(admin, 'accounts')).toBe(accounts + 1);
  });

  it('uses the account given', async () => {
    const given = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Grupo Elegido' } });
    const id = await newLead(admin, { last_name: 'Ramos', company: 'Otra Empresa' });
    const response = await convert(admin, id, { accountId: given.data.data.id });
    expect(response.statusCode).toBe(200);
    expect(response.data.accountId).toBe(given.data.data.id);
    expect((await get(admin, 'contacts', response.data.contactId)).account_id).toBe(given.data.data.id);
  });

  it('carries a custom field by the mapping', async () => {
    const org = await t.make.org();
    for (const module of ['leads', 'contacts'])
      expect(
        (
          await t.request('POST', `/api/v1/modules/${module}/fields`, {
            as: org,
            body: { label: 'Presupuesto', type: 'currency', section: 'main' },
          })
        ).statusCode,
      ).toBe(201);
    const mapping = (await t.request('GET', '/api/v1/settings/lead-conversion', { as: org })).data;
    expect(mapping.contact.first_name).toBe('first_name');
    const put = await t.request('PUT', '/api/v1/settings/lead-conversion', {
      as: org,
      body: { ...mapping, contact: { ...mapping.contact, presupuesto_c: 'presupuesto_c' } },
    });
    expect(put.statusCode, JSON.stringify(put.data)).toBe(200);
    const id = await newLead(org, { last_name: 'Custom', presupuesto_c: 1200 });
    const response = await convert(org, id);
    expect(response.statusCode).toBe(200);
    expect(response.data.accountId).toBeNull(); // no company, no account
    expect((await get(org, 'contacts', response.data.contactId)).presupuesto_c).toBe('1200.00');
  });

  it('a bad mapping is a 400 naming the entry; a standard user may not read or change it', async () => {
    const org = await t.make.org();
    const mapping = (await t.request('GET', '/api/v1/settings/lead-conversion', { as: org })).data;
    const cases: Array<[unknown, string]> = [
      [{ ...mapping, contact: { ...mapping.contact, nope: 'title' } }, 'contact.nope'],
      [{ ...mapping, contact: { ...mapping.contact, employees: 'title' } }, 'contact.employees'],
      [{ ...mapping, account: { ...mapping.account, website: 'created_at' } }, 'account.website'],
      [{ ...mapping, contact: { first_name: 'first_name' } }, 'contact'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('PUT', '/api/v1/settings/lead-conversion', { as: org, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    }
    expect((await t.request('GET', '/api/v1/settings/lead-conversion', { as: org })).data).toEqual(mapping);
    const standard = await t.make.user(org, { profile: 'standard' });
    expect((await t.request('GET', '/api/v1/settings/lead-conversion', { as: standard })).statusCode).toBe(403);
    expect((await t.request('PUT', '/api/v1/settings/lead-conversion', { as: standard, body: mapping })).statusCode).toBe(403);
  });

  it('bad deal values are a 400 naming the field, and nothing is written', async () => {
    const id = await newLead(admin, { last_name: 'Fallo', company: 'Empresa Fallida' });
    const [contacts, accounts] = [await count(admin, 'contacts'), await count(admin, 'accounts')];
    const response = await convert(admin, id, { deal: { stage: 'nonsense' } });
    expect(response.statusCode).toBe(400);
    expect(response.data.error.details.field).toBe('deal.stage');
    expect((await get(admin, 'leads', id)).is_converted).toBe(false);
    expect([await count(admin, 'contacts'), await count(admin, 'accounts')]).toEqual([contacts, accounts]);
    const unknownAccount = await convert(admin, id, { accountId: '0190a0a0-0000-7000-8000-000000000000' });
    expect(unknownAccount.statusCode).toBe(400);
    expect(unknownAccount.data.error.details.field).toBe('accountId');
  });

  it('needs edit on leads and create on contacts, accounts and deals (403); another organization’s lead is a 404', async () => {
    const id = await newLead(admin, { last_name: 'Permisos', company: 'Permisos SA' });
    const profile = async (name: string, modules: Record<string, unknown>) => {
      const created = await t.request('POST', '/api/v1/profiles', { as: admin, body: { name, modules, fields: {} } });
      expect(created.statusCode).toBe(201);
      return t.make.user(admin, { profileId: created.data.id });
    };
    const all = { create: true, read: true, edit: true, delete: true, import: false, export: false };
    const noLeadEdit = await profile('No lead edit', { '*': all, leads: { ...all, edit: false } });
    const noContactCreate = await profile('No contact create', { '*': all, contacts: { ...all, create: false } });
    const noDealCreate = await profile('No deal create', { '*': all, deals: { ...all, create: false } });
    const noAccountCreate = await profile('No account create', { '*': all, accounts: { ...all, create: false } });
    // These profiles see everything: make the lead public so they see it.
    expect((await t.request('PUT', '/api/v1/sharing/leads', { as: admin, body: { access: 'public_read_write' } })).statusCode).toBe(200);
    expect((await convert(noLeadEdit, id)).statusCode).toBe(403);
    expect((await convert(noContactCreate, id)).statusCode).toBe(403);
    expect((await convert(noDealCreate, id, { deal: {} })).statusCode).toBe(403);
    expect((await convert(noAccountCreate, id)).statusCode).toBe(403); // the lead's company would become an account
    expect((await get(admin, 'leads', id)).is_converted).toBe(false);

    const other = await t.make.org();
    expect((await convert(other, id)).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/leads/${id}/convert`, { as: other })).statusCode).toBe(404);
  });
});
