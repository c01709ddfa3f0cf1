import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * The global search journey: a contact created through the API is found from
 * the command palette by typing its name without accents and with a typo,
 * and opens on its record page.
 */
describe.skipIf(!hasChromium)('search journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  const email = 'marta.ruiz@ferreteria.test';
  const password = 'una-contraseña-larga';

  it('finds "José Muñoz" by typing "Jose Munos" in the palette and opens it', async () => {
    // Set up, sign in, and create the contact through the API.
    const { page, api } = await journey.setUpAndSignIn({ organization: 'Ferretería Ruiz', name: 'Marta Ruiz', email, password });
    const contact = await fetch(`${journey.baseUrl}/api/v1/records/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api },
      body: JSON.stringify({ first_name: 'José', last_name: 'Muñoz', email: 'jose.munoz@cliente.test' }),
    });
    expect(contact.status).toBe(201);
    const id = ((await contact.json()) as { data: { id: string } }).data.id;
    const found = await fetch(`${journey.baseUrl}/api/v1/search?q=${encodeURIComponent('Jose Munos')}`, {
      headers: { cookie: api.cookie },
    });
    const body = await found.text();
    expect(found.status, body).toBe(200);
    expect(JSON.parse(body).data.map((hit: { id: string }) => hit.id)).toEqual([id]);

    try {
      await expect.poll(() => page.getByTestId('user-menu').isVisible()).toBe(true);

      await page.keyboard.press('Control+K');
      const input = page.getByPlaceholder('Buscar o ir a…');
      await input.waitFor();
      await input.pressSequentially('Jose Munos', { delay: 30 });
      const result = page.getByRole('button', { name: /José Muñoz/ });
      await result.waitFor({ timeout: 10_000 });
      await journey.screenshot(page, 'search-01-palette');
      await result.click();
      await page.waitForURL(`${journey.baseUrl}/records/contacts/${id}`);

      // The results page finds it as well.
      await page.goto(`${journey.baseUrl}/search?q=munos`);
      await page.getByTestId('search-results').getByRole('link', { name: 'José Muñoz' }).waitFor({ timeout: 10_000 });
      await journey.screenshot(page, 'search-02-results');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-search').catch(() => undefined);
      throw error;
    }
  });
});
