import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, type Journey } from './harness';

/**
 * A sales manager builds "won revenue by month" (a summary report with a bar chart), clicks this month's bar and
 * sees the deals behind it, saves the report, puts it on a new dashboard and narrows the dashboard to this month.
 */
describe.skipIf(!hasChromium)('reports journey', () => {
  let journey: Journey;
  let admin: Page;
  beforeAll(async () => {
    journey = await startJourney();
    ({ page: admin } = await journey.setUpAndSignIn({
      organization: 'Acme Ibérica',
      name: 'Ana García',
      email: 'ana@acme.test',
      password: 'una-contraseña-larga',
    }));
    // Two deals won this month, one last month (a different bar), one still open (not counted).
    await admin.evaluate(async () => {
      const me = await (await fetch('/api/v1/me')).json();
      const now = new Date();
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 12, 10)).toISOString();
      const deals = [
        { name: 'Renovación Talleres Norte', amount: '12000.00', stage: 'closed_won', closed_at: now.toISOString() },
        { name: 'Ampliación Frutas Levante', amount: '8000.00', stage: 'closed_won', closed_at: now.toISOString() },
        { name: 'Licencias Grupo Sur', amount: '5000.00', stage: 'closed_won', closed_at: lastMonth },
        { name: 'Piloto Hoteles Costa', amount: '30000.00', stage: 'negotiation' },
      ];
      for (const deal of deals) {
        const response = await fetch('/api/v1/records/deals', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify(deal),
        });
        if (response.status !== 201) throw new Error(await response.text());
      }
    });
  });
  afterAll(async () => {
    await journey?.close();
  });

  const pick = async (page: Page, combobox: string, option: string) => {
    await page.getByRole('combobox', { name: combobox, exact: true }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  it('builds a report with a chart, drills into a bar, puts it on a dashboard and schedules it by e-mail', async () => {
    let reportUrl = '';
    const preview = admin.getByTestId('report-preview');
    const bars = (scope: ReturnType<Page['getByTestId']>) => scope.locator('.recharts-bar-rectangle path');

    await journey.step(admin, 'reports-01-list', async () => {
      await admin.getByRole('link', { name: 'Informes' }).click();
      await admin.waitForURL(/\/reports$/);
      await expect.poll(() => admin.getByText('No hay informes aquí todavía.').isVisible()).toBe(true);
      await admin.getByRole('button', { name: 'Nuevo desde la galería' }).first().click();
      await expect.poll(() => admin.getByTestId('gallery-entry').count()).toBeGreaterThan(3);
      await admin.keyboard.press('Escape');
      await admin.getByRole('link', { name: 'Nuevo informe' }).click();
      await admin.waitForURL(/\/reports\/new/);
    });

    await journey.step(admin, 'reports-02-builder', async () => {
      await admin.getByLabel('Nombre del informe').fill('Ingresos ganados por mes');
      await pick(admin, 'Agrupar por: campo 1', 'Cerrada el');
      await expect.poll(() => admin.getByRole('combobox', { name: 'Agrupar por: intervalo 1' }).inputValue()).toBe('Mes');
      await pick(admin, 'Función del valor 1', 'Suma');
      await pick(admin, 'Campo del valor 1', 'Importe');
      await admin.getByLabel('Etiqueta del valor 1').fill('Ingresos ganados');
      await pick(admin, 'Periodo sobre', 'Cerrada el');
      await pick(admin, 'Rango', 'Últimos 90 días');
      await admin.getByRole('button', { name: 'Filtrar registros' }).click();
      await admin.getByRole('button', { name: 'Añadir condición' }).click();
      await pick(admin, 'Campo', 'Etapa');
      await pick(admin, 'Valor', 'Cerrada ganada');
      await admin.getByRole('button', { name: 'Aplicar' }).click();
      await expect.poll(() => admin.getByRole('button', { name: 'Filtro (1)' }).isVisible()).toBe(true);
      // Two months of won deals: two bars and two group rows; the total is the three won deals.
      await expect.poll(() => bars(preview).count(), { timeout: 15_000 }).toBe(2);
      await expect.poll(() => preview.getByTestId('report-group-row').count()).toBe(2);
      await expect.poll(() => preview.getByText(/^25\.000,00\s€$/).isVisible()).toBe(true);
    });

    await journey.step(admin, 'reports-03-drill-down', async () => {
      await bars(preview).last().click();
      const drawer = admin.getByRole('dialog');
      await expect.poll(() => drawer.getByTestId('drill-record').count(), { timeout: 10_000 }).toBe(2);
      await expect.poll(() => drawer.getByRole('link', { name: 'Renovación Talleres Norte' }).isVisible()).toBe(true);
      await expect.poll(() => drawer.getByRole('link', { name: 'Ampliación Frutas Levante' }).isVisible()).toBe(true);
      expect(await drawer.getByText('Licencias Grupo Sur').count()).toBe(0);
    });

    await journey.step(admin, 'reports-04-saved', async () => {
      await admin.getByRole('button', { name: 'Cerrar la lista de registros' }).click();
      await admin.getByRole('button', { name: 'Guardar', exact: true }).click();
      await admin.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
      await expect.poll(() => admin.getByRole('heading', { name: 'Ingresos ganados por mes' }).isVisible()).toBe(true);
      await expect.poll(() => bars(admin.getByTestId('report-chart')).count(), { timeout: 15_000 }).toBe(2);
      reportUrl = admin.url();
    });

    await journey.step(admin, 'reports-05-dashboard', async () => {
      await admin.goto(`${journey.baseUrl}/dashboards`);
      await admin.getByRole('button', { name: 'Nuevo panel' }).click();
      await admin.getByLabel('Nombre del panel').fill('Dirección comercial');
      await admin.getByRole('button', { name: 'Crear panel' }).click();
      await admin.waitForURL(/\/dashboards\/[0-9a-f-]{36}$/);
      await admin.getByRole('button', { name: 'Añadir informe' }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByRole('combobox', { name: 'Informe', exact: true }).click();
      await admin.getByRole('option', { name: 'Ingresos ganados por mes' }).click();
      await pick(admin, 'Ancho', 'Todo el ancho');
      await dialog.getByRole('button', { name: 'Añadir', exact: true }).click();
      const widget = admin.getByTestId('dashboard-widget');
      await expect.poll(() => widget.count()).toBe(1);
      await expect.poll(() => bars(widget).count(), { timeout: 15_000 }).toBe(2);
    });

    await journey.step(admin, 'reports-06-period', async () => {
      await pick(admin, 'Periodo del panel', 'Este mes');
      // Only this month's bar is left, in place (no page load).
      await expect.poll(() => bars(admin.getByTestId('dashboard-widget')).count(), { timeout: 15_000 }).toBe(1);
      await admin.reload();
      await expect.poll(() => admin.getByRole('combobox', { name: 'Periodo del panel' }).inputValue()).toBe('Este mes');
      await expect.poll(() => bars(admin.getByTestId('dashboard-widget')).count(), { timeout: 15_000 }).toBe(1);
    });

    await journey.step(admin, 'reports-07-schedule', async () => {
      await admin.goto(reportUrl);
      await admin.getByRole('button', { name: 'Programar envío' }).click();
      const dialog = admin.getByRole('dialog');
      await expect.poll(() => dialog.getByText('Envíos programados de «Ingresos ganados por mes»').isVisible()).toBe(true);
      await pick(admin, 'Frecuencia', 'Cada semana');
      await pick(admin, 'Día de la semana', 'Lunes');
      await pick(admin, 'Formato', 'XLSX');
      await dialog.getByLabel('Usuarios').click();
      await admin.getByRole('option', { name: 'Ana García' }).click();
      await dialog.getByRole('button', { name: 'Programar', exact: true }).click();
      const row = dialog.getByTestId('report-schedule');
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => row.textContent()).toContain('Cada semana · Lunes · 08:00 · XLSX');
      await expect.poll(() => row.getByText(/^Próximo: /).isVisible()).toBe(true);
    });
  });
  it('starts from the gallery, turns it into a matrix and a KPI', async () => {
    await journey.step(admin, 'reports-07-gallery', async () => {
      await admin.goto(`${journey.baseUrl}/reports`);
      await admin.getByRole('button', { name: 'Nuevo desde la galería' }).first().click();
      await admin.getByRole('button', { name: 'Usar «Oportunidades por propietario»' }).click();
      await admin.waitForURL(/\/reports\/new\?gallery=deals_by_owner/);
      const preview = admin.getByTestId('report-preview');
      // Won ÷ closed: the three won deals are all the closed ones.
      await expect.poll(() => preview.getByTestId('report-group-row').count(), { timeout: 15_000 }).toBe(1);
      await expect
        .poll(() =>
          preview
            .getByRole('cell', { name: /^100\s%$/ })
            .first()
            .isVisible(),
        )
        .toBe(true);
    });

    await journey.step(admin, 'reports-08-matrix', async () => {
      await admin
        .locator('label')
        .filter({ hasText: /^Matriz$/ })
        .click();
      await pick(admin, 'Filas: campo 1', 'Etapa');
      const preview = admin.getByTestId('report-preview');
      await expect.poll(() => preview.getByTestId('report-table').getByText('Cerrada ganada').isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => preview.getByTestId('report-table').getByText('Negociación').isVisible()).toBe(true);
    });

    await journey.step(admin, 'reports-09-kpi', async () => {
      await admin
        .locator('label')
        .filter({ hasText: /^Resumen$/ })
        .click();
      await pick(admin, 'Gráfico', 'KPI (con periodo anterior)');
      await expect.poll(() => admin.getByTestId('report-kpi').isVisible(), { timeout: 15_000 }).toBe(true);
      await expect
        .poll(() =>
          admin
            .getByTestId('report-kpi')
            .getByText(/^55\.000,00\s€$/)
            .isVisible(),
        )
        .toBe(true);
      expect(await admin.getByText('El informe no se puede calcular').count()).toBe(0);
    });

    await journey.step(admin, 'reports-10-tabular', async () => {
      await admin
        .locator('label')
        .filter({ hasText: /^Tabular$/ })
        .click();
      const table = admin.getByTestId('report-preview').getByTestId('report-table');
      await expect.poll(() => table.getByRole('link', { name: 'Renovación Talleres Norte' }).isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => table.getByText(/^12\.000,00\s€$/).isVisible()).toBe(true);
    });
  });
});
