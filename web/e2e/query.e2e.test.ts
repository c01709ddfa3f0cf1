import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * An administrator opens Reports › Query, runs a grouped question about won deals, reads the rows, then mistypes a
 * keyword and sees where the text went wrong.
 */
describe.skipIf(!hasChromium)('query language journey', () => {
  let journey: Journey;
  let admin: Page;
  beforeAll(async () => {
    journey = await startJourney();
    ({ page: admin } = await journey.setUpAndSignIn({
      organization: 'Consultas Ibéricas',
      name: 'Lucía Pardo',
      email: 'lucia@consultas.test',
      password: 'una-contraseña-larga',
    }));
    await admin.evaluate(async () => {
      const me = await (await fetch('/api/v1/me')).json();
      const deals = [
        { name: 'Renovación Norte', amount: '12000.00', stage: 'closed_won', closed_at: new Date().toISOString() },
        { name: 'Ampliación Levante', amount: '8000.00', stage: 'closed_won', closed_at: new Date().toISOString() },
        { name: 'Piloto Costa', amount: '30000.00', stage: 'negotiation' },
      ];
      for (const deal of deals) {
        const response = await fetch('/api/v1/records/deals', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify(deal),
        });
        if (response.status !== 201) throw new Error(await response.text());
      }
    });
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('runs a grouped query and points at a mistake', async () => {
    const editor = admin.getByRole('textbox', { name: 'Consulta' });
    await journey.step(admin, 'query-01-run', async () => {
      await admin.getByRole('link', { name: 'Informes' }).click();
      await admin.waitForURL(/\/reports$/);
      await admin.getByRole('link', { name: 'Consulta' }).click();
      await admin.waitForURL(/\/reports\/query$/);
      await editor.fill('SELECT stage, SUM(amount) AS total, COUNT(*) AS deals\nFROM deals\nGROUP BY stage\nORDER BY total DESC');
      await admin.getByRole('button', { name: 'Ejecutar' }).click();
      await expect.poll(() => admin.getByText('2 filas').isVisible()).toBe(true);
      const rows = admin.locator('table tbody tr');
      // Negotiation (30,000) first, then closed won (20,000 over two deals); stages read by their labels.
      await expect.poll(() => rows.first().innerText()).toMatch(/Negociación\s+30[.\s]?000,00\s€\s+1/);
      await expect.poll(() => rows.nth(1).innerText()).toMatch(/Cerrada ganada\s+20[.\s]?000,00\s€\s+2/);
    });
    await journey.step(admin, 'query-02-error', async () => {
      await editor.fill('SELECT name\nFORM deals');
      await editor.press('Control+Enter');
      await expect.poll(() => admin.getByText('Error en la línea 2, columna 1').isVisible()).toBe(true);
      await expect.poll(() => admin.getByText(/Expected FROM after the selected items/).isVisible()).toBe(true);
    });
  });
});
