import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { ApiRecord, RecordsModule } from '../../records/index.js';
import { moduleView, type ModuleView } from '../../records/index.js';
import { renderDocumentPdf } from './document-pdf.js';
import {
  findOverDiscountedLines,
  listLineItems,
  replaceLineItems,
  sumLineItems,
  type DocumentTotals,
  type LineItemRow,
  type LineItemValues,
} from './line-items.repository.js';

/** The modules whose records have line items (inventory documents). */
export const DOCUMENT_MODULES = ['quotes', 'sales_orders', 'purchase_orders', 'invoices'] as const;
export type DocumentModule = (typeof DOCUMENT_MODULES)[number];
export const isDocumentModule = (module: string): module is DocumentModule => (DOCUMENT_MODULES as readonly string[]).includes(module);

export const MAX_LINE_ITEMS = 500;
const MAX_DESCRIPTION = 2000;
/** Fields of a line item a client writes; the others (id, position, amounts) are the server's and ignored when sent back. */
const WRITABLE = new Set(['product_id', 'description', 'quantity', 'unit_price', 'discount_percent', 'discount_amount', 'tax_rate']);
const SERVER_KEPT = new Set(['id', 'position', 'gross', 'discount', 'net', 'tax', 'total']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A line item as the API shows it. */
export type LineItem = LineItemRow;

export interface LineItemsResult {
  data: LineItem[];
  totals: DocumentTotals;
  currency: string | null;
  /** Product names by id (products the caller can read). */
  display: Record<string, string>;
}

interface DecimalRule {
  intDigits: number;
  scale: number;
  min?: 'positive' | 'zero';
  max?: number;
}

const RULES: Record<'quantity' | 'unit_price' | 'discount_percent' | 'discount_amount' | 'tax_rate', DecimalRule> = {
  quantity: { intDigits: 6, scale: 4, min: 'positive' },
  unit_price: { intDigits: 10, scale: 2, min: 'zero' },
  discount_percent: { intDigits: 3, scale: 2, min: 'zero', max: 100 },
  discount_amount: { intDigits: 10, scale: 2, min: 'zero' },
  tax_rate: { intDigits: 3, scale: 2, min: 'zero', max: 100 },
};

const fieldError = (index: number, field: string, message: string) =>
  new AppError('validation_failed', `items[${index}].${field} ${message}`, { field: `items[${index}].${field}` });

/**
 * A decimal from JSON (a string such as "1250.00", or a number) as exact
 * text, checked against its rule; never turned into a float for arithmetic.
 */
function parseDecimal(raw: unknown, rule: DecimalRule): { ok: true; value: string } | { ok: false; message: string } {
  const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
  if (text === null) return { ok: false, message: 'must be a decimal number written as a string ("19.99").' };
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { ok: false, message: 'must be a decimal number written as a string ("19.99").' };
  const [, sign, whole, fraction = ''] = match;
  const isZero = /^0+$/.test(whole!) && /^0*$/.test(fraction);
  if (sign && !isZero) return { ok: false, message: 'must not be negative.' };
  if (rule.min === 'positive' && isZero) return { ok: false, message: 'must be more than 0.' };
  if (whole!.replace(/^0+(?=\d)/, '').length > rule.intDigits)
    return { ok: false, message: `has more than ${rule.intDigits} digits before the point.` };
  if (fraction.replace(/0+$/, '').length > rule.scale) return { ok: false, message: `has more than ${rule.scale} decimals.` };
  // Bounds of 0–100 compare exactly as numbers: this is not money arithmetic.
  if (rule.max !== undefined && Number(`${whole}.${fraction || '0'}`) > rule.max)
    return { ok: false, message: `must be between 0 and ${rule.max}.` };
  return { ok: true, value: isZero ? '0' : `${whole}${fraction ? `.${fraction}` : ''}` };
}

type Draft = Partial<LineItemValues> & { quantity: string };

/** Checks the body's items one by one; the first problem is a 400 naming `items[i].field`. */
function parseItems(body: unknown): Draft[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw badRequest('"items" is a list of line items.', 'items');
  if (items.length > MAX_LINE_ITEMS) throw badRequest(`A document has at most ${MAX_LINE_ITEMS} line items.`, 'items');
  return items.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new AppError('validation_failed', `items[${index}] is an object.`, { field: `items[${index}]` });
    const input = item as Record<string, unknown>;
    for (const key of Object.keys(input))
      if (!WRITABLE.has(key) && !SERVER_KEPT.has(key)) throw fieldError(index, key, 'is not a field of a line item.');
    const draft: Partial<LineItemValues> = {};
    const productId = input.product_id;
    if (productId !== undefined && productId !== null) {
      if (typeof productId !== 'string' || !UUID.test(productId)) throw fieldError(index, 'product_id', 'must be the id of a product.');
      draft.product_id = productId.toLowerCase();
    }
    const description = input.description;
    if (description !== undefined && description !== null) {
      if (typeof description !== 'string') throw fieldError(index, 'description', 'must be text.');
      if (description.length > MAX_DESCRIPTION) throw fieldError(index, 'description', `is longer than ${MAX_DESCRIPTION} characters.`);
      draft.description = description;
    }
    if (input.quantity === undefined || input.quantity === null || input.quantity === '')
      throw fieldError(index, 'quantity', 'is required.');
    for (const name of Object.keys(RULES) as Array<keyof typeof RULES>) {
      const raw = input[name];
      if (raw === undefined || raw === null || raw === '') continue;
      const parsed = parseDecimal(raw, RULES[name]);
      if (!parsed.ok) throw fieldError(index, name, parsed.message);
      draft[name] = parsed.value;
    }
    if (draft.discount_percent && draft.discount_percent !== '0' && draft.discount_amount && draft.discount_amount !== '0')
      throw fieldError(index, 'discount_amount', 'cannot go with discount_percent: give one discount.');
    return draft as Draft;
  });
}

