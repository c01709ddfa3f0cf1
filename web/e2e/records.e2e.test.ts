import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Record journeys in Spanish: an administrator adds a custom field in
 * Settings, fills it in the create form and sees it on the record page; then
 * drags a deal to the next stage on the board and finds the stage saved.
 */
describe.skipIf(!hasChromium)('records journey', () => {
  let journey: Journey;
  let admin: Page;
  beforeAll(async () => {
    journey = await startJourney();
    admin = await journey.newPage();
    await admin.goto(journey.baseUrl);
    await admin.waitForURL(/\/setup/);
    await admin.getByLabel('Nombre de la organización').fill('Acme Ibérica');
    await admin.getByLabel('Tu nombre').fill('Ana García');
    await admin.getByLabel('Correo electrónico').fill('ana.garcia@acme.test');
    await admin.getByLabel(/^Contraseña\s*\*?$/).fill('una-contraseña-larga');
    await admin.getByRole('button', { name: 'Crear organización' }).click();
    await admin.waitForURL(`${journey.baseUrl}/`);
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('adds a custom field in Settings, fills it in the create form and sees it on the record page', async () => {
    await journey.step(admin, 'records-01-add-field', async () => {
      await admin.goto(`${journey.baseUrl}/settings/modules`);
      await admin.getByRole('listitem').filter({ hasText: 'Cuentas' }).first().click();
      await expect.poll(() => admin.getByRole('heading', { name: 'Campos de Cuentas' }).isVisible()).toBe(true);
      await admin.getByRole('button', { name: 'Añadir campo' }).first().click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel(/^Etiqueta/).fill('Nivel de servicio');
      await dialog.getByRole('combobox', { name: /^Tipo/ }).click();
      await admin.getByRole('option', { name: 'Lista de selección', exact: true }).click();
      await dialog.getByLabel('Valor 1', { exact: true }).fill('Oro');
      await dialog.getByRole('button', { name: 'Añadir valor' }).click();
      await dialog.getByLabel('Valor 2', { exact: true }).fill('Plata');
      await dialog.getByRole('button', { name: 'Añadir campo' }).click();
      await expect.poll(() => admin.getByText('Campo «Nivel de servicio» añadido').isVisible()).toBe(true);
      await expect.poll(() => admin.getByTestId('field-row').filter({ hasText: 'nivel_de_servicio_c' }).count()).toBe(1);
    });

    await journey.step(admin, 'records-02-create-form', async () => {
      await admin.getByRole('navigation', { name: 'Módulos' }).getByRole('link', { name: 'Cuentas' }).click();
      await admin.waitForURL(/\/records\/accounts$/);
      await admin.getByRole('link', { name: 'Nuevo: Cuenta' }).click();
      await admin.waitForURL(/\/records\/accounts\/new$/);
      await admin.getByRole('textbox', { name: /^Nombre de la cuenta/ }).fill('Talleres Norte');
      await admin.getByRole('combobox', { name: /^Nivel de servicio/ }).click();
      await admin.getByRole('option', { name: 'Oro', exact: true }).click();
      await admin.getByRole('button', { name: 'Crear', exact: true }).click();
      await admin.waitForURL(/\/records\/accounts\/[0-9a-f-]{36}$/);
    });

    await journey.step(admin, 'records-03-record-page', async () => {
      await expect.poll(() => admin.getByRole('heading', { name: 'Talleres Norte' }).isVisible()).toBe(true);
      await expect.poll(() => admin.getByTestId('field-nivel_de_servicio_c').innerText()).toContain('Oro');
      // Inline edit: change it to Plata and see the change in the history.
      await admin.getByRole('button', { name: 'Editar Nivel de servicio' }).click();
      await admin.getByTestId('field-nivel_de_servicio_c').getByRole('combobox').click();
      await admin.getByRole('option', { name: 'Plata', exact: true }).click();
      await admin.getByTestId('field-nivel_de_servicio_c').getByRole('button', { name: 'Guardar' }).click();
      await expect.poll(() => admin.getByTestId('field-nivel_de_servicio_c').innerText()).toContain('Plata');
      await expect.poll(() => admin.getByTestId('timeline-entry').first().innerText()).toContain('Nivel de servicio: Oro → Plata');
    });

    await journey.step(admin, 'records-04-list', async () => {
      await admin.goto(`${journey.baseUrl}/records/accounts`);
      await expect.poll(() => admin.getByTestId('record-row').filter({ hasText: 'Talleres Norte' }).count()).toBe(1);
      await expect.poll(() => admin.getByTestId('list-total').innerText()).toBe('1 registro');
    });
  });

  it('drags a deal to the next stage on the board and the stage is saved', async () => {
    await journey.step(admin, 'records-05-new-deal', async () => {
      await admin.goto(`${journey.baseUrl}/records/deals/new`);
      await admin.getByRole('textbox', { name: /^Nombre de la oportunidad/ }).fill('Renovación flota 2026');
      await admin.getByRole('textbox', { name: /^Importe/ }).fill('12500');
      await admin.getByRole('button', { name: 'Crear', exact: true }).click();
      await admin.waitForURL(/\/records\/deals\/[0-9a-f-]{36}$/);
    });

    await journey.step(admin, 'records-06-board-drag', async () => {
      await admin.goto(`${journey.baseUrl}/records/deals/board`);
      const card = admin.getByTestId('stage-qualification').getByTestId('deal-card').filter({ hasText: 'Renovación flota 2026' });
      await expect.poll(() => card.count()).toBe(1);
      const from = (await card.boundingBox())!;
      const to = (await admin.getByTestId('stage-needs_analysis').boundingBox())!;
      await admin.mouse.move(from.x + from.width - 20, from.y + from.height / 2);
      await admin.mouse.down();
      await admin.mouse.move(from.x + from.width, from.y + from.height / 2 + 10, { steps: 5 });
      await admin.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 15 });
      await admin.mouse.up();
      await expect
        .poll(() => admin.getByTestId('stage-needs_analysis').getByTestId('deal-card').filter({ hasText: 'Renovación flota 2026' }).count())
        .toBe(1);
      await expect.poll(() => admin.getByText('«Renovación flota 2026» pasa a Análisis de necesidades').isVisible()).toBe(true);
    });

    await journey.step(admin, 'records-07-board-reload', async () => {
      await admin.reload();
      await expect
        .poll(() => admin.getByTestId('stage-needs_analysis').getByTestId('deal-card').filter({ hasText: 'Renovación flota 2026' }).count())
        .toBe(1);
      await expect.poll(() => admin.getByTestId('stage-needs_analysis').getByTestId('stage-total').innerText()).toMatch(/12\.500,00\s€/);
    });

    await journey.step(admin, 'records-08-saved-view', async () => {
      // A saved view keeps its sort direction: sort by amount descending, save, leave it, pick it again.
      await admin.goto(`${journey.baseUrl}/records/deals`);
      const amount = admin.getByRole('columnheader', { name: /^Importe/ });
      await amount.getByRole('button').click();
      await expect.poll(() => amount.getAttribute('aria-sort')).toBe('ascending');
      await amount.getByRole('button').click();
      await expect.poll(() => amount.getAttribute('aria-sort')).toBe('descending');
      await admin.getByTestId('views-menu').click();
      await admin.getByRole('menuitem', { name: 'Guardar como vista' }).click();
      await admin
        .getByRole('dialog')
        .getByLabel(/^Nombre de la vista/)
        .fill('Mayores importes');
      await admin.getByRole('dialog').getByRole('button', { name: 'Guardar' }).click();
      await expect.poll(() => admin.getByTestId('views-menu').innerText()).toContain('Mayores importes');
      await admin.getByTestId('views-menu').click();
      await admin.getByRole('menuitem', { name: 'Todos los registros' }).click();
      await expect.poll(() => amount.getAttribute('aria-sort')).toBeNull();
      await admin.getByTestId('views-menu').click();
      await admin.getByRole('menuitem', { name: 'Mayores importes' }).click();
      await expect.poll(() => amount.getAttribute('aria-sort')).toBe('descending');
    });
  });
});
