import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * The NPS journey: an administrator creates an NPS survey, sends it to a
 * contact of a key account, the contact answers on the public page from the
 * e-mailed link (no sign-in, phone-sized screen), and the survey shows the score.
 */
describe.skipIf(!hasChromium)('NPS survey journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  it('creates an NPS survey, sends it to a contact, takes the answer on the public page and shows the score', async () => {
    const { page, api } = await journey.setUpAndSignIn({
      organization: 'Envases Ribera',
      name: 'Clara Ribera',
      email: 'clara@envases.test',
      password: 'una-contraseña-larga',
    });
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${journey.baseUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...api },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      return ((await response.json()) as { data: { id: string } }).data;
    };
    const account = await post('/records/accounts', { name: 'Conservas del Cantábrico', is_key_account: true, tier: 'key' });
    await post('/records/contacts', { first_name: 'Iker', last_name: 'Arana', email: 'iker@conservas.test', account_id: account.id });

    try {
      await page.goto(`${journey.baseUrl}/kam/surveys`);
      await page.getByRole('button', { name: 'Nueva encuesta' }).click();
      const builder = page.getByRole('dialog', { name: 'Nueva encuesta' });
      await builder.getByRole('textbox', { name: /^Nombre/ }).fill('NPS primavera');
      await builder.getByRole('button', { name: 'Añadir pregunta' }).click();
      await builder.getByRole('textbox', { name: /^Pregunta/ }).fill('¿Qué podemos mejorar?');
      await builder.getByRole('button', { name: 'Crear encuesta' }).click();
      await page.getByRole('heading', { name: 'NPS primavera' }).waitFor({ timeout: 10_000 });

      await page.getByRole('button', { name: 'Enviar' }).click();
      const send = page.getByRole('dialog', { name: 'Enviar la encuesta' });
      await send.getByLabel('Contactos de cuentas clave').click();
      await page.getByRole('option', { name: /Iker Arana/ }).click();
      await page.keyboard.press('Tab'); // closes the list of contacts
      await send.getByRole('button', { name: 'Enviar' }).click();
      await page.getByText('Enviada a 1 destinatarios').waitFor();
      await journey.screenshot(page, 'kam-surveys-01-sent');

      // The contact opens the link on a phone, signed in nowhere.
      const link = await journey.linkFromMail('iker@conservas.test', '/survey');
      const context = await journey.browser.newContext({ locale: 'es-ES', viewport: { width: 390, height: 780 } });
      const phone = await context.newPage();
      await phone.goto(link);
      await phone.getByText('¿Qué probabilidad hay de que nos recomiendes a un amigo o colega?').waitFor({ timeout: 10_000 });
      await phone.getByRole('radio', { name: '9', exact: true }).click();
      await phone.getByRole('textbox', { name: '¿Qué podemos mejorar?' }).fill('Los plazos de entrega');
      await journey.screenshot(phone, 'kam-surveys-02-answer-phone');
      await phone.getByRole('button', { name: 'Enviar respuesta' }).click();
      await phone.getByText('Gracias por tu respuesta.').waitFor();
      // The link works once.
      await phone.reload();
      await phone.getByText('Esta encuesta ya se respondió con este enlace. ¡Gracias!').waitFor();
      await context.close();

      // One promoter of one answer: NPS +100.
      await page.reload();
      await expect.poll(() => page.getByTestId('survey-score').textContent(), { timeout: 10_000 }).toBe('+100');
      await page.getByText('1 respuesta', { exact: true }).waitFor();
      await journey.screenshot(page, 'kam-surveys-03-results');

      // The account page: the relationship map flags the gaps; the account plan takes a measurement inline.
      await post('/records/account_goals', {
        name: 'Reducir roturas en transporte',
        account_id: account.id,
        baseline_value: '10',
        target_value: '2',
        start_date: '2026-01-01',
        target_date: '2026-12-31',
      });
      await page.goto(`${journey.baseUrl}/records/accounts/${account.id}`);
      const map = page.getByRole('region', { name: 'Mapa de relaciones' });
      await map.getByText('No hay ningún decisor identificado.').waitFor({ timeout: 10_000 });
      await map.getByRole('link', { name: 'Iker Arana' }).waitFor();
      const plan = page.getByRole('region', { name: 'Plan de cuenta' });
      await plan.getByText('Reducir roturas en transporte').waitFor();
      await plan.getByText('Sin mediciones').waitFor();
      await plan.getByRole('button', { name: 'Añadir medición' }).click();
      await plan.getByRole('textbox', { name: 'Valor' }).fill('1');
      await plan.getByRole('button', { name: 'Guardar' }).click();
      // 1 is below the pro-rated expectation of a goal going down from 10 to 2: on track.
      await plan.getByText('En camino').waitFor({ timeout: 10_000 });
      await journey.screenshot(page, 'kam-surveys-04-account');
    } catch (error) {
      await journey.screenshot(page, 'FAILED-kam-surveys').catch(() => undefined);
      throw error;
    }
  });
});