/** The date (YYYY-MM-DD) it is in a time zone. */
function todayIn(timeZone: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const isForbidden = (error: unknown) => error instanceof AppError && error.statusCode === 403;

/**
 * Line items of inventory documents (quotes, sales orders, purchase orders,
 * invoices): read, replaced as a whole with the document's totals written to
 * its system fields in the same transaction, and copied when a quote becomes
 * a sales order and a sales order an invoice.
 */
export function createLineItemsService(ctx: AppContext, deps: RecordsModule) {
  const { database } = ctx;
  const { records } = deps;

  const documentModule = (module: string): DocumentModule => {
    if (!isDocumentModule(module)) throw notFound('The module’s line items');
    return module;
  };

  /** Products the caller can read among `ids`, by id (none when they may not read products). */
  async function readableProducts(auth: AuthContext, ids: string[]): Promise<Map<string, ApiRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    try {
      const found = await records.query(auth, 'products', { filter: { field: 'id', op: 'in', value: unique }, limit: MAX_LINE_ITEMS });
      return new Map(found.data.map((product) => [product.id, product]));
    } catch (error) {
      if (isForbidden(error)) return new Map();
      throw error;
    }
  }

  async function productNames(auth: AuthContext, rows: LineItemRow[]): Promise<Record<string, string>> {
    const products = await readableProducts(
      auth,
      rows.map((row) => row.product_id).filter((id): id is string => id !== null),
    );
    return Object.fromEntries([...products.values()].map((product) => [product.id, String(product.name ?? '')]));
  }

  /** Line items and totals of a document the caller can read. */
  async function list(auth: AuthContext, moduleName: string, id: string): Promise<LineItemsResult> {
    const module = documentModule(moduleName);
    const { data } = await records.get(auth, module, id);
    const rows = await listLineItems(database.db, auth.orgSchema, id);
    return {
      data: rows,
      totals: await sumLineItems(database.db, auth.orgSchema, id),
      currency: typeof data.currency === 'string' ? data.currency : null,
      display: await productNames(auth, rows),
    };
  }

  /** Fills what a line leaves out from its product (description, unit price, tax rate); a line without a price is refused. */
  async function complete(auth: AuthContext, drafts: Draft[], kept: ReadonlySet<string> = new Set()): Promise<LineItemValues[]> {
    const products = await readableProducts(
      auth,
      drafts.map((draft) => draft.product_id).filter((id): id is string => typeof id === 'string'),
    );
    return drafts.map((draft, index) => {
      const product = draft.product_id ? products.get(draft.product_id) : undefined;
      // A product already on the document's lines may stay even if the caller cannot see it (or it was deleted).
      if (draft.product_id && !product && !kept.has(draft.product_id))
        throw fieldError(index, 'product_id', 'is not a product you can see.');
      const fromProduct = (name: 'unit_price' | 'tax_rate'): string | undefined => {
        const value = product?.[name];
        if (typeof value !== 'string' || value === '') return undefined;
        const parsed = parseDecimal(value, RULES[name]);
        return parsed.ok ? parsed.value : undefined;
      };
      const unitPrice = draft.unit_price ?? fromProduct('unit_price');
      if (unitPrice === undefined)
        throw fieldError(index, 'unit_price', draft.product_id ? 'is required: the product has no price.' : 'is required.');
      return {
        product_id: draft.product_id ?? null,
        description: draft.description ?? (typeof product?.name === 'string' ? product.name : ''),
        quantity: draft.quantity,
        unit_price: unitPrice,
        discount_percent: draft.discount_percent ?? '0',
        discount_amount: draft.discount_amount ?? '0',
        tax_rate: draft.tax_rate ?? fromProduct('tax_rate') ?? '0',
      };
    });
  }

  /**
   * In the caller's transaction: stores the lines of a record the caller
   * locked, and writes the document's totals to its system fields (with a
   * `line_items` timeline entry and record.updated when they change).
   */
  async function store(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    current: Awaited<ReturnType<RecordsModule['records']['lockWritable']>>,
    items: LineItemValues[],
  ): Promise<void> {
    const schema = auth.orgSchema;
    let totals: DocumentTotals;
    try {
      await replaceLineItems(trx, schema, {
        module: view.module.apiName,
        recordId: current.id,
        items: items.map((item) => ({ ...item, id: newId() })),
      });
      totals = await sumLineItems(trx, schema, current.id);
    } catch (error) {
      // numeric_value_out_of_range: a line or the document adds up to more than 16 digits (the transaction rolls back).
      if ((error as { code?: string } | null)?.code === '22003') throw badRequest('The amounts are too large for a document.', 'items');
      throw error;
    }
    const [overDiscounted] = await findOverDiscountedLines(trx, schema, current.id);
    if (overDiscounted !== undefined) throw fieldError(overDiscounted - 1, 'discount_amount', 'is more than the line amount.');
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(totals)) if (view.module.fields.some((f) => f.apiName === name)) values[name] = value;
    await records.writeSystemFields(trx, auth, view, current, values, { kind: 'line_items', data: { count: items.length } });
  }

  /** Replaces the lines of a document the caller may edit; the totals are computed by PostgreSQL in numeric. */
  async function replace(auth: AuthContext, moduleName: string, id: string, body: unknown): Promise<LineItemsResult> {
    const module = documentModule(moduleName);
    await records.assertWritable(auth, module, id);
    const current = await listLineItems(database.db, auth.orgSchema, id);
    const kept = new Set(current.map((line) => line.product_id).filter((productId): productId is string => productId !== null));
    const items = await complete(auth, parseItems(body), kept);
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const view = moduleView(auth, metadata, module, 'edit');
    await database.transaction('inventory.line-items', async (trx) => {
      const current = await records.lockWritable(trx, view, await loadRecordScopes(trx, auth), id);
      await store(trx, auth, view, current, items);
    });
    return list(auth, module, id);
  }

  const CONVERSIONS = {
    'quotes>sales_orders': { link: 'quote_id', dated: null },
    'sales_orders>invoices': { link: 'sales_order_id', dated: 'invoice_date' },
  } as const;
  const COPIED = ['subject', 'account_id', 'contact_id', 'deal_id', 'currency', 'terms', 'description'];

  /**
   * Makes a sales order from a quote or an invoice from a sales order: the
   * header fields the caller can read and write, a link back to the source,
   * and a copy of the line items (totals computed again). Returns the new id.
   */
  async function convert(auth: AuthContext, from: 'quotes' | 'sales_orders', id: string, to: 'sales_orders' | 'invoices') {
    const conversion = CONVERSIONS[`${from}>${to}` as keyof typeof CONVERSIONS];
    const { data: source } = await records.get(auth, from, id);
    const lines = await listLineItems(database.db, auth.orgSchema, id);
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const view = moduleView(auth, metadata, to, 'create');
    const writable = (name: string) => view.byName.has(name) && !view.readOnly.has(name);
    const values: Record<string, unknown> = {};
    for (const name of COPIED) if (writable(name) && source[name] !== undefined && source[name] !== null) values[name] = source[name];
    if (writable(conversion.link)) values[conversion.link] = id;
    if (conversion.dated && writable(conversion.dated)) values[conversion.dated] = todayIn(auth.organization.timeZone, ctx.now());
    const items: LineItemValues[] = lines.map((line) => ({
      product_id: line.product_id,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unit_price,
      discount_percent: line.discount_percent,
      discount_amount: line.discount_amount,
      tax_rate: line.tax_rate,
    }));
    return database.transaction('inventory.convert', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const [result] = await records.createMany(trx, auth, view, scopes, [{ index: 0, values }]);
      if (result!.status === 'error') {
        const [first] = result!.errors;
        throw new AppError('validation_failed', first!.message, { field: first!.field, reason: first!.reason, errors: result!.errors });
      }
      const current = await records.lockWritable(trx, view, scopes, result!.id);
      await store(trx, auth, view, current, items);
      await records.addTimelineEntry(trx, auth, from, id, 'converted', { module: to, id: result!.id });
      return { id: result!.id };
    });
  }

  /** The document as a PDF in the caller's language, for whoever can read it. */
  async function pdf(auth: AuthContext, moduleName: string, id: string): Promise<{ pdf: Buffer; name: string }> {
    const module = documentModule(moduleName);
    const { data, display } = await records.get(auth, module, id);
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const items = await listLineItems(database.db, auth.orgSchema, id);
    const language = auth.language.toLowerCase().startsWith('en') ? 'en' : 'es';
    const meta = metadata.modules.get(module)!;
    const numberField = meta.fields.find((field) => field.type === 'auto_number')?.apiName;
    const rendered = await renderDocumentPdf({
      language,
      organizationName: auth.organization.name,
      module: meta,
      record: data,
      display,
      items,
      totals: await sumLineItems(database.db, auth.orgSchema, id),
      currency: typeof data.currency === 'string' && data.currency ? data.currency : auth.organization.currency,
    });
    const label = (numberField && typeof data[numberField] === 'string' ? data[numberField] : null) ?? meta.labels[language].singular;
    return { pdf: rendered, name: String(label) };
  }

  return { list, replace, convert, pdf };
}

export type LineItemsService = ReturnType<typeof createLineItemsService>;
