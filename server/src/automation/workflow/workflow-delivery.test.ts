import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/http-receiver.js';
import { waitFor } from '../../test/wait-for.js';
import { verifySignature } from '../../platform/webhooks/index.js';

/** Rules whose actions leave the server: e-mail through real SMTP, webhooks to a real HTTP receiver (workers on). */
let t: TestContext;
let admin: TestUser;
let seller: TestUser;
let manager: TestUser;
let receiver: HttpReceiver;

async function role(name: string, parentId: string | null) {
  const response = await t.request('POST', '/api/v1/roles', { as: admin, body: { name, parentId } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.id as string;
}

async function createLead(as: TestUser, body: Record<string, unknown>) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', { as, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

async function executionsOf(recordId: string) {
  const response = await t.request('GET', `/api/v1/automation/executions?recordId=${recordId}`, { as: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.data as Array<Record<string, any>>;
}

beforeAll(async () => {
  t = await createTestContext();
  await t.app.ctx.jobs.start();
  receiver = await startHttpReceiver();
  admin = await t.make.org();
  const direction = await role('Dirección comercial', null);
  const sales = await role('Ventas', direction);
  manager = await t.make.user(admin, { name: 'Marta Jefa', roleId: direction });
  seller = await t.make.user(admin, { name: 'Sergio Vende', roleId: sales });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('the article’s example rule', () => {
  it('e-mails the owner’s manager and sets Lead Status to Contacted for a high-priority lead', async () => {
    const created = await t.request('POST', '/api/v1/automation/workflow-rules/examples/high_priority_lead', { as: admin });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data).toMatchObject({ module: 'leads', trigger: 'create', enabled: true, name: 'Posible cliente de alta prioridad' });
    const unknown = await t.request('POST', '/api/v1/automation/workflow-rules/examples/nothing', { as: admin });
    expect(unknown.statusCode).toBe(400);

    const id = await createLead(seller, { first_name: 'Paula', last_name: 'Urgente', company: 'Acme', rating: 'hot' });
    const mail = await t.mail.waitFor((m) => m.subject.includes('Paula Urgente'));
    expect(mail.to).toEqual([manager.email]);
    expect(mail.subject).toBe('Nuevo posible cliente de alta prioridad: Paula Urgente');
    expect(mail.text).toContain('Sergio Vende tiene un nuevo posible cliente de alta prioridad: Paula Urgente (Acme).');
    const lead = await t.request('GET', `/api/v1/records/leads/${id}`, { as: admin });
    expect(lead.data.data.lead_status).toBe('contacted');
    const [execution] = await waitFor(async () => {
      const found = await executionsOf(id);
      return found[0]?.actions[0]?.status === 'sent' ? found : null;
    }, 'the e-mail outcome');
    expect(execution!.actions[0]).toMatchObject({ type: 'email', status: 'sent', detail: { to: [manager.email] } });
    expect(mail.raw).toContain(`Message-ID: <workflow.${execution!.id}.0@clave>`);

    // A lead of a low priority, or an owner with no manager: nothing is sent.
    const cold = await createLead(seller, { last_name: 'Tranquilo', rating: 'cold' });
    const noManager = await createLead(manager, { last_name: 'SinJefe', rating: 'hot' });
    const [coldRun] = await waitFor(async () => {
      const found = await executionsOf(cold);
      return found.length ? found : null;
    }, 'the cold execution');
    expect(coldRun).toMatchObject({ status: 'skipped', matched: false });
    const [topRun] = await waitFor(async () => {
      const found = await executionsOf(noManager);
      return found[0]?.status === 'done' ? found : null;
    }, 'the no-manager execution');
    expect(topRun!.actions[0]).toMatchObject({ type: 'email', status: 'skipped' });
    expect(t.mail.messages.filter((m) => m.subject.includes('Tranquilo') || m.subject.includes('SinJefe'))).toEqual([]);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${created.data.id}`, { as: admin });
  });
});

describe('e-mail from a template', () => {
  it('merges the record into the template and mails the named user', async () => {
    const template = await t.request('POST', '/api/v1/email-templates', {
      as: admin,
      body: {
        name: 'Aviso',
        module: 'leads',
        subject: 'Revisar {{last_name}}',
        body: 'Valoración: {{rating}}. Empresa: {{company}}. De: {{me.name}}',
      },
    });
    expect(template.statusCode, template.body).toBe(201);
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Avisar a Marta',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'company', op: 'eq', value: 'Plantillas S.A.' },
        actions: [{ type: 'email', to: 'user', userId: manager.userId, templateId: template.data.id }],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await createLead(seller, { last_name: 'Modelo', company: 'Plantillas S.A.', rating: 'warm' });
    const mail = await t.mail.waitFor((m) => m.subject === 'Revisar Modelo');
    expect(mail.to).toEqual([manager.email]);
    expect(mail.text).toContain('Valoración: Templado. Empresa: Plantillas S.A.. De: Admin Person');
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${rule.data.id}`, { as: admin });
  });
});

describe('e-mail to the record’s contact', () => {
  it('writes to the lead’s own address, never to one that opted out', async () => {
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Bienvenida',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'lead_source', op: 'eq', value: 'web' },
        actions: [{ type: 'email', to: 'contact', subject: 'Bienvenida, {{first_name}}', body: 'Gracias por escribirnos.' }],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const noContact = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: { name: 'X', module: 'products', trigger: 'create', actions: [{ type: 'email', to: 'contact', subject: 'S', body: 'B' }] },
    });
    expect(noContact.statusCode).toBe(400);
    expect(noContact.data.error.details.field).toBe('actions[0].to');

    await createLead(seller, { first_name: 'Lola', last_name: 'Web', email: 'lola@cliente.test', lead_source: 'web' });
    const quiet = await createLead(seller, {
      first_name: 'Quique',
      last_name: 'NoMolestar',
      email: 'quique@cliente.test',
      lead_source: 'web',
      email_opt_out: true,
    });
    const mail = await t.mail.waitFor((m) => m.subject === 'Bienvenida, Lola');
    expect(mail.to).toEqual(['lola@cliente.test']);
    const [run] = await waitFor(async () => {
      const found = await executionsOf(quiet);
      return found[0]?.status === 'done' ? found : null;
    }, 'the opted-out execution');
    expect(run!.actions[0]).toMatchObject({ type: 'email', status: 'skipped' });
    expect(t.mail.messages.some((m) => m.to.includes('quique@cliente.test'))).toBe(false);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${rule.data.id}`, { as: admin });
  });
});

describe('webhook action', () => {
  it('posts a signed delivery with an idempotency key, on deletion', async () => {
    const hook = await t.request('POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: 'Para reglas', url: `${receiver.url}/rules`, events: ['automation.workflow'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: { name: 'Aviso al borrar', module: 'leads', trigger: 'delete', actions: [{ type: 'webhook', webhookId: hook.data.id }] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const refused = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: { name: 'X', module: 'leads', trigger: 'delete', actions: [{ type: 'field_update', field: 'lead_status', value: 'junk' }] },
    });
    expect(refused.statusCode).toBe(400);

    const id = await createLead(admin, { last_name: 'Borrado' });
    expect((await t.request('DELETE', `/api/v1/records/leads/${id}`, { as: admin })).statusCode).toBe(204);
    const request = await waitFor(() => receiver.requests.find((r) => r.url === '/rules'), 'the webhook delivery');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ event: 'automation.workflow', data: { trigger: 'delete', module: 'leads', rule: { id: rule.data.id } } });
    expect(body.data.record).toMatchObject({ id, last_name: 'Borrado' });
    expect(request.headers['idempotency-key']).toBe(body.id);
    expect(verifySignature(hook.data.secret, request.body, String(request.headers['x-clave-signature']))).toBe(true);
    const [execution] = await executionsOf(id);
    expect(execution).toMatchObject({
      trigger: 'delete',
      status: 'done',
      actions: [expect.objectContaining({ type: 'webhook', status: 'queued' })],
    });
  });
});
