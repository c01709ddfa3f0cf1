import PDFDocument from 'pdfkit';
import type { ApiRecord, ModuleMeta } from '../../records/index.js';
import type { DocumentTotals, LineItemRow } from './line-items.repository.js';

export type PdfLanguage = 'es' | 'en';

/** What a document's PDF shows. */
export interface DocumentForPdf {
  language: PdfLanguage;
  organizationName: string;
  module: ModuleMeta;
  record: ApiRecord;
  /** Names of the records the document points at (account, contact, vendor), by id. */
  display: Record<string, string>;
  items: LineItemRow[];
  totals: DocumentTotals;
  currency: string;
}

const TEXT = {
  es: {
    number: 'Número',
    subject: 'Asunto',
    account: 'Cliente',
    contact: 'Contacto',
    vendor: 'Proveedor',
    description: 'Descripción',
    quantity: 'Cantidad',
    price: 'Precio',
    discount: 'Dto.',
    tax: 'Impuesto',
    amount: 'Importe',
    subtotal: 'Subtotal',
    discountTotal: 'Descuento',
    taxTotal: 'Impuestos',
    grandTotal: 'Total',
    terms: 'Condiciones',
    noItems: 'Sin líneas.',
    page: 'Página',
  },
  en: {
    number: 'Number',
    subject: 'Subject',
    account: 'Customer',
    contact: 'Contact',
    vendor: 'Vendor',
    description: 'Description',
    quantity: 'Quantity',
    price: 'Price',
    discount: 'Disc.',
    tax: 'Tax',
    amount: 'Amount',
    subtotal: 'Subtotal',
    discountTotal: 'Discount',
    taxTotal: 'Tax',
    grandTotal: 'Total',
    terms: 'Terms and conditions',
    noItems: 'No lines.',
    page: 'Page',
  },
} as const;

/** The number and date fields each document shows in its header. */
const HEADER: Record<string, { number: string; dates: string[] }> = {
  quotes: { number: 'quote_number', dates: ['valid_until'] },
  sales_orders: { number: 'order_number', dates: ['due_date'] },
  purchase_orders: { number: 'po_number', dates: ['po_date', 'due_date'] },
  invoices: { number: 'invoice_number', dates: ['invoice_date', 'due_date'] },
};

// Intl formats a decimal string exactly (no float in between); its type only names numbers.
const exact = (value: string) => value as unknown as number;

/**
 * Money as Spanish business documents write it, with the currency
 * ("1.234,56 €": thousands grouped from four digits on, as invoices do).
 */
export function formatMoney(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat('es-ES', { style: 'currency', currency, useGrouping: 'always' }).format(exact(amount));
  } catch {
    return `${new Intl.NumberFormat('es-ES', { minimumFractionDigits: 2, useGrouping: 'always' }).format(exact(amount))} ${currency}`;
  }
}

const formatNumber = (value: string) =>
  new Intl.NumberFormat('es-ES', { maximumFractionDigits: 4, useGrouping: 'always' }).format(exact(value));

function formatDate(value: unknown, language: PdfLanguage): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  return new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-GB', { timeZone: 'UTC', dateStyle: 'long' }).format(
    new Date(`${value}T00:00:00Z`),
  );
}

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/** Renders a quote, order or invoice as a PDF (standard fonts: Latin-1 text and the euro sign). */
export function renderDocumentPdf(input: DocumentForPdf): Promise<Buffer> {
  const text = TEXT[input.language];
  const { record, module } = input;
  const header = HEADER[module.apiName] ?? { number: '', dates: [] };
  const label = (apiName: string) => module.fields.find((f) => f.apiName === apiName)?.labels[input.language] ?? apiName;
  const name = (field: string) => (typeof record[field] === 'string' ? (input.display[record[field]] ?? null) : null);
  const title =
    `${module.labels[input.language].singular} ${typeof record[header.number] === 'string' ? record[header.number] : ''}`.trim();

  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Producer: 'Clave', Creator: 'Clave' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - MARGIN * 2;
  doc.font(BOLD).fontSize(16).text(input.organizationName);
  doc.moveDown(0.5);
  doc.font(BOLD).fontSize(13).text(title);
  doc.font(FONT).fontSize(10);
  const facts: Array<[string, string | null]> = [
    [text.subject, typeof record.subject === 'string' ? record.subject : null],
    ...header.dates.map((field): [string, string | null] => [label(field), formatDate(record[field], input.language)]),
    [text.account, name('account_id')],
    [text.contact, name('contact_id')],
    [text.vendor, name('vendor_id')],
  ];
  for (const [key, value] of facts) {
    if (!value) continue;
    doc.font(BOLD).text(`${key}: `, { continued: true }).font(FONT).text(value);
  }
  doc.moveDown();

  // The lines: description takes what the numbers leave.
  const columns = [
    { key: 'description', title: text.description, width: width - 300, align: 'left' as const },
    { key: 'quantity', title: text.quantity, width: 50, align: 'right' as const },
    { key: 'price', title: text.price, width: 70, align: 'right' as const },
    { key: 'discount', title: text.discount, width: 60, align: 'right' as const },
    { key: 'tax', title: text.tax, width: 45, align: 'right' as const },
    { key: 'amount', title: text.amount, width: 75, align: 'right' as const },
  ];
  const drawRow = (cells: string[], font: string) => {
    doc.font(font).fontSize(9);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: columns[i]!.width - 6 })));
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.text(cell, x, top, { width: columns[i]!.width - 6, align: columns[i]!.align });
      x += columns[i]!.width;
    });
    doc.x = MARGIN;
    doc.y = top + height + 4;
  };
  drawRow(
    columns.map((c) => c.title),
    BOLD,
  );
  doc
    .moveTo(MARGIN, doc.y - 2)
    .lineTo(MARGIN + width, doc.y - 2)
    .stroke();
  for (const item of input.items) {
    const discount =
      item.discount_amount !== '0.00'
        ? formatMoney(item.discount_amount, input.currency)
        : item.discount_percent !== '0'
          ? `${formatNumber(item.discount_percent)} %`
          : '';
    drawRow(
      [
        item.description,
        formatNumber(item.quantity),
        formatMoney(item.unit_price, input.currency),
        discount,
        `${formatNumber(item.tax_rate)} %`,
        formatMoney(item.net, input.currency),
      ],
      FONT,
    );
  }
  if (input.items.length === 0) drawRow([text.noItems, '', '', '', '', ''], FONT);
  doc.moveDown();

  const totals: Array<[string, string, boolean]> = [
    [text.subtotal, input.totals.subtotal, false],
    [text.discountTotal, input.totals.discount_total, false],
    [text.taxTotal, input.totals.tax_total, false],
    [text.grandTotal, input.totals.grand_total, true],
  ];
  for (const [key, value, strong] of totals) {
    if (doc.y + 14 > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    doc.font(strong ? BOLD : FONT).fontSize(strong ? 11 : 10);
    doc.text(key, MARGIN + width - 220, top, { width: 120, align: 'right' });
    doc.text(formatMoney(value, input.currency), MARGIN + width - 100, top, { width: 100, align: 'right' });
    doc.x = MARGIN;
  }

  if (typeof record.terms === 'string' && record.terms.trim()) {
    doc.moveDown(2);
    doc.font(BOLD).fontSize(10).text(text.terms, MARGIN, doc.y, { width });
    doc.font(FONT).fontSize(9).text(record.terms, { width });
  }
  doc.end();
  return done;
}
