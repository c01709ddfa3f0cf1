import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Approval processes: a rep's deal with a 25 % discount goes to their manager; the rep sees it locked; the manager
 * approves it from the approvals inbox with a comment, and the record page shows the approval and the comment.
 */
describe.skipIf(!hasChromium)('approvals journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('the manager approves a discount from the inbox with a comment; the record shows it', async () => {
    const { page: adminPage, api } = await journey.setUpAndSignIn({
      organization: 'Aceros Norte',
      name: 'Nerea Ibáñez',
      email: 'nerea@aceros.test',
      password: 'una-contraseña-larga',
    });
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = api) => {
      const response = await fetch(`${journey.baseUrl}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
      return text ? JSON.parse(text) : undefined;
    };
    const direction = (await call('POST', '/roles', { name: 'Dirección comercial', parentId: null })).id as string;
    const sales = (await call('POST', '/roles', { name: 'Ventas', parentId: direction })).id as string;
    const join = async (name: string, email: string, roleId: string) => {
      await call('POST', '/invitations', { name, email, roleId });
      const link = await journey.linkFromMail(email, '/accept-invite');
      const token = new URL(link).searchParams.get('token');
      await call('POST', '/invitations/accept', { token, password: 'otra-contraseña-larga' }, {});
      const login = await fetch(`${journey.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'otra-contraseña-larga' }),
      });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      return { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': csrfToken };
    };
    await join('Marta Jefa', 'marta@aceros.test', direction);
    const rep = await join('Sergio Vende', 'sergio@aceros.test', sales);
    await call('POST', '/modules/deals/fields', { label: 'Descuento', type: 'percent' });
    await call('POST', '/automation/approval-processes', {
      name: 'Descuento alto',
      module: 'deals',
      trigger: 'create_or_edit',
      criteria: { field: 'descuento_c', op: 'gt', value: 20 },
      steps: [{ name: 'Jefe directo', approvers: { type: 'manager', levels: 1 } }],
      onApprove: [{ type: 'field_update', field: 'description', value: 'Descuento aprobado por dirección' }],
    });

    await journey.step(adminPage, 'approvals-01-settings', async () => {
      await adminPage.goto(`${journey.baseUrl}/settings/automation/approval-processes`);
      await adminPage.getByTestId('approval-process-row').filter({ hasText: 'Descuento alto' }).waitFor({ timeout: 10_000 });
      await adminPage.getByText('1. Jefe directo → el jefe de quien lo envía').waitFor();
    });
    await journey.step(adminPage, 'approvals-01b-editor', async () => {
      await adminPage.getByRole('button', { name: 'Editar Descuento alto' }).click();
      const editor = adminPage.getByRole('dialog', { name: 'Editar «Descuento alto»' });
      await editor.getByTestId('approval-step').first().waitFor();
      await expect.poll(() => editor.getByRole('textbox', { name: /^Nombre del paso/ }).inputValue()).toBe('Jefe directo');
    });
    await adminPage.getByRole('dialog', { name: 'Editar «Descuento alto»' }).getByRole('button', { name: 'Cancelar' }).click();

    const deal = (await call('POST', '/records/deals', { name: 'Acme renovación', amount: '48000.00', descuento_c: 25 }, rep)).data
      .id as string;

    const repPage = await journey.signIn('sergio@aceros.test', 'otra-contraseña-larga');
    await journey.step(repPage, 'approvals-02-locked-for-the-rep', async () => {
      await repPage.goto(`${journey.baseUrl}/records/deals/${deal}`);
      await repPage.getByTestId('approval-lock').waitFor({ timeout: 15_000 });
      await repPage.getByText('Paso 1 de 1: Jefe directo').waitFor();
    });

    const manager = await journey.signIn('marta@aceros.test', 'otra-contraseña-larga');
    await journey.step(manager, 'approvals-03-inbox', async () => {
      await expect.poll(() => manager.getByTestId('approvals-badge').textContent(), { timeout: 70_000 }).toBe('1');
      await manager.getByRole('link', { name: /Aprobaciones/ }).click();
      await manager.waitForURL(`${journey.baseUrl}/approvals`);
      const item = manager.getByTestId('approval-inbox-item').filter({ hasText: 'Acme renovación' });
      await item.waitFor();
      await item.getByLabel('Comentario (opcional)').fill('Buen cliente, adelante');
    });
    await journey.step(manager, 'approvals-04-approved', async () => {
      await manager.getByTestId('approval-inbox-item').getByRole('button', { name: 'Aprobar' }).click();
      await manager.getByText('No tienes aprobaciones pendientes.').waitFor({ timeout: 10_000 });
    });
    await journey.step(manager, 'approvals-05-record-page', async () => {
      await manager.goto(`${journey.baseUrl}/records/deals/${deal}`);
      const panel = manager.getByTestId('approval-panel');
      await panel.getByTestId('approval-status').filter({ hasText: 'Aprobado' }).waitFor({ timeout: 10_000 });
      await panel.getByText('“Buen cliente, adelante”').waitFor();
      await panel.getByText('Marta Jefa aprobó').waitFor();
      await manager.getByText('Descuento aprobado por dirección').first().waitFor();
    });
    expect(await manager.getByTestId('approval-lock').count()).toBe(0);
    const record = await call('GET', `/records/deals/${deal}`, undefined, rep);
    expect(record.data.description).toBe('Descuento aprobado por dirección');
  });
});
