import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { create as contentDisposition } from 'content-disposition';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, Uuid } from '../../platform/http/common.schemas.js';
import { CreatedId, DocumentParams, LineItemsResponse, ReplaceLineItemsBody } from './line-items.schemas.js';
import type { LineItemsService } from './line-items.service.js';

const tags = ['Records'];
const fileName = (name: string) =>
  `${
    name
      .replace(/[^\p{L}\p{N} _.-]+/gu, '')
      .trim()
      .slice(0, 80) || 'document'
  }.pdf`;

/** Line items, totals, conversions and PDFs of quotes, sales orders, purchase orders and invoices (CRM inventory). */
export const lineItemRoutes: FastifyPluginAsyncTypebox<{ lineItems: LineItemsService }> = async (app, { lineItems }) => {
  app.get(
    '/records/:module/:id/line-items',
    {
      schema: {
        tags,
        summary: 'Line items and totals of a quote, sales order, purchase order or invoice',
        params: DocumentParams,
        response: { 200: LineItemsResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => lineItems.list(requireAuth(request), request.params.module, request.params.id),
  );

  app.put(
    '/records/:module/:id/line-items',
    {
      schema: {
        tags,
        summary: 'Replace the line items of a document',
        description:
          'Replaces every line; the server computes each line (quantity × unit_price − discount, tax = net × tax_rate / 100, rounded half-up to cents) and writes subtotal, discount_total, tax_total and grand_total to the document in the same transaction. A line with a product_id takes the product’s name, price and tax rate for what it leaves out. Needs edit access to the document; a bad value is a 400 naming items[i].field and changes nothing.',
        params: DocumentParams,
        body: ReplaceLineItemsBody,
        response: { 200: LineItemsResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => lineItems.replace(requireAuth(request), request.params.module, request.params.id, request.body),
  );

  app.post(
    '/records/quotes/:id/to-sales-order',
    {
      schema: {
        tags,
        summary: 'Make a sales order from a quote',
        description: 'Copies the subject, account, contact, deal, currency and terms, links the quote, and copies the line items.',
        params: Type.Object({ id: Uuid }),
        response: { 201: CreatedId, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await lineItems.convert(requireAuth(request), 'quotes', request.params.id, 'sales_orders')),
  );

  app.post(
    '/records/sales_orders/:id/to-invoice',
    {
      schema: {
        tags,
        summary: 'Make an invoice from a sales order',
        description: 'Copies the header fields, links the sales order, dates the invoice today and copies the line items.',
        params: Type.Object({ id: Uuid }),
        response: { 201: CreatedId, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await lineItems.convert(requireAuth(request), 'sales_orders', request.params.id, 'invoices')),
  );

  app.get(
    '/records/:module/:id/pdf',
    {
      schema: {
        tags,
        summary: 'A quote, sales order, purchase order or invoice as a PDF',
        description: 'In the caller’s language (Spanish or English); money formatted for Spain with the document’s currency.',
        params: DocumentParams,
        produces: ['application/pdf'],
        response: { 200: Type.Unknown({ description: 'application/pdf' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { pdf, name } = await lineItems.pdf(requireAuth(request), request.params.module, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition(fileName(name), { type: 'attachment' }))
        .send(pdf);
    },
  );
};
