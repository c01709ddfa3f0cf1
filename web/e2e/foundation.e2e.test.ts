import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * The foundation journey, as people take it: the administrator sets Clave up,
 * signs in, invites a colleague; the colleague accepts, signs in, adds a second
 * e-mail address, verifies it, makes it primary and signs in with it.
 */
describe.skipIf(!hasChromium)('foundation journey', () => {
  let journey: Journey;
  beforeAll(async () => {
    journey = await startJourney();
  });
  afterAll(async () => {
    await journey?.close();
  });

  const adminEmail = 'ana.garcia@acme.test';
  const colleagueEmail = 'luis.munoz@acme.test';
  const newEmail = 'luis@personal.test';
  const password = 'una-contraseña-larga';
  const colleaguePassword = 'otra-contraseña-larga';

  /** A label matched whole (a required field's label ends in " *"). */
  const field = (label: string) => new RegExp(`^${label}\\s*\\*?$`);

  async function signIn(page: Page, email: string, secret: string) {
    await page.goto(`${journey.baseUrl}/sign-in`);
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel(field('Contraseña')).fill(secret);
    await page.getByRole('button', { name: 'Entrar' }).click();
  }

  async function signOut(page: Page) {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Cerrar sesión' }).click();
    await page.waitForURL(/\/sign-in/);
  }

  it('sets up, invites a colleague, and the colleague changes their primary e-mail', async () => {
    const admin = await journey.newPage();

    await journey.step(admin, '01-setup', async () => {
      await admin.goto(journey.baseUrl);
      await admin.waitForURL(/\/setup/);
      await admin.getByLabel('Nombre de la organización').fill('Acme Ibérica');
      await admin.getByLabel('Tu nombre').fill('Ana García');
      await admin.getByLabel('Correo electrónico').fill(adminEmail);
      await admin.getByLabel(field('Contraseña')).fill(password);
      await admin.getByRole('button', { name: 'Crear organización' }).click();
      await admin.waitForURL(`${journey.baseUrl}/`);
      await expect.poll(() => admin.getByText('Acme Ibérica').first().isVisible()).toBe(true);
    });

    await journey.step(admin, '02-sign-in', async () => {
      await signOut(admin);
      await signIn(admin, adminEmail, password);
      await admin.waitForURL(`${journey.baseUrl}/`);
      await expect.poll(() => admin.getByTestId('user-menu').isVisible()).toBe(true);
    });

    await journey.step(admin, '03-invite', async () => {
      await admin.goto(`${journey.baseUrl}/settings/users`);
      await admin.getByRole('button', { name: 'Invitar usuario' }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel('Nombre').fill('Luis Muñoz');
      await dialog.getByLabel('Correo electrónico').fill(colleagueEmail);
      await dialog.getByRole('button', { name: 'Enviar invitación' }).click();
      await expect.poll(() => admin.getByText(`Invitación enviada a ${colleagueEmail}`).isVisible()).toBe(true);
      await expect.poll(() => admin.getByTestId('invitation-row').filter({ hasText: colleagueEmail }).count()).toBe(1);
    });

    const colleague = await journey.newPage();
    await journey.step(colleague, '04-accept-invitation', async () => {
      const link = await journey.linkFromMail(colleagueEmail, '/accept-invite');
      await colleague.goto(link);
      await expect.poll(() => colleague.getByRole('heading', { name: 'Únete a Acme Ibérica' }).isVisible()).toBe(true);
      await colleague.getByLabel(field('Contraseña')).fill(colleaguePassword);
      await colleague.getByLabel('Repite la contraseña').fill(colleaguePassword);
      await colleague.getByRole('button', { name: 'Crear mi cuenta' }).click();
      await colleague.waitForURL(`${journey.baseUrl}/`);
    });

    await journey.step(colleague, '05-colleague-signs-in', async () => {
      await signOut(colleague);
      await signIn(colleague, colleagueEmail, colleaguePassword);
      await colleague.waitForURL(`${journey.baseUrl}/`);
      await expect.poll(() => colleague.getByTestId('user-menu').isVisible()).toBe(true);
    });

    await journey.step(colleague, '06-add-secondary-email', async () => {
      await colleague.goto(`${journey.baseUrl}/account#emails`);
      await colleague.getByRole('button', { name: 'Añadir dirección de correo electrónico' }).click();
      await colleague.getByLabel('Nueva dirección de correo electrónico').fill(newEmail);
      await colleague.getByRole('button', { name: 'Añadir', exact: true }).click();
      await expect.poll(() => colleague.getByText('Te hemos enviado un enlace de verificación').isVisible()).toBe(true);
      await expect.poll(() => colleague.getByRole('listitem', { name: newEmail }).getByText('Sin verificar').isVisible()).toBe(true);
    });

    await journey.step(colleague, '07-verify-email', async () => {
      const link = await journey.linkFromMail(newEmail, '/verify-email');
      await colleague.goto(link);
      await expect.poll(() => colleague.getByRole('heading', { name: 'Dirección verificada' }).isVisible()).toBe(true);
    });

    await journey.step(colleague, '08-make-primary', async () => {
      await colleague.goto(`${journey.baseUrl}/account#emails`);
      const item = colleague.getByRole('listitem', { name: newEmail });
      await expect.poll(() => item.getByText('Verificada').isVisible()).toBe(true);
      await item.getByRole('button', { name: 'Convertir en principal' }).click();
      const dialog = colleague.getByRole('dialog');
      await dialog.getByLabel('Tu contraseña actual').fill(colleaguePassword);
      await dialog.getByRole('button', { name: 'Convertir en principal' }).click();
      await expect.poll(() => colleague.getByRole('listitem', { name: newEmail }).getByText('Principal').isVisible()).toBe(true);
    });

    await journey.step(colleague, '09-sign-in-with-new-primary', async () => {
      await signOut(colleague);
      await signIn(colleague, colleagueEmail, colleaguePassword);
      await expect.poll(() => colleague.getByRole('alert').isVisible()).toBe(true);
      await signIn(colleague, newEmail, colleaguePassword);
      await colleague.waitForURL(`${journey.baseUrl}/`);
      await expect.poll(() => colleague.getByTestId('user-menu').isVisible()).toBe(true);
    });
  });
});
