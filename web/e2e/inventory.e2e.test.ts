import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Inventory documents, as a seller uses them: lines on a quote (one from a
 * product, one written), the totals the server works out, and the PDF button.
 */
describe.skipIf(!hasChromium)('quote line items journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  /** Calls the API from the signed-in page (its session cookie and CSRF token). */
  const call = (page: Page, method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const me = await (await fetch('/api/v1/me')).json();
        const response = await fetch(`/api/v1${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, data: await response.json() };
      },
      { method, path, body },
    );

  it('adds lines to a quote, saves them and shows the totals', async () => {
    const page = await journey.newPage();
    await page.goto(journey.baseUrl);
    await page.waitForURL(/\/setup/);
    await page.getByLabel('Nombre de la organización').fill('Ferretería Aragón');
    await page.getByLabel('Tu nombre').fill('Marta Núñez');
    await page.getByLabel('Correo electrónico').fill('marta@ferreteria.test');
    await page.getByLabel(/^Contraseña\s*\*?$/).fill('una-contraseña-larga');
    await page.getByRole('button', { name: 'Crear organización' }).click();
    await page.waitForURL(`${journey.baseUrl}/`);

    const product = await call(page, 'POST', '/records/products', { name: 'Tornillo DIN 933', unit_price: '19.99', tax_rate: '21' });
    expect(product.status).toBe(201);
    const quote = await call(page, 'POST', '/records/quotes', { subject: 'Pedido de obra' });
    expect(quote.status).toBe(201);

    try {
      await page.goto(`${journey.baseUrl}/records/quotes/${quote.data.data.id}`);
      await expect.poll(() => page.getByText('Este documento aún no tiene líneas.').isVisible()).toBe(true);

      await page.getByRole('button', { name: 'Añadir línea' }).click();
      await page.getByRole('combobox', { name: 'Producto 1' }).fill('Tornillo');
      await page.getByRole('option', { name: 'Tornillo DIN 933' }).click();
      await expect.poll(() => page.getByLabel('Precio 1').inputValue()).toBe('19.99');
      await page.getByLabel('Cantidad 1').fill('3');
      await page.getByLabel('Descuento 1', { exact: true }).fill('10');

      await page.getByRole('button', { name: 'Añadir línea' }).click();
      await page.getByLabel('Descripción 2').fill('Portes');
      await page.getByLabel('Precio 2').fill('15,00');
      await page.getByLabel('Impuesto (%) 2').fill('21');
      await page.getByRole('button', { name: 'Guardar líneas' }).click();

      await expect.poll(() => page.getByText('Líneas guardadas y totales actualizados').isVisible()).toBe(true);
      // 3 × 19,99 − 10 % + 21 % = 65,30; 15,00 + 21 % = 18,15; total 83,45.
      const text = (await page.locator('body').innerText()).replace(/[\u00a0\u202f]/g, ' ');
      expect(text).toContain('65,30 €');
      expect(text).toContain('18,15 €');
      expect(text).toContain('83,45 €');
      const pdf = page.getByRole('link', { name: 'PDF' });
      expect(await pdf.getAttribute('href')).toBe(`/api/v1/records/quotes/${quote.data.data.id}/pdf`);
      await journey.screenshot(page, 'inventory-01-line-items');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-inventory-01-line-items').catch(() => undefined);
      throw error;
    }
    const stored = await call(page, 'GET', `/records/quotes/${quote.data.data.id}`);
    expect(stored.data.data.grand_total).toBe('83.45');
  });
});
