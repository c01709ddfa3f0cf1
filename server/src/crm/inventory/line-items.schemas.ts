import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';

const Decimal = (description: string) => Type.String({ description });
const DecimalInput = (description: string) =>
  Type.Optional(Type.Unknown({ description: `${description} A decimal as a string ("19.99"; a JSON number is accepted).` }));

export const DocumentParams = Type.Object({
  module: Type.String({
    pattern: '^[a-z][a-z0-9_]{1,62}$',
    description: 'quotes, sales_orders, purchase_orders or invoices (any other module is a 404).',
  }),
  id: Uuid,
});

export const LineItem = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The line’s id (a new one each time the lines are replaced).' }),
    position: Type.Integer({ description: 'Order in the document, from 1.' }),
    product_id: Type.Union([Uuid, Type.Null()], { description: 'The product (a products record), if the line is for one.' }),
    description: Type.String({ description: 'What the line is for.' }),
    quantity: Decimal('Quantity, more than 0 (up to 4 decimals).'),
    unit_price: Decimal('Price of one unit, in the document’s currency ("19.99").'),
    discount_percent: Decimal('Discount as a percentage of the line amount (0–100).'),
    discount_amount: Decimal('Discount as an amount ("5.00"); a line has one kind of discount.'),
    tax_rate: Decimal('Tax rate in percent (0–100).'),
    gross: Decimal('quantity × unit_price, rounded half-up to cents.'),
    discount: Decimal('The discount in money, rounded half-up to cents.'),
    net: Decimal('gross − discount.'),
    tax: Decimal('net × tax_rate / 100, rounded half-up to cents.'),
    total: Decimal('net + tax.'),
  },
  { description: 'A line of a quote, order or invoice; amounts computed by the server in exact decimals.' },
);

export const Totals = Type.Object(
  {
    subtotal: Decimal('Sum of the lines’ gross amounts.'),
    discount_total: Decimal('Sum of the lines’ discounts.'),
    tax_total: Decimal('Sum of the lines’ taxes.'),
    grand_total: Decimal('subtotal − discount_total + tax_total.'),
  },
  { description: 'The document’s totals (also written to its system fields of the same names).' },
);

export const LineItemsResponse = Type.Object({
  data: Type.Array(LineItem),
  totals: Totals,
  currency: Type.Union([Type.String(), Type.Null()], { description: 'The document’s currency (ISO 4217).' }),
  display: Type.Record(Type.String(), Type.String(), { description: 'Names of the products the lines point at, by id.' }),
});

const LineItemInput = Type.Object(
  {
    product_id: Type.Optional(
      Type.Unknown({ description: 'A product id; fills description, unit_price and tax_rate from the product when they are not given.' }),
    ),
    description: Type.Optional(Type.Unknown({ description: 'Text, up to 2,000 characters.' })),
    quantity: Type.Optional(Type.Unknown({ description: 'Required: more than 0, up to 6 digits and 4 decimals.' })),
    unit_price: DecimalInput('Required unless the product has a price; 0 or more, up to 2 decimals.'),
    discount_percent: DecimalInput('0–100.'),
    discount_amount: DecimalInput('0 or more, at most the line amount; not with discount_percent.'),
    tax_rate: DecimalInput('0–100; default the product’s rate, else 0.'),
  },
  {
    description:
      'A line to store. Checked by the server (a bad value is a 400 naming items[i].field); id, position and the amounts of a line read before are ignored.',
  },
);

export const ReplaceLineItemsBody = Type.Object({
  items: Type.Array(LineItemInput, { maxItems: 500, description: 'Every line of the document, in order (replaces what was there).' }),
});

export const CreatedId = Type.Object({ id: Type.String({ format: 'uuid', description: 'The id of the document made.' }) });
