import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
});
afterAll(() => t.close());

const newQuote = async (as: TestUser, body: Record<string, unknown> = {}) => {
  const quote = await t.request('POST', '/api/v1/records/quotes', { as, body: { subject: 'Suministro anual', ...body } });
  expect(quote.statusCode).toBe(201);
  return quote.data.data.id as string;
};
const putItems = (as: TestUser, module: string, id: string, items: unknown) =>
  t.request('PUT', `/api/v1/records/${module}/${id}/line-items`, { as, body: { items } });
const totalsOf = async (as: TestUser, module: string, id: string) => {
  const record = await t.request('GET', `/api/v1/records/${module}/${id}`, { as });
  const { subtotal, discount_total, tax_total, grand_total } = record.data.data;
  return { subtotal, discount_total, tax_total, grand_total };
};

describe('line items and totals', () => {
  it('computes each line and the document totals exactly, rounding half-up per line', async () => {
    const id = await newQuote(admin);
    const response = await putItems(admin, 'quotes', id, [
      { description: 'Tornillería', quantity: '3', unit_price: '19.99', discount_percent: '10', tax_rate: '21' },
      { description: 'Arandelas', quantity: 3, unit_price: '0.10' },
      { description: 'Medio céntimo', quantity: '1', unit_price: '0.05', tax_rate: '50' },
      { description: 'Portes', quantity: '2', unit_price: '10', discount_amount: '2.50', tax_rate: '10' },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data.data).toHaveLength(4);
    expect(response.data.data[0]).toMatchObject({
      position: 1,
      quantity: '3',
      unit_price: '19.99',
      discount_percent: '10',
      tax_rate: '21',
      gross: '59.97',
      discount: '6.00',
      net: '53.97',
      tax: '11.33',
      total: '65.30',
    });
    // 3 × 0.10 is 0.30, not 0.30000000000000004.
    expect(response.data.data[1]).toMatchObject({ gross: '0.30', net: '0.30', tax: '0.00', total: '0.30' });
    // 0.05 × 50 % = 0.025 → 0.03 (half-up, not half-even).
    expect(response.data.data[2]).toMatchObject({ tax: '0.03', total: '0.08' });
    expect(response.data.data[3]).toMatchObject({ gross: '20.00', discount: '2.50', net: '17.50', tax: '1.75', total: '19.25' });
    const expected = { subtotal: '80.32', discount_total: '8.50', tax_total: '13.11', grand_total: '84.93' };
    expect(response.data.totals).toEqual(expected);
    expect(response.data.currency).toBe('EUR');
    expect(await totalsOf(admin, 'quotes', id)).toEqual(expected);

    const again = await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: admin });
    expect(again.statusCode).toBe(200);
    expect(again.data.data.map((line: { description: string }) => line.description)).toEqual([
      'Tornillería',
      'Arandelas',
      'Medio céntimo',
      'Portes',
    ]);

    const timeline = await t.request('GET', `/api/v1/records/quotes/${id}/timeline`, { as: admin });
    const entry = timeline.data.data.find((e: { kind: string }) => e.kind === 'line_items');
    expect(entry.data.count).toBe(4);
    expect(entry.data.changes.grand_total).toEqual({ from: null, to: '84.93' });

    // A GET answer can be sent back as it is; an empty list clears the totals.
    expect((await putItems(admin, 'quotes', id, again.data.data)).data.totals).toEqual(expected);
    const cleared = await putItems(admin, 'quotes', id, []);
    expect(cleared.data.totals).toEqual({ subtotal: '0.00', discount_total: '0.00', tax_total: '0.00', grand_total: '0.00' });
    expect((await totalsOf(admin, 'quotes', id)).grand_total).toBe('0.00');
  });

  it('sums many 0.1-style amounts without drift', async () => {
    const invoice = await t.request('POST', '/api/v1/records/invoices', { as: admin, body: { subject: 'Céntimos' } });
    const items = Array.from({ length: 10 }, () => ({ quantity: '1', unit_price: '0.10', tax_rate: '21' }));
    const response = await putItems(admin, 'invoices', invoice.data.data.id, items);
    expect(response.statusCode, response.body).toBe(200);
    // Each line: 0.10 + 0.021 → 0.02 tax.
    expect(response.data.totals).toEqual({ subtotal: '1.00', discount_total: '0.00', tax_total: '0.20', grand_total: '1.20' });
  });

  it('fills description, price and tax from a product when the line leaves them out', async () => {
    const product = await t.request('POST', '/api/v1/records/products', {
      as: admin,
      body: { name: 'Válvula Núñez', unit_price: '12.50', tax_rate: '10' },
    });
    expect(product.statusCode).toBe(201);
    const productId = product.data.data.id;
    const id = await newQuote(admin);
    const response = await putItems(admin, 'quotes', id, [
      { product_id: productId, quantity: '2' },
      { product_id: productId, quantity: '1', description: 'Válvula de repuesto', unit_price: '11', tax_rate: '21' },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.data.data[0]).toMatchObject({
      product_id: productId,
      description: 'Válvula Núñez',
      unit_price: '12.50',
      tax_rate: '10',
      total: '27.50',
    });
    expect(response.data.data[1]).toMatchObject({
      description: 'Válvula de repuesto',
      unit_price: '11.00',
      tax_rate: '21',
      total: '13.31',
    });
    expect(response.data.display[productId]).toBe('Válvula Núñez');
    expect(response.data.totals.grand_total).toBe('40.81');
  });

  it('refuses bad lines with a 400 naming items[i].field, and writes nothing', async () => {
    const id = await newQuote(admin);
    const good = { description: 'Bueno', quantity: '1', unit_price: '100.00', tax_rate: '21' };
    expect((await putItems(admin, 'quotes', id, [good])).statusCode).toBe(200);
    const before = await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: admin });
    const timelineBefore = await t.request('GET', `/api/v1/records/quotes/${id}/timeline`, { as: admin });
    const cases: Array<[unknown, string]> = [
      [[{ ...good, quantity: '0' }], 'items[0].quantity'],
      [[good, { ...good, quantity: '-2' }], 'items[1].quantity'],
      [[{ description: 'x', unit_price: '1' }], 'items[0].quantity'],
      [[{ ...good, quantity: '1e3' }], 'items[0].quantity'],
      [[{ ...good, quantity: '1.23456' }], 'items[0].quantity'],
      [[{ ...good, unit_price: 'abc' }], 'items[0].unit_price'],
      [[{ ...good, unit_price: '1.234' }], 'items[0].unit_price'],
      [[{ ...good, unit_price: undefined }], 'items[0].unit_price'],
      [[{ ...good, tax_rate: '101' }], 'items[0].tax_rate'],
      [[{ ...good, discount_percent: '100.01' }], 'items[0].discount_percent'],
      [[{ ...good, discount_percent: '5', discount_amount: '5' }], 'items[0].discount_amount'],
      [[good, { ...good, discount_amount: '100.01' }], 'items[1].discount_amount'],
      [[{ ...good, colour: 'red' }], 'items[0].colour'],
      [[{ ...good, product_id: 'not-an-id' }], 'items[0].product_id'],
      [[{ ...good, product_id: '0190a0a0-0000-7000-8000-000000000000' }], 'items[0].product_id'],
      [[{ ...good, description: 'x'.repeat(2001) }], 'items[0].description'],
    ];
    for (const [items, field] of cases) {
      const response = await putItems(admin, 'quotes', id, items);
      expect(response.statusCode, JSON.stringify(items).slice(0, 200)).toBe(400);
      expect(response.data.error.details.field, JSON.stringify(items).slice(0, 200)).toBe(field);
    }
    const notAList = await t.request('PUT', `/api/v1/records/quotes/${id}/line-items`, { as: admin, body: { items: 'x' } });
    expect(notAList.statusCode).toBe(400);
    const tooMany = await putItems(
      admin,
      'quotes',
      id,
      Array.from({ length: 501 }, () => good),
    );
    expect(tooMany.statusCode).toBe(400);
    const huge = { quantity: '999999', unit_price: '9999999999.99', tax_rate: '100' };
    const tooLarge = await putItems(admin, 'quotes', id, [good, huge]);
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.data.error.details.field).toBe('items');

    const after = await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: admin });
    expect(after.data).toEqual(before.data);
    expect((await totalsOf(admin, 'quotes', id)).grand_total).toBe('121.00');
    const timelineAfter = await t.request('GET', `/api/v1/records/quotes/${id}/timeline`, { as: admin });
    expect(timelineAfter.data.data).toHaveLength(timelineBefore.data.data.length);
  });

  it('users cannot write the totals themselves', async () => {
    const id = await newQuote(admin);
    const patched = await t.request('PATCH', `/api/v1/records/quotes/${id}`, { as: admin, body: { grand_total: '1000.00' } });
    expect(patched.statusCode).toBe(400);
    expect(patched.data.error.details.field).toBe('grand_total');
  });

  it('only quotes, sales orders, purchase orders and invoices have line items', async () => {
    const account = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Sin líneas' } });
    const url = `/api/v1/records/accounts/${account.data.data.id}`;
    expect((await t.request('GET', `${url}/line-items`, { as: admin })).statusCode).toBe(404);
    expect((await t.request('PUT', `${url}/line-items`, { as: admin, body: { items: [] } })).statusCode).toBe(404);
    expect((await t.request('GET', `${url}/pdf`, { as: admin })).statusCode).toBe(404);
    const po = await t.request('POST', '/api/v1/records/purchase_orders', { as: admin, body: { subject: 'Compra' } });
    const response = await putItems(admin, 'purchase_orders', po.data.data.id, [{ quantity: '4', unit_price: '2.50', tax_rate: '21' }]);
    expect(response.statusCode).toBe(200);
    expect(response.data.totals.grand_total).toBe('12.10');
  });
});

