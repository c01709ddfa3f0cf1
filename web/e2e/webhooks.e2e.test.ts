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
  });
});
