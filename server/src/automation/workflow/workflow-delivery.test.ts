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
    // Added twice, it would e-mail the manager twice: the second time is refused, naming the rule there.
    const again = await t.request('POST', '/api/v1/automation/workflow-rules/examples/high_priority_lead', { as: admin });
    expect(again.statusCode).toBe(409);
    expect(again.data.error.details).toMatchObject({ reason: 'example_exists', ruleId: created.data.id });
    const named = (await t.request('GET', '/api/v1/automation/workflow-rules?module=leads', { as: admin })).data.data.filter(
      (rule: { name: string }) => rule.name === 'Posible cliente de alta prioridad',
    );
    expect(named).toHaveLength(1);

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
    // The reason in English, and a code the screens say in the user's language.
    expect(topRun!.actions[0]).toMatchObject({
      type: 'email',
      status: 'skipped',
      detail: { reason: 'The owner has no manager (no parent role).', reasonCode: 'no_manager' },
    });
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

describe('webhook action with a request of its own', () => {
  it('refuses header names that are not tokens or that Clave sets, and bodies that cannot be sent', async () => {
    const hook = await t.request('POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: 'Validación', url: `${receiver.url}/never`, events: ['automation.workflow'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const bad = async (action: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', '/api/v1/automation/workflow-rules', {
        as: admin,
        body: { name: 'X', module: 'leads', trigger: 'create', actions: [{ type: 'webhook', webhookId: hook.data.id, ...action }] },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error.details)).toContain(field);
    };
    const header = (name: string, value = 'v') => ({
      headers: [
        { name: 'X-Ok', value: '1' },
        { name, value },
      ],
    });
    await bad(header('Bad Header'), 'actions[0].headers[1].name');
    await bad(header('X-Acción'), 'actions[0].headers[1].name');
    await bad(header('Content-Length'), 'actions[0].headers[1].name');
    await bad(header('host'), 'actions[0].headers[1].name');
    await bad(header('X-Clave-Signature'), 'actions[0].headers[1].name');
    await bad(header('Idempotency-Key'), 'actions[0].headers[1].name');
    await bad(header('Transfer-Encoding'), 'actions[0].headers[1].name');
    await bad(header('Content-Type'), 'actions[0].headers[1].name');
    await bad(header('x-ok'), 'actions[0].headers[1].name');
    await bad(header('X-Token', 'a\r\nX-Injected: 1'), 'actions[0].headers[1].value');
    await bad({ method: 'GET', bodyTemplate: '{"a": 1}' }, 'actions[0].bodyTemplate');
    await bad({ method: 'CONNECT' }, 'actions');
    await bad({ bodyTemplate: '{"name": {{last_name}' }, 'actions[0].bodyTemplate');
    await bad({ bodyTemplate: '{"name": "{{no_such_field}}"}' }, 'actions[0].bodyTemplate');
    await bad({ contentType: 'text/plain' }, 'actions[0].contentType');
    await bad({ contentType: 'application/xml', bodyTemplate: '<a/>' }, 'actions');
  });

  it('sends PUT with its headers and the rendered body, signed over the bytes received; the log shows it and a re-send repeats it', async () => {
    const hook = await t.request('POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: 'ERP', url: `${receiver.url}/erp`, events: ['automation.workflow'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const webhookId = hook.data.id as string;
    const json =
      '{"name": "{{record.last_name}}", "rating": "{{record.rating}}", "label": "{{rating}}", "note": "{{description}}", "owner": "{{owner.name}}", "rule": "{{rule.name}}", "id": "{{record.id}}"}';
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Enviar al ERP',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'company', op: 'eq', value: 'ERP S.L.' },
        actions: [
          { type: 'webhook', webhookId, method: 'PUT', headers: [{ name: 'X-Api-Key', value: 'k-123' }], bodyTemplate: json },
          {
            type: 'webhook',
            webhookId,
            contentType: 'application/x-www-form-urlencoded',
            bodyTemplate: 'name={{record.last_name}}&note={{description}}',
          },
          { type: 'webhook', webhookId, method: 'DELETE', headers: [{ name: 'Authorization', value: 'Bearer s3cret' }] },
        ],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const note = 'Dice "hola" & adiós\\fin\nsegunda línea';
    const id = await createLead(seller, { last_name: 'Ñúñez', company: 'ERP S.L.', rating: 'warm', description: note });

    const put = await waitFor(() => receiver.requests.find((r) => r.url === '/erp' && r.method === 'PUT'), 'the PUT delivery');
    expect(put.headers['x-api-key']).toBe('k-123');
    expect(put.headers['content-type']).toBe('application/json');
    expect(JSON.parse(put.body)).toEqual({
      name: 'Ñúñez',
      rating: 'warm',
      label: 'Templado',
      note,
      owner: 'Sergio Vende',
      rule: 'Enviar al ERP',
      id,
    });
    expect(verifySignature(hook.data.secret, put.body, String(put.headers['x-clave-signature']))).toBe(true);
    expect(verifySignature(hook.data.secret, `${put.body} `, String(put.headers['x-clave-signature']))).toBe(false);
    expect(put.headers['idempotency-key']).toBe(put.headers['x-clave-delivery']);

    const form = await waitFor(() => receiver.requests.find((r) => r.url === '/erp' && r.method === 'POST'), 'the form delivery');
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(form.body))).toEqual({ name: 'Ñúñez', note });
    expect(verifySignature(hook.data.secret, form.body, String(form.headers['x-clave-signature']))).toBe(true);

    const remove = await waitFor(() => receiver.requests.find((r) => r.url === '/erp' && r.method === 'DELETE'), 'the DELETE delivery');
    expect(remove.body).toBe('');
    expect(remove.headers.authorization).toBe('Bearer s3cret');
    expect(remove.headers['content-type']).toBeUndefined();
    expect(verifySignature(hook.data.secret, '', String(remove.headers['x-clave-signature']))).toBe(true);

    // The delivery log shows the method and the exact body; a re-send sends the same bytes again.
    const log = await waitFor(async () => {
      const response = await t.request('GET', `/api/v1/webhooks/${webhookId}/deliveries`, { as: admin });
      expect(response.statusCode, response.body).toBe(200);
      const deliveries = response.data.data as Array<Record<string, any>>;
      return deliveries.length === 3 && deliveries.every((d) => d.status === 'delivered') ? deliveries : null;
    }, 'the delivery log');
    const logged = log.find((d) => d.method === 'PUT')!;
    expect(logged.request).toEqual({ headers: [{ name: 'X-Api-Key', value: 'k-123' }], contentType: 'application/json', body: put.body });
    expect(logged.data).toMatchObject({ trigger: 'create', module: 'leads', record: { id } });
    expect(logged.data.request).toBeUndefined();
    expect(log.map((d) => d.method).sort()).toEqual(['DELETE', 'POST', 'PUT']);
    const resent = await t.request('POST', `/api/v1/webhooks/${webhookId}/deliveries/${logged.id}/redeliver`, { as: admin });
    expect(resent.statusCode, resent.body).toBe(202);
    expect(resent.data).toMatchObject({ method: 'PUT', redeliveryOf: logged.id });
    const again = await waitFor(
      () => receiver.requests.find((r) => r.method === 'PUT' && r.headers['x-clave-delivery'] === resent.data.id),
      'the re-sent PUT',
    );
    expect(again.body).toBe(put.body);
    expect(again.headers['x-api-key']).toBe('k-123');
    expect(verifySignature(hook.data.secret, again.body, String(again.headers['x-clave-signature']))).toBe(true);

    // A test run renders the body without sending anything.
    const count = receiver.requests.length;
    const dry = await t.request('POST', `/api/v1/automation/workflow-rules/${rule.data.id}/test`, { as: admin, body: { recordId: id } });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.data.actions[0]).toMatchObject({ status: 'would', detail: { method: 'PUT', body: put.body } });
    expect(receiver.requests.length).toBe(count);
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${rule.data.id}`, { as: admin });
  });

  it('keeps sending the standard envelope for a stored action that names only its webhook', async () => {
    const hook = await t.request('POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: 'Clásico', url: `${receiver.url}/classic`, events: ['automation.workflow'] },
    });
    const rule = await t.request('POST', '/api/v1/automation/workflow-rules', {
      as: admin,
      body: {
        name: 'Clásico',
        module: 'leads',
        trigger: 'create',
        criteria: { field: 'company', op: 'eq', value: 'Clásico S.A.' },
        actions: [{ type: 'webhook', webhookId: hook.data.id }],
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    expect(rule.data.actions).toEqual([{ type: 'webhook', webhookId: hook.data.id }]);
    await createLead(seller, { last_name: 'Antiguo', company: 'Clásico S.A.' });
    const request = await waitFor(() => receiver.requests.find((r) => r.url === '/classic'), 'the classic delivery');
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ event: 'automation.workflow', data: { module: 'leads', record: { last_name: 'Antiguo' } } });
    expect(body.data.request).toBeUndefined();
    const log = await t.request('GET', `/api/v1/webhooks/${hook.data.id}/deliveries`, { as: admin });
    expect(log.data.data[0]).toMatchObject({ method: 'POST', request: null });
    await t.request('DELETE', `/api/v1/automation/workflow-rules/${rule.data.id}`, { as: admin });
  });
});