describe('permissions', () => {
  it('a user who can only read the document gets a 403 and changes nothing', async () => {
    const org = await t.make.org();
    expect((await t.request('PUT', '/api/v1/sharing/quotes', { as: org, body: { access: 'public_read' } })).statusCode).toBe(200);
    const reader = await t.make.user(org);
    const id = await newQuote(org);
    expect((await putItems(org, 'quotes', id, [{ quantity: '1', unit_price: '5' }])).statusCode).toBe(200);
    const read = await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: reader });
    expect(read.statusCode).toBe(200);
    expect(read.data.totals.grand_total).toBe('5.00');
    const refused = await putItems(reader, 'quotes', id, [{ quantity: '9', unit_price: '9' }]);
    expect(refused.statusCode).toBe(403);
    expect((await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: org })).data.totals.grand_total).toBe('5.00');
  });

  it('another organization’s documents are a 404 everywhere', async () => {
    const other = await t.make.org();
    const id = await newQuote(admin);
    expect((await putItems(admin, 'quotes', id, [{ quantity: '1', unit_price: '5' }])).statusCode).toBe(200);
    expect((await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: other })).statusCode).toBe(404);
    expect((await putItems(other, 'quotes', id, [{ quantity: '1', unit_price: '1' }])).statusCode).toBe(404);
    expect((await t.request('POST', `/api/v1/records/quotes/${id}/to-sales-order`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/quotes/${id}/pdf`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/records/quotes/${id}/line-items`, { as: admin })).data.totals.grand_total).toBe('5.00');
  });

  it('a product the caller cannot see cannot be put on a line', async () => {
    const org = await t.make.org();
    const alice = await t.make.user(org);
    const bob = await t.make.user(org);
    const product = await t.request('POST', '/api/v1/records/products', { as: alice, body: { name: 'Privado', unit_price: '1' } });
    expect(product.statusCode).toBe(201);
    const quote = await newQuote(bob);
    const response = await putItems(bob, 'quotes', quote, [{ product_id: product.data.data.id, quantity: '1' }]);
    expect(response.statusCode).toBe(400);
    expect(response.data.error.details.field).toBe('items[0].product_id');

    // A line someone else put there with that product can be sent back as it is.
    await t.request('PUT', '/api/v1/sharing/quotes', { as: org, body: { access: 'public_read_write' } });
    const shared = await newQuote(alice);
    expect((await putItems(alice, 'quotes', shared, [{ product_id: product.data.data.id, quantity: '2' }])).statusCode).toBe(200);
    const lines = await t.request('GET', `/api/v1/records/quotes/${shared}/line-items`, { as: bob });
    expect(lines.data.display).toEqual({});
    const resent = await putItems(bob, 'quotes', shared, [...lines.data.data, { quantity: '1', unit_price: '3' }]);
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.data.totals.subtotal).toBe('5.00');
  });
});

