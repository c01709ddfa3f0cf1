import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Lead conversion as a salesperson takes it: a lead whose company already
 * exists as an account is converted from its convert screen into a contact
 * on that account and a new deal; the lead shows as converted. Then the new
 * contact's hand-typed twin is merged into it on the merge screen.
 */
describe.skipIf(!hasChromium)('lead conversion journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  const field = (label: string) => new RegExp(`^${label}\\s*\\*?$`);

  /** Calls the API from the signed-in page (its session cookie and CSRF token). */
  async function apiFromPage(page: Page, method: string, path: string, body?: unknown) {
    return page.evaluate(
      async ({ method, path, body }) => {
        const me = await (await fetch('/api/v1/me')).json();
        const response = await fetch(`/api/v1${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, data: await response.json().catch(() => null) };
      },
      { method, path, body },
    );
  }

  it('converts a lead into a contact on the existing account and a deal', async () => {
    const page = await journey.newPage();
    let leadId = '';
    let accountId = '';

    await journey.step(page, 'convert-01-setup', async () => {
      await page.goto(journey.baseUrl);
      await page.waitForURL(/\/setup/);
      await page.getByLabel('Nombre de la organización').fill('Distribuciones Sur');
      await page.getByLabel('Tu nombre').fill('Elena Ruiz');
      await page.getByLabel('Correo electrónico').fill('elena@distsur.test');
      await page.getByLabel(field('Contraseña')).fill('una-contraseña-larga');
      await page.getByRole('button', { name: 'Crear organización' }).click();
      await page.waitForURL(`${journey.baseUrl}/`);
      const account = await apiFromPage(page, 'POST', '/records/accounts', { name: 'Conservas Marineras' });
      expect(account.status).toBe(201);
      accountId = account.data.data.id;
      const lead = await apiFromPage(page, 'POST', '/records/leads', {
        first_name: 'Jorge',
        last_name: 'Alcántara',
        company: 'CONSERVAS MARINERAS',
        email: 'jorge@conservas.test',
        lead_source: 'web',
      });
      expect(lead.status).toBe(201);
      leadId = lead.data.data.id;
    });

    await journey.step(page, 'convert-02-form', async () => {
      await page.goto(`${journey.baseUrl}/records/leads/${leadId}/convert`);
      await expect.poll(() => page.getByRole('heading', { name: 'Convertir a Jorge Alcántara' }).isVisible()).toBe(true);
      // The existing account is offered and chosen.
      await expect.poll(() => page.getByLabel('Usar la cuenta existente «Conservas Marineras»').isChecked()).toBe(true);
      await page.getByLabel('Crear también una oportunidad').check({ force: true });
      await page.getByLabel('Nombre de la oportunidad').fill('Latas 2027');
      await page.getByLabel('Importe').fill('12000');
    });

    await journey.step(page, 'convert-03-done', async () => {
      await page.getByRole('button', { name: 'Convertir' }).click();
      await expect.poll(() => page.getByText('Posible cliente convertido').isVisible(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => page.getByRole('link', { name: 'Abrir la oportunidad' }).isVisible()).toBe(true);
    });

    const lead = await apiFromPage(page, 'GET', `/records/leads/${leadId}`);
    expect(lead.data.data).toMatchObject({ is_converted: true, lead_status: 'converted', converted_account_id: accountId });
    const deal = await apiFromPage(page, 'GET', `/records/deals/${lead.data.data.converted_deal_id}`);
    expect(deal.data.data).toMatchObject({ name: 'Latas 2027', amount: '12000.00', account_id: accountId, lead_source: 'web' });

    // Opening the convert screen again says it is done.
    await page.goto(`${journey.baseUrl}/records/leads/${leadId}/convert`);
    await expect.poll(() => page.getByText('Este posible cliente ya está convertido.').isVisible()).toBe(true);

    // The contact the conversion made has a twin typed in by hand: merge them, keeping the twin's mobile.
    const contactId = lead.data.data.converted_contact_id as string;
    const twin = await apiFromPage(page, 'POST', '/records/contacts?allowDuplicates=true', {
      first_name: 'Jorge',
      last_name: 'Alcántara',
      email: 'jorge@conservas.test',
      mobile: '+34 611 000 222',
    });
    expect(twin.status).toBe(201);
    await journey.step(page, 'convert-04-merge', async () => {
      await page.goto(`${journey.baseUrl}/records/contacts/merge?ids=${contactId},${twin.data.data.id}`);
      await expect.poll(() => page.getByRole('heading', { name: 'Combinar registros' }).isVisible()).toBe(true);
      await page.getByLabel('+34 611 000 222').check();
      await page.getByRole('button', { name: 'Combinar' }).click();
      // The merged record opens.
      await page.waitForURL(new RegExp(`/records/contacts/(${contactId}|${twin.data.data.id})$`), { timeout: 10_000 });
    });
    const merged = await apiFromPage(page, 'GET', `/records/contacts/${contactId}`);
    expect(merged.data.data).toMatchObject({ mobile: '+34 611 000 222', account_id: accountId });
    expect((await apiFromPage(page, 'GET', `/records/contacts/${twin.data.data.id}`)).status).toBe(404);
  });
});
