import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

const PASSWORD = 'una-contraseña-larga';

/**
 * A sales manager opens their forecast, sets a rep's quota for the quarter, sees the attainment and drills into the
 * commit deals behind the number. The organization, its roles, people and deals are made through the API.
 */
describe.skipIf(!hasChromium)('forecasts journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('sets a quota, shows the attainment and lists the commit deals', async () => {
    const { page: adminPage, api } = await journey.setUpAndSignIn({
      organization: 'Acme Ibérica',
      name: 'Ana García',
      email: 'ana@acme.test',
      password: PASSWORD,
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${journey.baseUrl}/api/v1${path}`, {
        method,
        headers: { ...api, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const roles = (await call('GET', '/roles')).data as Array<{ id: string; parentId: string | null }>;
    const ceo = roles.find((role) => role.parentId === null)!;
    const salesManager = (await call('POST', '/roles', { name: 'Jefa de ventas', parentId: ceo.id })).id as string;
    const rep = (await call('POST', '/roles', { name: 'Comercial', parentId: salesManager })).id as string;
    const all = { create: true, read: true, edit: true, delete: true, import: false, export: false };
    const profile = await call('POST', '/profiles', {
      name: 'Ventas con previsiones',
      modules: { '*': all, forecasts: { ...all, create: false, delete: false } },
    });
    const person = async (name: string, email: string, roleId: string) => {
      await call('POST', '/invitations', { name, email, roleId, profileId: profile.id });
      const link = await journey.linkFromMail(email, '/accept-invite');
      const token = new URL(link).searchParams.get('token');
      const accepted = await fetch(`${journey.baseUrl}/api/v1/invitations/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password: PASSWORD }),
      });
      expect(accepted.status).toBeLessThan(300);
    };
    await person('Marta Jefa', 'marta@acme.test', salesManager);
    await person('Rafa Comercial', 'rafa@acme.test', rep);
    const users = (await call('GET', '/users')).data as Array<{ id: string; name: string }>;
    const rafa = users.find((user) => user.name === 'Rafa Comercial')!;
    const today = new Date().toISOString().slice(0, 10);
    const deal = (name: string, stage: string, amount: string) =>
      call('POST', '/records/deals', { name, stage, amount, currency: 'EUR', close_date: today, owner_id: rafa.id });
    const fleet = (await deal('Renovación flota', 'negotiation', '30000')).data.id as string;
    await deal('Ampliación licencias', 'negotiation', '12000');
    await deal('Piloto almacén', 'proposal', '8000');
    await deal('Contrato anual', 'closed_won', '10000');

    const page = await journey.signIn('marta@acme.test', PASSWORD);
    await journey.step(page, 'forecasts-01-team', async () => {
      await page.getByRole('link', { name: 'Previsiones' }).click();
      await page.getByRole('heading', { name: 'Previsiones de ventas' }).waitFor({ timeout: 15_000 });
      const table = page.getByRole('table', { name: 'Previsiones de ventas' });
      await table.getByRole('button', { name: 'Abrir la previsión de Rafa Comercial' }).waitFor();
      // Commit 30,000 + 12,000; closed 10,000; no quota yet.
      await expect.poll(() => table.getByRole('button', { name: 'Compromiso · Rafa Comercial' }).textContent()).toMatch(/42\.000,00\s€/);
      await expect.poll(() => table.getByRole('button', { name: 'Cerrado · Rafa Comercial' }).textContent()).toMatch(/10\.000,00\s€/);
    });

    await journey.step(page, 'forecasts-02-quota', async () => {
      await page.getByRole('button', { name: 'Fijar la cuota de Rafa Comercial' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Importe (EUR)').fill('40000');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      // 10,000 closed of a 40,000 quota.
      await page.getByRole('progressbar', { name: /Consecución Rafa Comercial: 25\s?%/ }).waitFor({ timeout: 10_000 });
    });

    await journey.step(page, 'forecasts-03-commit-deals', async () => {
      await page.getByRole('table', { name: 'Previsiones de ventas' }).getByRole('button', { name: 'Compromiso · Rafa Comercial' }).click();
      const drawer = page.getByRole('dialog', { name: /Compromiso · Rafa Comercial/ });
      await drawer.getByText('2 oportunidades').waitFor({ timeout: 10_000 });
      // Largest first.
      const links = drawer.getByRole('table').getByRole('link', { name: /Renovación flota|Ampliación licencias/ });
      await expect.poll(() => links.allTextContents()).toEqual(['Renovación flota', 'Ampliación licencias']);
      expect(await drawer.getByText('Piloto almacén').count()).toBe(0);
      await drawer.getByRole('button', { name: 'Cerrar' }).click();
    });

    // The administrator counts proposals as commit in Settings › Forecasts: the manager's commit gains 8,000.
    await journey.step(adminPage, 'forecasts-04-stage-mapping', async () => {
      await adminPage.goto(`${journey.baseUrl}/settings/forecasts`);
      await adminPage.getByRole('heading', { name: 'Previsiones' }).waitFor({ timeout: 10_000 });
      await adminPage.getByRole('combobox', { name: 'Categoría · Propuesta/Presupuesto' }).click();
      await adminPage.getByRole('option', { name: 'Compromiso' }).click();
      await adminPage.getByRole('button', { name: 'Guardar' }).click();
      await adminPage.getByText('Categorías guardadas.').waitFor({ timeout: 10_000 });
    });
    await journey.step(page, 'forecasts-05-after-mapping', async () => {
      await page.reload();
      const table = page.getByRole('table', { name: 'Previsiones de ventas' });
      await expect
        .poll(() => table.getByRole('button', { name: 'Compromiso · Rafa Comercial' }).textContent(), { timeout: 10_000 })
        .toMatch(/50\.000,00\s€/);
    });

    // The CEO sees Marta's team rolled up, expands it, takes a snapshot and sees the week's change beside the number.
    await journey.step(adminPage, 'forecasts-06-ceo-team', async () => {
      await adminPage.goto(`${journey.baseUrl}/forecasts`);
      const table = adminPage.getByRole('table', { name: 'Previsiones de ventas' });
      await expect
        .poll(() => table.getByRole('button', { name: 'Compromiso · Marta Jefa', exact: true }).textContent(), { timeout: 15_000 })
        .toMatch(/50\.000,00\s€/);
      await table.getByRole('button', { name: 'Mostrar el equipo de Marta Jefa' }).click();
      await table.getByRole('button', { name: 'Abrir la previsión de Rafa Comercial' }).waitFor({ timeout: 10_000 });
    });
    await journey.step(adminPage, 'forecasts-07-week-over-week', async () => {
      await adminPage.getByRole('button', { name: 'Tomar instantánea ahora' }).click();
      await adminPage.getByText(/^Instantánea del .* guardada\.$/).waitFor({ timeout: 10_000 });
      await call('PATCH', `/records/deals/${fleet}`, { amount: '35000' });
      await adminPage.getByRole('combobox', { name: 'Comparar con la instantánea' }).click();
      await adminPage.getByRole('option').first().click();
      await expect.poll(() => new URL(adminPage.url()).searchParams.get('compareTo')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const table = adminPage.getByRole('table', { name: 'Previsiones de ventas' });
      await expect
        .poll(() => table.getByRole('button', { name: 'Compromiso · Marta Jefa', exact: true }).textContent(), { timeout: 10_000 })
        .toMatch(/55\.000,00\s€/);
      await table
        .getByTitle(/Cambio desde la instantánea: \+5000,00\s€/)
        .first()
        .waitFor({ timeout: 10_000 });
    });
  });
});
