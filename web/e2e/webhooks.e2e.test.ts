import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../../server/src/test/http-receiver';
import { verifySignature } from '../../server/src/platform/webhooks/webhook.signature';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * An administrator adds a webhook in Settings → Webhooks, keeps the secret
 * shown once, sends a test event, and sees it delivered in the log; the
 * receiver checks the signature with that secret.
 */
describe.skipIf(!hasChromium)('webhooks journey', () => {
  let journey: Journey;
  let receiver: HttpReceiver;
  beforeAll(async () => {
    journey = await startJourney();
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await journey?.close();
  });

  it('creates a webhook, sends a test and sees it delivered', async () => {
    const admin = await journey.newPage();
    let secret = '';

    await journey.step(admin, 'webhooks-01-setup', async () => {
      await admin.goto(journey.baseUrl);
      await admin.waitForURL(/\/setup/);
      await admin.getByLabel('Nombre de la organización').fill('Acme Ibérica');
      await admin.getByLabel('Tu nombre').fill('Ana García');
      await admin.getByLabel('Correo electrónico').fill('ana@acme.test');
      await admin.getByLabel(/^Contraseña\s*\*?$/).fill('una-contraseña-larga');
      await admin.getByRole('button', { name: 'Crear organización' }).click();
      await admin.waitForURL(`${journey.baseUrl}/`);
    });

    await journey.step(admin, 'webhooks-02-create', async () => {
      await admin.goto(`${journey.baseUrl}/settings/webhooks`);
      await expect.poll(() => admin.getByText('Todavía no hay webhooks').isVisible()).toBe(true);
      await admin.getByRole('button', { name: 'Nuevo webhook' }).first().click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel(/^Nombre/).fill('ERP');
      await dialog.getByLabel(/^URL de destino/).fill(`${receiver.url}/clave`);
      await dialog.getByRole('button', { name: 'Crear' }).click();
      await expect.poll(() => dialog.getByTestId('webhook-secret').isVisible()).toBe(true);
      secret = (await dialog.getByTestId('webhook-secret').textContent()) ?? '';
      expect(secret).toMatch(/^whsec_/);
    });

    await journey.step(admin, 'webhooks-03-delivered', async () => {
      await admin.getByRole('dialog').getByRole('button', { name: 'Hecho' }).click();
      await expect.poll(() => admin.getByTestId('webhook-row').count()).toBe(1);
      await admin.getByRole('button', { name: 'Entregas de «ERP»' }).click();
      await admin.getByRole('button', { name: 'Enviar prueba' }).click();
      await expect.poll(() => admin.getByTestId('delivery-row').getByText('Entregado').isVisible(), { timeout: 20_000 }).toBe(true);
      const request = receiver.requests[0]!;
      expect(request.headers['x-clave-event']).toBe('webhook.test');
      expect(verifySignature(secret, request.body, request.headers['x-clave-signature'] as string)).toBe(true);
    });

    // A workflow rule calls the same webhook with a request of its own: PUT, a header, a body built with the picker.
    await journey.step(admin, 'webhooks-04-rule-request', async () => {
      await admin.keyboard.press('Escape');
      await admin.goto(`${journey.baseUrl}/settings/automation`);
      await admin.getByRole('button', { name: 'Nueva regla' }).first().click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByRole('textbox', { name: /^Nombre/ }).fill('Enviar al ERP');
      await dialog.getByRole('button', { name: 'Añadir acción' }).click();
      const action = dialog.getByTestId('rule-action');
      // A field update can write the record a lookup points to: the field list follows that module (accounts' Tier).
      await action.getByLabel(/^Registro/).click();
      await admin.getByRole('option', { name: 'Referido por (cuenta) (registro relacionado)' }).click();
      await action.getByLabel(/^Campo/).click();
      await admin.getByRole('option', { name: 'Nivel', exact: true }).click();
      await journey.screenshot(admin, 'webhooks-04-related-field');
      await action.getByLabel('Añadir acción').click();
      await admin.getByRole('option', { name: 'Llamar a un webhook' }).click();
      await action.getByLabel(/^Webhook/).click();
      await admin.getByRole('option', { name: /^ERP/ }).click();
      await action.getByLabel('Método').click();
      await admin.getByRole('option', { name: 'PUT', exact: true }).click();
      await action.getByRole('button', { name: 'Añadir cabecera' }).click();
      await action.getByLabel('Nombre de la cabecera').fill('X-Api-Key');
      await action.getByLabel('Valor', { exact: true }).fill('k-1');
      const body = action.getByLabel('Cuerpo (plantilla)');
      await body.fill('{"apellidos": ""}');
      // The cursor between the quotes, then the picker puts the merge field there.
      await body.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(15, 15));
      const picker = action.getByLabel('Insertar campo de combinación');
      await picker.click();
      await picker.fill('record.last_name');
      await admin.getByRole('option', { name: /record\.last_name$/ }).click();
      await expect.poll(() => body.inputValue()).toBe('{"apellidos": "{{record.last_name}}"}');
      await expect.poll(() => picker.inputValue()).toBe('');
      await journey.screenshot(admin, 'webhooks-04-rule-editor');
      await dialog.getByRole('button', { name: 'Crear' }).click();
      await expect.poll(() => admin.getByTestId('workflow-rule-row').count()).toBe(1);
    });

    await journey.step(admin, 'webhooks-05-rule-delivered', async () => {
      await admin.evaluate(async () => {
        const me = await (await fetch('/api/v1/me')).json();
        await fetch('/api/v1/records/leads', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ first_name: 'Paula', last_name: 'Núñez' }),
        });
      });
      await expect.poll(() => receiver.requests.some((r) => r.method === 'PUT'), { timeout: 20_000 }).toBe(true);
      const request = receiver.requests.find((r) => r.method === 'PUT')!;
      expect(request.body).toBe('{"apellidos": "Núñez"}');
      expect(request.headers['x-api-key']).toBe('k-1');
      expect(verifySignature(secret, request.body, request.headers['x-clave-signature'] as string)).toBe(true);
      await admin.goto(`${journey.baseUrl}/settings/webhooks`);
      await admin.getByRole('button', { name: 'Entregas de «ERP»' }).click();
      await expect.poll(() => admin.getByTestId('delivery-method').filter({ hasText: 'PUT' }).count(), { timeout: 20_000 }).toBe(1);
    });
  });
});
