import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { MailAttachment } from '../../platform/mail/mailer.js';
import type { RunResult } from '../report.engine.js';
import type { ResultGroup } from '../report.schemas.js';

type Cell = string | number | null;

/**
 * A result as one table: tabular rows (ids shown as the names people read); for a summary or a matrix, one row per
 * group at every level (its subtotal) under the group columns, then the grand total.
 */
export function resultTable(result: RunResult, totalLabel: string): { header: string[]; rows: Cell[][] } {
  const header = result.columns.map((column) => column.label);
  const cell = (value: unknown): Cell => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return result.display?.[value] ?? value;
    if (Array.isArray(value)) return value.map((item) => cell(item)).join('; ');
    return JSON.stringify(value);
  };
  if (result.rows) return { header, rows: result.rows.map((row) => result.columns.map((column) => cell(row[column.key]))) };
  const rows: Cell[][] = [];
  const walk = (groups: ResultGroup[] | undefined) => {
    for (const group of groups ?? []) {
      rows.push(
        result.columns.map((column) => (column.kind === 'group' ? (group.labels[column.key] ?? null) : cell(group.values[column.key]))),
      );
      walk(group.children);
    }
  };
  walk(result.groups);
  if (result.totals) {
    const firstGroup = result.columns.findIndex((column) => column.kind === 'group');
    rows.push(
      result.columns.map((column, index) =>
        column.kind === 'group' ? (index === firstGroup ? totalLabel : null) : cell(result.totals![column.key]),
      ),
    );
  }
  return { header, rows };
}

/** What a report's chart draws: each top-level group's value of the chart's aggregate (else the first one). */
export function chartBars(result: RunResult, value?: string): { title: string; bars: Array<{ label: string; value: number }> } | null {
  const group = result.columns.find((column) => column.kind === 'group');
  const measure =
    result.columns.find((column) => column.key === value && (column.kind === 'aggregate' || column.kind === 'formula')) ??
    result.columns.find((column) => column.kind === 'aggregate' || column.kind === 'formula');
  if (!group || !measure || !result.groups?.length) return null;
  const bars = result.groups.slice(0, MAX_BARS).map((entry) => ({
    label: entry.labels[group.key] ?? '—',
    value: typeof entry.values[measure.key] === 'number' ? (entry.values[measure.key] as number) : 0,
  }));
  return { title: `${measure.label} · ${group.label}`, bars };
}

const MAX_BARS = 20;
const BAR_HEIGHT = 14;

/** A horizontal bar chart (pdfkit vector shapes): the label, a bar scaled to the largest value, the value. */
function drawBars(doc: PDFKit.PDFDocument, chart: NonNullable<ReturnType<typeof chartBars>>, format: (value: number) => string) {
  const left = 36;
  const labelWidth = 170;
  const barMax = doc.page.width - 72 - labelWidth - 90;
  const largest = Math.max(...chart.bars.map((bar) => Math.abs(bar.value)), 0);
  doc.font('Helvetica-Bold').fontSize(10).text(chart.title, left, doc.y).moveDown(0.4);
  doc.font('Helvetica').fontSize(8);
  for (const bar of chart.bars) {
    const y = doc.y;
    const length = largest === 0 ? 0 : (Math.abs(bar.value) / largest) * barMax;
    doc.fillColor('#333333').text(bar.label, left, y + 3, { width: labelWidth - 8, height: BAR_HEIGHT, ellipsis: true });
    doc.rect(left + labelWidth, y + 1, Math.max(length, 0.5), BAR_HEIGHT - 3).fill(bar.value < 0 ? '#e03131' : '#1c7ed6');
    doc.fillColor('#333333').text(format(bar.value), left + labelWidth + length + 6, y + 3, { width: 84 });
    doc.x = left;
    doc.y = y + BAR_HEIGHT + 2;
  }
  doc.fillColor('black').moveDown();
}

function pdf(
  title: string,
  table: { header: string[]; rows: Cell[][] },
  chart: ReturnType<typeof chartBars>,
  language: string,
): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.fontSize(16).text(title).moveDown();
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  if (chart) drawBars(doc, chart, (value) => number.format(value));
  const width = (doc.page.width - 72) / Math.max(table.header.length, 1);
  const line = (cells: Cell[], bold: boolean) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    cells.forEach((value, index) => {
      doc.text(value === null ? '' : String(value), 36 + index * width, y, { width: width - 6 });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = 36;
    doc.y = bottom + 4;
  };
  line(table.header, true);
  for (const row of table.rows) line(row, false);
  doc.end();
  return done;
}

/** The report's file in the schedule's format. */
export async function renderAttachment(
  format: 'csv' | 'xlsx' | 'pdf',
  input: { name: string; result: RunResult; totalLabel: string; chartValue?: string; language?: string },
): Promise<MailAttachment> {
  const table = resultTable(input.result, input.totalLabel);
  const base = input.name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'report';
  if (format === 'csv')
    return {
      filename: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      content: Buffer.from(stringify([table.header, ...table.rows], { bom: true })),
    };
  if (format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(base.slice(0, 31));
    sheet.addRow(table.header).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row);
    return {
      filename: `${base}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content: Buffer.from(await workbook.xlsx.writeBuffer()),
    };
  }
  // The PDF draws the report's chart (its value per top-level group) above the table.
  const chart = input.result.groups ? chartBars(input.result, input.chartValue) : null;
  return { filename: `${base}.pdf`, contentType: 'application/pdf', content: await pdf(input.name, table, chart, input.language ?? 'es') };
}
