import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { formatMoney } from './document-pdf.js';

// The PDF is read back with poppler's pdftotext (Debian: poppler-utils; .ci/run installs it).
const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
if (!hasPdftotext) {
  const message = 'PDF text tests skipped: pdftotext is not installed. Install it with "apt-get install poppler-utils".';
  if (process.env.CLAVE_REQUIRE_PDFTOTEXT) throw new Error(message);
  console.warn(message);
}

/** The text of a PDF, with runs of spaces (and the no-break spaces of es-ES money) made one space. */
function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/[ \u00a0\u202f]+/g, ' ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('money for es-ES', () => {
  it('formats exact decimal text with the currency', () => {
    const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
    expect(plain(formatMoney('65.30', 'EUR'))).toBe('65,30 €');
    expect(plain(formatMoney('1250', 'EUR'))).toBe('1.250,00 €');
    expect(plain(formatMoney('12345678901234.565', 'EUR'))).toBe('12.345.678.901.234,57 €');
    expect(plain(formatMoney('0.10', 'USD'))).toBe('0,10 US$');
  });
});

describe.skipIf(!hasPdftotext)('GET /records/{module}/{id}/pdf', () => {
  let t: TestContext;
  let admin: TestUser;
  let quoteId: string;

  beforeAll(async () => {
    t = await createTestContext();
    admin = await t.make.org({ organization: 'Aceros de Aragón' });
    const account = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Núñez Hermanos' } });
    const contact = await t.request('POST', '/api/v1/records/contacts', {
      as: admin,
      body: { first_name: 'Begoña', last_name: 'Ibáñez', account_id: account.data.data.id },
    });
    const quote = await t.request('POST', '/api/v1/records/quotes', {
      as: admin,
      body: {
        subject: 'Suministro de tornillería',
        account_id: account.data.data.id,
        contact_id: contact.data.data.id,
        valid_until: '2027-03-05',
        terms: 'Pago a 30 días. Precios válidos en la Península.',
      },
    });
    quoteId = quote.data.data.id;
    const items = await t.request('PUT', `/api/v1/records/quotes/${quoteId}/line-items`, {
      as: admin,
      body: {
        items: [
          { description: 'Tornillo DIN 933 (caja)', quantity: '3', unit_price: '19.99', discount_percent: '10', tax_rate: '21' },
          { description: 'Portes a Zaragoza', quantity: '1', unit_price: '1250.00', tax_rate: '21' },
        ],
      },
    });
    expect(items.statusCode, items.body).toBe(200);
  });
  afterAll(() => t.close());

  it('renders the document in Spanish with accents, the lines and the totals formatted for es-ES', async () => {
    const response = await t.request('GET', `/api/v1/records/quotes/${quoteId}/pdf`, { as: admin });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain('PRE-1.pdf');
    const text = pdfText(response.rawPayload);
    for (const expected of [
      'Aceros de Aragón',
      'Presupuesto PRE-1',
      'Suministro de tornillería',
      'Válido hasta: 5 de marzo de 2027',
      'Cliente: Núñez Hermanos',
      'Contacto: Begoña Ibáñez',
      'Tornillo DIN 933 (caja)',
      // 3 × 19,99 = 59,97; −10 % = 53,97; IVA 21 % = 11,33 → 65,30.
      '53,97 €',
      '1.250,00 €',
      'Subtotal 1.309,97 €',
      'Descuento 6,00 €',
      'Impuestos 273,83 €',
      'Total 1.577,80 €',
      'Condiciones',
      'Pago a 30 días. Precios válidos en la Península.',
    ]) {
      expect(text, text).toContain(expected);
    }
  });

  it('speaks English to an English-speaking user, money still formatted for es-ES', async () => {
    const reader = await t.make.user(admin, { profile: 'administrator', name: 'Jane Reader' });
    await t.database.db.updateTable('platform.users').set({ language: 'en' }).where('id', '=', reader.userId).execute();
    const response = await t.request('GET', `/api/v1/records/quotes/${quoteId}/pdf`, { as: reader });
    expect(response.statusCode).toBe(200);
    const text = pdfText(response.rawPayload);
    for (const expected of [
      'Quote PRE-1',
      'Valid until: 5 March 2027',
      'Customer: Núñez Hermanos',
      'Total 1.577,80 €',
      'Tax 273,83 €',
      'Terms and conditions',
    ])
      expect(text, text).toContain(expected);
    expect(text).not.toContain('Presupuesto');
  });

  it('renders an invoice without lines, and is a 404 for another organization', async () => {
    const invoice = await t.request('POST', '/api/v1/records/invoices', {
      as: admin,
      body: { subject: 'Factura vacía', invoice_date: '2027-01-31' },
    });
    const response = await t.request('GET', `/api/v1/records/invoices/${invoice.data.data.id}/pdf`, { as: admin });
    expect(response.statusCode).toBe(200);
    const text = pdfText(response.rawPayload);
    expect(text).toContain('Factura FAC-1');
    expect(text).toContain('Fecha de factura: 31 de enero de 2027');
    expect(text).toContain('Sin líneas.');
    expect(text).toContain('Total 0,00 €');
    const other = await t.make.org();
    expect((await t.request('GET', `/api/v1/records/invoices/${invoice.data.data.id}/pdf`, { as: other })).statusCode).toBe(404);
  });
});
