import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';
import type { BlueprintDefinition } from './blueprint.schemas.js';

/** SQL on the Blueprint tables of an organization's schema (org migration 0021-automation-blueprints). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);
const json = (value: unknown) => sql`${value === null ? null : JSON.stringify(value)}::jsonb`;

export interface BlueprintRow {
  id: string;
  name: string;
  description: string | null;
  module: string;
  field: string;
  criteria: Record<string, unknown> | null;
  enabled: boolean;
  owner_id: string;
  definition: BlueprintDefinition;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export type BlueprintValues = Pick<BlueprintRow, 'name' | 'description' | 'module' | 'field' | 'criteria' | 'enabled' | 'definition'>;

export interface StateRow {
  blueprint_id: string;
  record_id: string;
  module: string;
  state: string;
  entered_at: Date;
  due_at: Date | null;
  escalation_level: number;
  entered_key: string;
}

export interface HistoryRow {
  id: string;
  blueprint_id: string;
  module: string;
  record_id: string;
  transition_id: string;
  transition_name: string;
  from_state: string | null;
  to_state: string;
  user_id: string | null;
  note: string | null;
  values: Record<string, unknown>;
  attachment_id: string | null;
  at: Date;
}

export async function insertBlueprint(executor: Executor, schema: string, id: string, ownerId: string, values: BlueprintValues) {
  await sql`INSERT INTO ${t(schema, 'automation_blueprints')}
      (id, name, description, module, field, criteria, enabled, owner_id, definition, created_by)
    VALUES (${id}, ${values.name}, ${values.description}, ${values.module}, ${values.field}, ${json(values.criteria)},
      ${values.enabled}, ${ownerId}, ${json(values.definition)}, ${ownerId})`.execute(executor);
}

export async function updateBlueprint(executor: Executor, schema: string, id: string, values: BlueprintValues) {
  await sql`UPDATE ${t(schema, 'automation_blueprints')} SET name = ${values.name}, description = ${values.description},
      module = ${values.module}, field = ${values.field}, criteria = ${json(values.criteria)}, enabled = ${values.enabled},
      definition = ${json(values.definition)}, updated_at = now()
    WHERE id = ${id}`.execute(executor);
}

/** Deletes a Blueprint with its record states and history (cascade) and its execution log. */
export async function deleteBlueprint(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_blueprints')} WHERE id = ${id}`.execute(executor);
  if (Number(result.numAffectedRows ?? 0) === 0) return false;
  await sql`DELETE FROM ${t(schema, 'automation_executions')} WHERE rule_id = ${id}`.execute(executor);
  return true;
}

export async function findBlueprint(executor: Executor, schema: string, id: string): Promise<BlueprintRow | undefined> {
  const result = await sql<BlueprintRow>`SELECT * FROM ${t(schema, 'automation_blueprints')} WHERE id = ${id}`.execute(executor);
  return result.rows[0];
}

/** Blueprints, oldest first; by module and only enabled ones when asked. */
export async function listBlueprints(
  executor: Executor,
  schema: string,
  query: { module?: string; enabled?: boolean } = {},
): Promise<BlueprintRow[]> {
  const where = [sql<boolean>`true`];
  if (query.module) where.push(sql<boolean>`module = ${query.module}`);
  if (query.enabled) where.push(sql<boolean>`enabled`);
  const result = await sql<BlueprintRow>`SELECT * FROM ${t(schema, 'automation_blueprints')}
    WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at, id LIMIT 500`.execute(executor);
  return result.rows;
}

