import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Scoring rules: an administrator makes a lead scoring rule in Settings › Reglas de puntuación (a field rule by the
 * list views' criteria builder, a touchpoint rule); a hot lead that answered an e-mail shows its score on its page,
 * and the breakdown says which rule gave what.
 */
describe.skipIf(!hasChromium)('scoring rules journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('creates a rule in Settings and a lead shows its score and breakdown', async () => {
    const { page, api } = await journey.setUpAndSignIn({
      organization: 'Puntos Claros',
      name: 'Irene Soler',
      email: 'irene@puntos.test',
      password: 'una-contraseña-larga',
    });
    const post = async (path: string, body: Record<string, unknown>) => {
      const response = await fetch(`${journey.baseUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...api },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      return ((await response.json()) as { data: { id: string } }).data;
    };
    try {
      await page.goto(`${journey.baseUrl}/settings/automation/scoring-rules`);
      await page.getByRole('button', { name: 'Nueva regla' }).first().click();
      const editor = page.getByRole('dialog', { name: 'Nueva regla de puntuación' });
      await editor.getByRole('textbox', { name: /^Nombre/ }).fill('Leads calientes');
      await editor.getByRole('button', { name: /Condiciones/ }).click();
      await page.getByRole('button', { name: 'Añadir condición' }).click();
      const condition = page.getByTestId('filter-condition');
      await condition.getByLabel('Campo').click();
      await condition.getByLabel('Campo').fill('Valora');
      await page.getByRole('option', { name: 'Valoración', exact: true }).click();
      await condition.getByLabel('Valor').click();
      await page.getByRole('option', { name: 'Caliente' }).click();
      await page.getByRole('button', { name: 'Aplicar' }).click();
      await editor.getByRole('textbox', { name: /^Puntos/ }).fill('25');
      await editor.getByRole('button', { name: 'Añadir regla de interacción' }).click();
      await expect.poll(() => editor.getByTestId('scoring-touchpoint-rule').count()).toBe(1);
      await journey.screenshot(page, 'scoring-01-editor');
      await editor.getByRole('button', { name: 'Guardar' }).click();
      const row = page.getByTestId('scoring-rule-row').filter({ hasText: 'Leads calientes' });
      await row.waitFor({ timeout: 10_000 });
      await row.getByText('Campo +25 · Correo respondido (correo entrante) +5').waitFor();
      await journey.screenshot(page, 'scoring-02-list');

      const lead = await post('/records/leads', { last_name: 'Ferrer', company: 'Hornos Ferrer', rating: 'hot' });
      await post('/records/touchpoints', {
        subject: 'Re: presupuesto',
        direction: 'inbound',
        channel: 'email',
        occurred_at: new Date().toISOString(),
        lead_id: lead.id,
      });
      await page.goto(`${journey.baseUrl}/records/leads/${lead.id}`);
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.getByTestId('score-badge').textContent({ timeout: 5_000 });
          },
          { timeout: 20_000 },
        )
        .toBe('Puntuación: 30');
      await page.getByTestId('score-badge').click();
      const breakdown = page.getByTestId('score-breakdown');
      await breakdown.getByText('Cumple las condiciones').waitFor();
      await breakdown.getByText('Correo respondido (correo entrante): 1 × +5').waitFor();
      await expect.poll(() => breakdown.getByText('+25').count()).toBe(1);
      await journey.screenshot(page, 'scoring-03-breakdown');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-scoring');
      throw error;
    }
  });
});
