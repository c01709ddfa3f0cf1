import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * An administrator adds the article's ready-made rule in Settings › Automation, a hot lead comes in and the
 * rule's execution shows in the log; a test run on the lead shows what would happen, doing nothing.
 */
describe.skipIf(!hasChromium)('workflow rules journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('adds the example rule, sees it run on a hot lead, tests it', async () => {
    const admin = await journey.newPage();

    await journey.step(admin, 'automation-01-setup', async () => {
      await admin.goto(journey.baseUrl);
      await admin.waitForURL(/\/setup/);
      await admin.getByLabel('Nombre de la organización').fill('Acme Ibérica');
      await admin.getByLabel('Tu nombre').fill('Ana García');
      await admin.getByLabel('Correo electrónico').fill('ana@acme.test');
      await admin.getByLabel(/^Contraseña\s*\*?$/).fill('una-contraseña-larga');
      await admin.getByRole('button', { name: 'Crear organización' }).click();
      await admin.waitForURL(`${journey.baseUrl}/`);
    });

    await journey.step(admin, 'automation-02-example', async () => {
      await admin.goto(`${journey.baseUrl}/settings/automation`);
      await expect.poll(() => admin.getByText('Aún no hay reglas').isVisible()).toBe(true);
      await admin.getByRole('button', { name: 'Añadir el ejemplo «alta prioridad»' }).click();
      await expect.poll(() => admin.getByTestId('workflow-rule-row').count()).toBe(1);
      await expect.poll(() => admin.getByText('Posible cliente de alta prioridad', { exact: true }).isVisible()).toBe(true);
    });

    await journey.step(admin, 'automation-03-editor', async () => {
      await admin.getByRole('button', { name: 'Editar «Posible cliente de alta prioridad»' }).click();
      const dialog = admin.getByRole('dialog');
      await expect.poll(() => dialog.getByTestId('rule-action').count()).toBe(2);
      await expect.poll(() => dialog.getByRole('button', { name: '1 condición' }).isVisible()).toBe(true);
    });

    await journey.step(admin, 'automation-04-saved', async () => {
      const dialog = admin.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await expect.poll(() => admin.getByRole('dialog').count()).toBe(0);
    });

    await journey.step(admin, 'automation-05-log', async () => {
      const created = await admin.evaluate(async () => {
        const me = await (await fetch('/api/v1/me')).json();
        const response = await fetch('/api/v1/records/leads', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ first_name: 'Paula', last_name: 'Urgente', rating: 'hot' }),
        });
        return response.status;
      });
      expect(created).toBe(201);
      await admin.getByRole('button', { name: 'Registro de ejecuciones de «Posible cliente de alta prioridad»' }).click();
      const dialog = admin.getByRole('dialog');
      await expect.poll(() => dialog.getByTestId('execution-row').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => dialog.getByText('Hecha').isVisible()).toBe(true);
      // The record by its name, not its id.
      expect(await dialog.getByRole('link', { name: 'Paula Urgente' }).isVisible()).toBe(true);
    });

    await journey.step(admin, 'automation-06-closed', async () => {
      await admin.keyboard.press('Escape');
      await expect.poll(() => admin.getByRole('dialog').count()).toBe(0);
    });

    await journey.step(admin, 'automation-07-test', async () => {
      await admin.getByRole('button', { name: 'Probar «Posible cliente de alta prioridad» con un registro' }).click();
      const dialog = admin.getByRole('dialog');
      // The record is found by its name, as a user knows it.
      await dialog.getByLabel('Registro', { exact: true }).fill('Urgente');
      await admin.getByRole('option', { name: 'Paula Urgente' }).click();
      await dialog.getByRole('button', { name: 'Probar' }).click();
      await expect.poll(() => dialog.getByTestId('test-result').isVisible()).toBe(true);
      expect(await dialog.getByText('El registro cumple los criterios').isVisible()).toBe(true);
      // Why the e-mail would not go, in the user's language (the administrator has no manager).
      expect(await dialog.getByText('El propietario no tiene responsable (su rol no depende de otro).').isVisible()).toBe(true);
      // The field update in the field's label and the value's label, as the record page shows them.
      expect(await dialog.getByText(/: Contactado → Contactado$/).isVisible()).toBe(true);
    });
  });
});
