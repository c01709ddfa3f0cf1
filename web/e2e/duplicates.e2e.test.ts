import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * The duplicate warning journey: creating an account named like an existing
 * one shows the possible duplicate with a link to it; "Crear de todos modos"
 * creates it anyway; later both are selected in the list and merged.
 */
describe.skipIf(!hasChromium)('duplicate warning journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  const email = 'elena.vidal@maderas.test';
  const password = 'una-contraseña-larga';

  it('warns of a possible duplicate in the create form and creates it anyway on request', async () => {
    const { page, api } = await journey.setUpAndSignIn({ organization: 'Maderas Vidal', name: 'Elena Vidal', email, password });
    const existing = await fetch(`${journey.baseUrl}/api/v1/records/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api },
      body: JSON.stringify({ name: 'Ferretería Núñez' }),
    });
    expect(existing.status).toBe(201);

    try {
      await page.goto(`${journey.baseUrl}/records/accounts/new`);
      await page.getByRole('textbox', { name: /^Nombre de la cuenta/ }).fill('FERRETERIA NUNEZ');
      await page.getByRole('button', { name: 'Crear', exact: true }).click();
      const warning = page.getByTestId('duplicate-warning');
      await warning.waitFor({ timeout: 10_000 });
      await warning.getByRole('link', { name: 'Ferretería Núñez' }).waitFor();
      await journey.screenshot(page, 'duplicates-01-warning');
      await page.getByRole('button', { name: 'Crear de todos modos' }).click();
      await page.waitForURL(/\/records\/accounts\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: 'FERRETERIA NUNEZ' }).waitFor();

      // Later, from the list: select both and merge them into the first.
      await page.goto(`${journey.baseUrl}/records/accounts`);
      await page.getByRole('checkbox', { name: 'Seleccionar Ferretería Núñez' }).check();
      await page.getByRole('checkbox', { name: 'Seleccionar FERRETERIA NUNEZ' }).check();
      await page.getByTestId('mass-actions').getByRole('button', { name: 'Combinar' }).click();
      await page.waitForURL(/\/records\/accounts\/merge\?ids=/);
      await page.getByRole('heading', { name: 'Combinar registros' }).waitFor();
      await journey.screenshot(page, 'duplicates-02-merge-from-list');
      await page.getByRole('button', { name: 'Combinar', exact: true }).click();
      await page.waitForURL(/\/records\/accounts\/[0-9a-f-]{36}$/);
      const left = await fetch(`${journey.baseUrl}/api/v1/records/accounts/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...api },
        body: JSON.stringify({ limit: 10 }),
      });
      expect((await left.json()).data).toHaveLength(1);
    } catch (error) {
      await journey.screenshot(page, 'FAILED-duplicates').catch(() => undefined);
      throw error;
    }
  });
});
