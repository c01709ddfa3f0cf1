import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';

/** The organization's one row of `kam_settings` (org migration 0009-kam). */
export interface KamSettingsRow {
  acquisition_cost: string | null;
  cadence_days: Record<string, number>;
  targets: Record<string, number | string>;
  health_weights: Record<string, number>;
  updated_at: Date;
}

const table = (schema: string) => sql.raw(`${quoteIdent(schema)}.kam_settings`);

export async function readSettings(executor: Executor, schema: string): Promise<KamSettingsRow | undefined> {
  const result =
    await sql<KamSettingsRow>`SELECT acquisition_cost::text AS acquisition_cost, cadence_days, targets, health_weights, updated_at
    FROM ${table(schema)} WHERE singleton`.execute(executor);
  return result.rows[0];
}

/** Writes the parts given (a missing row is created with the table's defaults first). */
export async function writeSettings(
  executor: Executor,
  schema: string,
  parts: {
    acquisition_cost?: string | null;
    cadence_days?: Record<string, number>;
    targets?: Record<string, unknown>;
    health_weights?: Record<string, number>;
  },
): Promise<void> {
  await sql`INSERT INTO ${table(schema)} (singleton) VALUES (true) ON CONFLICT (singleton) DO NOTHING`.execute(executor);
  const sets = [sql`updated_at = now()`];
  if (parts.acquisition_cost !== undefined) sets.push(sql`acquisition_cost = ${parts.acquisition_cost}::numeric`);
  if (parts.cadence_days) sets.push(sql`cadence_days = ${JSON.stringify(parts.cadence_days)}::jsonb`);
  if (parts.targets) sets.push(sql`targets = ${JSON.stringify(parts.targets)}::jsonb`);
  if (parts.health_weights) sets.push(sql`health_weights = ${JSON.stringify(parts.health_weights)}::jsonb`);
  await sql`UPDATE ${table(schema)} SET ${sql.join(sets)} WHERE singleton`.execute(executor);
}
