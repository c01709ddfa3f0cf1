import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Custom functions: an administrator writes a function in Settings › Custom functions, tests it on a lead and reads
 * its log and result; the test's record change is rolled back.
 */
describe.skipIf(!hasChromium)('custom functions journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('writes a function, tests it on a lead and sees its log', async () => {
    const { page, api } = await journey.setUpAndSignIn({
      organization: 'Cerámicas Sur',
      name: 'Lucía Prieto',
      email: 'lucia@ceramicas.test',
      password: 'una-contraseña-larga',
    });
    const created = await fetch(`${journey.baseUrl}/api/v1/records/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api },
      body: JSON.stringify({ last_name: 'Souto', company: 'Azulejos Souto' }),
    });
    expect(created.status).toBe(201);
    const leadId = ((await created.json()) as { data: { id: string } }).data.id;
    try {
      await page.goto(`${journey.baseUrl}/settings/automation/functions`);
      await page.getByRole('button', { name: 'Nueva función' }).first().click();
      const editor = page.getByRole('dialog', { name: 'Nueva función' });
      await editor.getByRole('textbox', { name: /^Nombre/ }).fill('Marcar contactado');
      await editor
        .getByRole('textbox', { name: /^Código/ })
        .fill(
          [
            "const lead = await clave.records.get('leads', input.record.id);",
            "clave.log('Empresa:', lead.company);",
            "const updated = await clave.records.update('leads', lead.id, { lead_status: 'contacted' });",
            'return { estado: updated.lead_status };',
          ].join('\n'),
        );
      await journey.screenshot(page, 'functions-01-editor');
      await editor.getByRole('button', { name: 'Guardar' }).click();
      await page.getByTestId('function-row').filter({ hasText: 'Marcar contactado' }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Probar «Marcar contactado»' }).click();
      const tester = page.getByRole('dialog', { name: 'Probar «Marcar contactado»' });
      await tester.getByLabel('Registro', { exact: true }).fill('Souto');
      await page.getByRole('option', { name: 'Souto' }).click();
      await tester.getByRole('button', { name: 'Ejecutar' }).click();
      await tester.getByTestId('function-test-logs').filter({ hasText: 'Empresa: Azulejos Souto' }).waitFor({ timeout: 20_000 });
      await tester.getByText('Correcta').waitFor();
      await tester.getByText('"estado": "contacted"').waitFor();
      await journey.screenshot(page, 'functions-02-test-log');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-functions');
      throw error;
    }
    const lead = await fetch(`${journey.baseUrl}/api/v1/records/leads/${leadId}`, { headers: api });
    expect(((await lead.json()) as { data: { lead_status: string } }).data.lead_status).not.toBe('contacted');
  });

  it('creates a weekly schedule, shows its next run, runs it now and shows the history', async () => {
    const page = await journey.signIn('lucia@ceramicas.test', 'una-contraseña-larga');
    try {
      await page.goto(`${journey.baseUrl}/settings/automation/schedules`);
      await page.getByRole('button', { name: 'Nueva programación' }).first().click();
      const editor = page.getByRole('dialog', { name: 'Nueva programación' });
      await editor.getByRole('textbox', { name: /^Nombre/ }).fill('Seguimiento de los lunes');
      await editor.getByText('Semanal', { exact: true }).click();
      await editor.getByRole('button', { name: 'Añadir acción' }).click();
      await editor.getByRole('textbox', { name: /^Asunto/ }).fill('Revisar {{last_name}}');
      await journey.screenshot(page, 'schedules-01-editor');
      await editor.getByRole('button', { name: 'Guardar' }).click();
      const row = page.getByTestId('schedule-row').filter({ hasText: 'Seguimiento de los lunes' });
      await row.waitFor({ timeout: 10_000 });
      await row.getByText(/Próxima: \d/).waitFor();
      await page.getByRole('button', { name: 'Ejecutar «Seguimiento de los lunes» ahora' }).click();
      await page.getByRole('button', { name: 'Historial de «Seguimiento de los lunes»' }).click();
      const history = page.getByRole('dialog', { name: 'Historial de «Seguimiento de los lunes»' });
      await history.getByText('1 tratados · 1 bien · 0 con error').waitFor({ timeout: 20_000 });
      await journey.screenshot(page, 'schedules-02-history');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-schedules');
      throw error;
    }
  });
});