/** The enabled Blueprint of a field other than `exceptId`, if any. */
export async function findEnabledOn(
  executor: Executor,
  schema: string,
  on: { module: string; field: string; exceptId?: string },
): Promise<BlueprintRow | undefined> {
  const result = await sql<BlueprintRow>`SELECT * FROM ${t(schema, 'automation_blueprints')}
    WHERE enabled AND module = ${on.module} AND field = ${on.field} AND id <> ${on.exceptId ?? '00000000-0000-0000-0000-000000000000'}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function findState(
  executor: Executor,
  schema: string,
  blueprintId: string,
  recordId: string,
  forUpdate = false,
): Promise<StateRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<StateRow>`SELECT * FROM ${t(schema, 'automation_blueprint_records')}
    WHERE blueprint_id = ${blueprintId} AND record_id = ${recordId}${lock}`.execute(executor);
  return result.rows[0];
}

/**
 * Puts a record in a state (a new entry: time limit from now, not escalated). The same key twice (an event handled
 * again) changes nothing; returns whether it wrote.
 */
export async function enterState(executor: Executor, schema: string, row: Omit<StateRow, 'escalation_level'>): Promise<boolean> {
  const result = await sql`INSERT INTO ${t(schema, 'automation_blueprint_records')} AS s
      (blueprint_id, record_id, module, state, entered_at, due_at, escalation_level, entered_key)
    VALUES (${row.blueprint_id}, ${row.record_id}, ${row.module}, ${row.state}, ${row.entered_at}, ${row.due_at}, 0, ${row.entered_key})
    ON CONFLICT (blueprint_id, record_id) DO UPDATE SET state = excluded.state, entered_at = excluded.entered_at,
      due_at = excluded.due_at, escalation_level = 0, entered_key = excluded.entered_key
    WHERE s.entered_key <> excluded.entered_key`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** The record left the Blueprint (its value is no state of it, or it no longer meets the criteria). */
export async function leaveBlueprint(executor: Executor, schema: string, blueprintId: string, recordId: string): Promise<void> {
  await sql`DELETE FROM ${t(schema, 'automation_blueprint_records')} WHERE blueprint_id = ${blueprintId} AND record_id = ${recordId}`.execute(
    executor,
  );
}

/** Records of enabled Blueprints past their state's time limit and not escalated for this entry, oldest due first. */
export async function listOverdue(executor: Executor, schema: string, now: Date, limit: number): Promise<StateRow[]> {
  const result = await sql<StateRow>`SELECT s.* FROM ${t(schema, 'automation_blueprint_records')} s
    JOIN ${t(schema, 'automation_blueprints')} b ON b.id = s.blueprint_id AND b.enabled
    WHERE s.due_at IS NOT NULL AND s.escalation_level = 0 AND s.due_at <= ${now}
    ORDER BY s.due_at, s.record_id LIMIT ${limit}`.execute(executor);
  return result.rows;
}

/** Marks one entry escalated; false when it was already (another run) or the record has moved on since. */
export async function claimEscalation(trx: Trx, schema: string, row: StateRow): Promise<boolean> {
  const result = await sql`UPDATE ${t(schema, 'automation_blueprint_records')} SET escalation_level = 1
    WHERE blueprint_id = ${row.blueprint_id} AND record_id = ${row.record_id} AND entered_key = ${row.entered_key}
      AND escalation_level = 0`.execute(trx);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function insertHistory(trx: Trx, schema: string, row: HistoryRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_blueprint_history')}
      (id, blueprint_id, module, record_id, transition_id, transition_name, from_state, to_state, user_id, note, "values",
       attachment_id, at)
    VALUES (${row.id}, ${row.blueprint_id}, ${row.module}, ${row.record_id}, ${row.transition_id}, ${row.transition_name},
      ${row.from_state}, ${row.to_state}, ${row.user_id}, ${row.note}, ${json(row.values)}, ${row.attachment_id}, ${row.at})`.execute(trx);
}

export async function listHistory(executor: Executor, schema: string, blueprintId: string, recordId: string): Promise<HistoryRow[]> {
  const result = await sql<HistoryRow>`SELECT * FROM ${t(schema, 'automation_blueprint_history')}
    WHERE record_id = ${recordId} AND blueprint_id = ${blueprintId} ORDER BY at DESC, id DESC LIMIT 200`.execute(executor);
  return result.rows;
}
