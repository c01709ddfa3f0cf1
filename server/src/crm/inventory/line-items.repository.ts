import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';

/** SQL on `_line_items` in an organization's schema. The amounts are generated columns (see the org migration 0007-line-items). */
const lineItems = (schema: string) => sql.raw(`${quoteIdent(schema)}._line_items`);

/** A line item as stored, numbers as exact decimal text. */
export interface LineItemRow {
  id: string;
  position: number;
  product_id: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_percent: string;
  discount_amount: string;
  tax_rate: string;
  gross: string;
  discount: string;
  net: string;
  tax: string;
  total: string;
}

/** What a line item is stored from: decimals as text, never floats. */
export interface LineItemValues {
  product_id: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_percent: string;
  discount_amount: string;
  tax_rate: string;
}

export interface DocumentTotals {
  subtotal: string;
  discount_total: string;
  tax_total: string;
  grand_total: string;
}

export async function listLineItems(executor: Executor, schema: string, recordId: string): Promise<LineItemRow[]> {
  const result = await sql<LineItemRow>`
    SELECT id, position, product_id, description,
      trim_scale(quantity)::text AS quantity, unit_price::text AS unit_price,
      trim_scale(discount_percent)::text AS discount_percent, discount_amount::text AS discount_amount,
      trim_scale(tax_rate)::text AS tax_rate,
      gross::text AS gross, discount::text AS discount, net::text AS net, tax::text AS tax, total::text AS total
    FROM ${lineItems(schema)} WHERE record_id = ${recordId} ORDER BY position`.execute(executor);
  return result.rows;
}

/** Replaces every line item of a record with `items` (positions 1, 2, …). */
export async function replaceLineItems(
  executor: Executor,
  schema: string,
  input: { module: string; recordId: string; items: Array<LineItemValues & { id: string }> },
): Promise<void> {
  await sql`DELETE FROM ${lineItems(schema)} WHERE record_id = ${input.recordId}`.execute(executor);
  if (input.items.length === 0) return;
  const rows = input.items.map(
    (item, index) =>
      sql`(${item.id}, ${input.module}, ${input.recordId}, ${index + 1}, ${item.product_id}, ${item.description},
        ${item.quantity}::numeric, ${item.unit_price}::numeric, ${item.discount_percent}::numeric, ${item.discount_amount}::numeric,
        ${item.tax_rate}::numeric)`,
  );
  await sql`
    INSERT INTO ${lineItems(schema)}
      (id, module, record_id, position, product_id, description, quantity, unit_price, discount_percent, discount_amount, tax_rate)
    VALUES ${sql.join(rows)}`.execute(executor);
}

/** Positions of lines whose discount is more than the line amount. */
export async function findOverDiscountedLines(executor: Executor, schema: string, recordId: string): Promise<number[]> {
  const result = await sql<{ position: number }>`
    SELECT position FROM ${lineItems(schema)} WHERE record_id = ${recordId} AND net < 0 ORDER BY position`.execute(executor);
  return result.rows.map((row) => row.position);
}

/** The document's totals: sums of the lines' gross, discount, tax and total (0.00 without lines). */
export async function sumLineItems(executor: Executor, schema: string, recordId: string): Promise<DocumentTotals> {
  const result = await sql<DocumentTotals>`
    SELECT coalesce(sum(gross), 0)::numeric(18,2)::text AS subtotal,
      coalesce(sum(discount), 0)::numeric(18,2)::text AS discount_total,
      coalesce(sum(tax), 0)::numeric(18,2)::text AS tax_total,
      coalesce(sum(total), 0)::numeric(18,2)::text AS grand_total
    FROM ${lineItems(schema)} WHERE record_id = ${recordId}`.execute(executor);
  return result.rows[0]!;
}
