import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

const PASSWORD = 'una-contraseña-de-demo';

/**
 * The cockpit journey (issue 4): `npm run demo` fills the database, the demo administrator opens the KAM
 * cockpit, changes the period, opens a KPI, drills down to the key accounts behind it, opens one of them and
 * sees its KPI panel, then the cockpit scoped to that account; the KPI table downloads as CSV.
 */
describe.skipIf(!hasChromium)('KAM cockpit journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney({ demo: { password: PASSWORD } });
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('shows the demo KPIs, changes period, drills down to the records and opens an account with its KPI panel', async () => {
    expect(journey.demoOutput).toContain('Demo data for Demo KAM S.L.');
    expect(journey.demoOutput).toContain('demo@clave.example');
    const page = await journey.signIn('demo@clave.example', PASSWORD);
    try {
      // The cockpit is in the navigation; it opens on the current fiscal quarter for the whole organization.
      await page.getByRole('link', { name: 'Cockpit KAM' }).click();
      await page.getByRole('heading', { name: 'Cockpit de cuentas clave' }).waitFor({ timeout: 15_000 });
      await page.getByTestId('kpi-card-clv').waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe('/kam');
      // A year of demo data gives a customer lifetime value in euros and 23 KPI cards.
      await expect.poll(() => page.getByTestId('kpi-value-clv').textContent(), { timeout: 15_000 }).toMatch(/\d.*€/);
      expect(await page.locator('[data-testid^="kpi-card-"]').count()).toBe(23);
      // The key accounts' average health, computed live for the current period (0–100).
      await expect.poll(() => page.getByTestId('kpi-value-health_score').textContent(), { timeout: 15_000 }).toMatch(/^\d{1,3}$/);
      await page.getByRole('region', { name: 'Curva de captación' }).getByText('Por canal del primer contacto').waitFor();
      await journey.screenshot(page, 'kam-cockpit-01-quarter');

      // Change the period: the fiscal year, then the year before; the URL keeps it (a view can be shared).
      await page.getByText('Año', { exact: true }).click();
      // The period is plain in the address (?period=2026, not ?period=%222026%22).
      const periodInUrl = () => new URL(page.url()).searchParams.get('period');
      await expect.poll(periodInUrl, { timeout: 10_000 }).toMatch(/^\d{4}$/);
      const year = Number(periodInUrl());
      await page.getByRole('combobox', { name: 'Periodo' }).click();
      await page.getByRole('option', { name: `Año fiscal ${year - 1}` }).click();
      await expect.poll(periodInUrl, { timeout: 10_000 }).toBe(String(year - 1));
      await expect.poll(() => page.getByTestId('kpi-value-clv').textContent(), { timeout: 15_000 }).toMatch(/\d.*€/);
      await journey.screenshot(page, 'kam-cockpit-02-previous-year');

      // Back to this year; the KPI table downloads as CSV named after the period and scope.
      await page.getByRole('combobox', { name: 'Periodo' }).click();
      await page.getByRole('option', { name: `Año fiscal ${year}` }).click();
      await expect.poll(periodInUrl, { timeout: 10_000 }).toBe(String(year));
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
      expect(download.suggestedFilename()).toBe(`kpis-${year}-org.csv`);
      const csv = fs
        .readFileSync((await download.path())!, 'utf8')
        .replace(/^\ufeff/, '')
        .split('\r\n');
      expect(csv[0]!.startsWith('KPI,id,unidad,periodo,ámbito,valor,anterior,objetivo,')).toBe(true);
      expect(csv.filter((line) => line !== '')).toHaveLength(24);
      expect(csv.some((line) => line.startsWith('NPS,nps,score,'))).toBe(true);

      // Open a KPI: its chart and the key accounts behind it.
      await page.getByTestId('kpi-card-referenceable_rate').getByRole('button').click();
      const drawer = page.getByRole('dialog', { name: 'Cuentas que nos recomiendan' });
      await drawer.getByRole('img', { name: /últimos 8 periodos/ }).waitFor({ timeout: 10_000 });
      expect(new URL(page.url()).searchParams.get('kpi')).toBe('referenceable_rate');
      const records = drawer.getByRole('region', { name: 'Registros detrás del número' });
      await records.getByText(/de 15 cuentan en el numerador/).waitFor({ timeout: 10_000 });
      const firstAccount = records.getByRole('link').first();
      const accountName = (await firstAccount.textContent())!;
      await journey.screenshot(page, 'kam-cockpit-03-drill-down');

      // Open the account: its KPI panel for the current quarter, and the cockpit scoped to it.
      await firstAccount.click();
      await page.getByRole('heading', { name: accountName }).waitFor({ timeout: 10_000 });
      const panel = page.getByRole('region', { name: 'KPI de la cuenta' });
      await panel.getByTestId('kpi-card-clv').waitFor({ timeout: 10_000 });
      await expect.poll(() => panel.getByTestId('kpi-value-days_since_last_touch').textContent(), { timeout: 10_000 }).toMatch(/^\d+ d$/);
      await journey.screenshot(page, 'kam-cockpit-04-account-panel');
      await panel.getByRole('link', { name: 'Abrir en el cockpit' }).click();
      await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/\/kam\?.*scope=account%3A/);
      await page.getByRole('combobox', { name: 'Cuenta' }).waitFor();
      await expect.poll(() => page.getByRole('combobox', { name: 'Cuenta' }).inputValue(), { timeout: 10_000 }).toBe(accountName);
      await page.getByTestId('kpi-card-clv').waitFor();
      await journey.screenshot(page, 'kam-cockpit-05-account-scope');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-kam-cockpit').catch(() => undefined);
      throw error;
    }
  });
});