describe('quote → sales order → invoice', () => {
  it('copies the header and the lines, links back and recomputes the totals', async () => {
    const account = await t.request('POST', '/api/v1/records/accounts', { as: admin, body: { name: 'Hierros de Aragón' } });
    const quoteId = await newQuote(admin, { account_id: account.data.data.id, terms: 'Pago a 30 días.' });
    await putItems(admin, 'quotes', quoteId, [
      { description: 'Tornillería', quantity: '3', unit_price: '19.99', discount_percent: '10', tax_rate: '21' },
      { description: 'Portes', quantity: '1', unit_price: '15.00', tax_rate: '21' },
    ]);
    const order = await t.request('POST', `/api/v1/records/quotes/${quoteId}/to-sales-order`, { as: admin });
    expect(order.statusCode, order.body).toBe(201);
    const orderRecord = (await t.request('GET', `/api/v1/records/sales_orders/${order.data.id}`, { as: admin })).data.data;
    expect(orderRecord).toMatchObject({
      subject: 'Suministro anual',
      account_id: account.data.data.id,
      quote_id: quoteId,
      terms: 'Pago a 30 días.',
      currency: 'EUR',
      subtotal: '74.97',
      discount_total: '6.00',
      tax_total: '14.48',
      grand_total: '83.45',
    });
    const orderLines = await t.request('GET', `/api/v1/records/sales_orders/${order.data.id}/line-items`, { as: admin });
    expect(orderLines.data.data.map((l: { description: string; total: string }) => [l.description, l.total])).toEqual([
      ['Tornillería', '65.30'],
      ['Portes', '18.15'],
    ]);

    const invoice = await t.request('POST', `/api/v1/records/sales_orders/${order.data.id}/to-invoice`, { as: admin });
    expect(invoice.statusCode, invoice.body).toBe(201);
    const invoiceRecord = (await t.request('GET', `/api/v1/records/invoices/${invoice.data.id}`, { as: admin })).data.data;
    expect(invoiceRecord).toMatchObject({
      sales_order_id: order.data.id,
      account_id: account.data.data.id,
      status: 'draft',
      grand_total: '83.45',
    });
    expect(invoiceRecord.invoice_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const invoiceLines = await t.request('GET', `/api/v1/records/invoices/${invoice.data.id}/line-items`, { as: admin });
    expect(invoiceLines.data.data).toHaveLength(2);

    const timeline = await t.request('GET', `/api/v1/records/quotes/${quoteId}/timeline`, { as: admin });
    expect(timeline.data.data.find((e: { kind: string }) => e.kind === 'converted').data).toEqual({
      module: 'sales_orders',
      id: order.data.id,
    });
    // The copies are separate: changing the order leaves the quote alone.
    await putItems(admin, 'sales_orders', order.data.id, []);
    expect((await totalsOf(admin, 'quotes', quoteId)).grand_total).toBe('83.45');
  });

  it('a user who may not create sales orders gets a 403 and nothing is made; an unknown quote is a 404', async () => {
    const org = await t.make.org();
    const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: true };
    const profile = await t.request('POST', '/api/v1/profiles', {
      as: org,
      body: { name: 'Sin pedidos', modules: { '*': ALL, sales_orders: { ...ALL, create: false } } },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    const seller = await t.make.user(org, { profileId: profile.data.id });
    const quoteId = await newQuote(seller);
    await putItems(seller, 'quotes', quoteId, [{ quantity: '1', unit_price: '5' }]);
    expect((await t.request('POST', `/api/v1/records/quotes/${quoteId}/to-sales-order`, { as: seller })).statusCode).toBe(403);
    const unknown = await t.request('POST', '/api/v1/records/quotes/0190a0a0-0000-7000-8000-000000000000/to-sales-order', { as: org });
    expect(unknown.statusCode).toBe(404);
    const orders = await t.request('GET', '/api/v1/records/sales_orders?count=true', { as: org });
    expect(orders.data.total.value).toBe(0);
    const timeline = await t.request('GET', `/api/v1/records/quotes/${quoteId}/timeline`, { as: org });
    expect(timeline.data.data.map((e: { kind: string }) => e.kind)).not.toContain('converted');
  });
});
