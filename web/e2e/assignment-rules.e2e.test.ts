import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * Assignment rules: an administrator makes a rule in Settings › Automation (web leads to themself, by the criteria
 * builder of list views); a lead created without an owner comes back already assigned.
 */
describe.skipIf(!hasChromium)('assignment rules journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('creates a rule in Settings and a new lead gets its owner from it', async () => {
    const { page, api } = await journey.setUpAndSignIn({
      organization: 'Aceros Norte',
      name: 'Nerea Ibáñez',
      email: 'nerea@aceros.test',
      password: 'una-contraseña-larga',
    });
    try {
      await page.goto(`${journey.baseUrl}/settings/automation/assignment-rules`);
      await page.getByRole('button', { name: 'Nueva regla' }).first().click();
      const editor = page.getByRole('dialog', { name: 'Nueva regla de asignación' });
      await editor.getByRole('textbox', { name: /^Nombre/ }).fill('Leads web');
      await editor.getByLabel('Asignar a').click();
      await page.getByRole('option', { name: 'Un usuario' }).click();
      await editor.getByLabel('Usuario', { exact: true }).click();
      await page.getByRole('option', { name: 'Nerea Ibáñez' }).click();
      await journey.screenshot(page, 'assignment-rules-01-editor');
      await editor.getByRole('button', { name: 'Guardar' }).click();
      await page.getByTestId('assignment-rule-row').filter({ hasText: 'Leads web' }).waitFor({ timeout: 10_000 });
      await page.getByText('a Nerea Ibáñez').waitFor();
      await journey.screenshot(page, 'assignment-rules-02-list');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-assignment-rules');
      throw error;
    }
    const created = await fetch(`${journey.baseUrl}/api/v1/records/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api },
      body: JSON.stringify({ last_name: 'Souto' }),
    });
    expect(created.status).toBe(201);
    const rules = await fetch(`${journey.baseUrl}/api/v1/automation/assignment-rules`, { headers: api });
    const [rule] = ((await rules.json()) as { data: Array<{ name: string; entries: Array<{ target: { userId: string } }> }> }).data;
    expect(rule!.name).toBe('Leads web');
    expect(((await created.json()) as { data: { owner_id: string } }).data.owner_id).toBe(rule!.entries[0]!.target.userId);
  });

  it('creates a case escalation rule with two levels', async () => {
    const page = await journey.signIn('nerea@aceros.test', 'una-contraseña-larga');
    try {
      await page.goto(`${journey.baseUrl}/settings/automation/escalation-rules`);
      await page.getByRole('button', { name: 'Nueva regla' }).first().click();
      const editor = page.getByRole('dialog', { name: 'Nueva regla de escalado' });
      await editor.getByRole('textbox', { name: /^Nombre/ }).fill('Casos urgentes');
      await editor.getByRole('button', { name: 'Añadir nivel' }).click();
      await expect.poll(() => editor.getByTestId('escalation-level').count()).toBe(2);
      // Level 1 also hands the case to the manager and raises its priority to urgent.
      const first = editor.getByTestId('escalation-level').first();
      await first.getByLabel('Reasignar el caso a quien se escala').check({ force: true });
      await first.getByRole('button', { name: 'Añadir campo' }).click();
      await first.getByTestId('escalation-set-field').getByLabel('Campo', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Prioridad' }).click();
      await first.getByTestId('escalation-set-field').getByLabel('Nuevo valor', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Urgente' }).click();
      await journey.screenshot(page, 'escalation-rules-01-editor');
      await editor.getByRole('button', { name: 'Guardar' }).click();
      await page.getByTestId('escalation-rule-row').filter({ hasText: 'Casos urgentes' }).waitFor({ timeout: 10_000 });
      await page.getByText('Nivel 2: +4 h → El responsable del propietario').waitFor();
      const saved = await page.evaluate(async () => (await fetch('/api/v1/automation/escalation-rules')).json());
      expect(saved.data[0].levels[0]).toMatchObject({ reassign: true, setFields: [{ field: 'priority', value: 'urgent' }] });
      expect(saved.data[0].levels[1].reassign).toBeUndefined();
      await journey.screenshot(page, 'escalation-rules-02-list');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-escalation-rules');
      throw error;
    }
  });
});
