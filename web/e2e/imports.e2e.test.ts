import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * The import journey: from the leads list, import a CSV of 1,000 leads of
 * which 3 are bad; the good ones are created, and the page lists the three
 * errors with their row numbers and offers the error report.
 */
describe.skipIf(!hasChromium)('import journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  const email = 'luis.moreno@distribuciones.test';
  const password = 'una-contraseña-larga';

  /** 1,000 leads; rows 11, 501 and 1000 of the data (lines 12, 502, 1001 of the file) are bad. */
  function csv(): string {
    const lines = ['First Name,Last Name,Company,Email,Lead Status'];
    for (let i = 1; i <= 1000; i++) {
      const bad = i === 11 ? 'email' : i === 501 ? 'last' : i === 1000 ? 'status' : null;
      lines.push(
        [
          `Nombre${i}`,
          bad === 'last' ? '' : `Apellido${i}`,
          `Empresa ${i} SL`,
          bad === 'email' ? 'no-es-un-correo' : `lead${i}@importado.test`,
          bad === 'status' ? 'Tal vez' : 'Contacted',
        ].join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }

  it('imports 1,000 leads with 3 bad rows and shows the errors', async () => {
    const { page } = await journey.setUpAndSignIn({ organization: 'Distribuciones Moreno', name: 'Luis Moreno', email, password });
    try {
      await page.goto(`${journey.baseUrl}/records/leads`);
      await page.getByRole('link', { name: 'Importar' }).click();
      await page.getByRole('heading', { name: 'Importar registros: Posibles clientes' }).waitFor();
      await page.waitForURL(`${journey.baseUrl}/import/leads`);
      await page
        .locator('input[type=file]')
        .setInputFiles({ name: 'posibles-clientes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
      // The columns map by themselves.
      await page.getByRole('button', { name: 'Importar', exact: true }).waitFor();
      await journey.screenshot(page, 'imports-01-mapping');
      await page.getByRole('button', { name: 'Importar', exact: true }).click();

      const counts = page.getByTestId('import-counts');
      await expect.poll(async () => (await counts.textContent()) ?? '', { timeout: 90_000 }).toContain('Creados: 997');
      await expect.poll(async () => (await counts.textContent()) ?? '').toContain('Con errores: 3');
      const errors = page.getByTestId('import-errors');
      await errors.waitFor();
      const rows = await errors.locator('tbody tr').allTextContents();
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatch(/^12\s*email/);
      expect(rows[1]).toMatch(/^502\s*last_name/);
      expect(rows[2]).toMatch(/^1001\s*lead_status/);
      await page.getByText('Terminada').waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'Descargar informe de errores' }).waitFor();
      await journey.screenshot(page, 'imports-02-errors');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-imports').catch(() => undefined);
      throw error;
    }
  });
});
