import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';

/** SQL on `_duplicate_keys` and the moves of a merge (org schema). */
const keysTable = (schema: string) => sql.raw(`${quoteIdent(schema)}._duplicate_keys`);

/** Replaces the keys of the given records with `entries`. */
export async function replaceKeys(
  executor: Executor,
  schema: string,
  module: string,
  recordIds: string[],
  entries: Array<{ recordId: string; rule: string; key: string }>,
): Promise<void> {
  if (recordIds.length > 0) await sql`DELETE FROM ${keysTable(schema)} WHERE record_id = ANY(${recordIds}::uuid[])`.execute(executor);
  if (entries.length === 0) return;
  // One array per column: a batch of an import is a few parameters, not four per key.
  await sql`INSERT INTO ${keysTable(schema)} (module, record_id, rule, key)
    SELECT ${module}, * FROM unnest(${entries.map((e) => e.recordId)}::uuid[], ${entries.map((e) => e.rule)}::text[], ${entries.map((e) => e.key)}::text[])
    ON CONFLICT DO NOTHING`.execute(executor);
}

/** Live records of a module holding any of the keys (of the given owners when not null), with the rules they matched. */
export async function findByKeys(
  executor: Executor,
  input: {
    schema: string;
    table: string;
    module: string;
    keys: Array<{ rule: string; key: string }>;
    ownerIds: string[] | null;
    excludeIds: string[];
    limit: number;
  },
): Promise<Array<{ id: string; rules: string[] }>> {
  if (input.keys.length === 0) return [];
  const pairs = sql.join(input.keys.map((k) => sql`(${k.rule}::text, ${k.key}::text)`));
  const owners = input.ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${input.ownerIds}::uuid[])`;
  const excluded = input.excludeIds.length > 0 ? sql` AND r.id <> ALL(${input.excludeIds}::uuid[])` : sql``;
  const result = await sql<{ id: string; rules: string[] }>`
    SELECT k.record_id AS id, array_agg(DISTINCT k.rule ORDER BY k.rule) AS rules
    FROM ${keysTable(input.schema)} k JOIN ${sql.raw(qualifiedTable(input.schema, input.table))} r ON r.id = k.record_id
    WHERE k.module = ${input.module} AND (k.rule, k.key) IN (${pairs}) AND r.deleted_at IS NULL${owners}${excluded}
    GROUP BY k.record_id ORDER BY k.record_id LIMIT ${input.limit}`.execute(executor);
  return result.rows;
}

/** Every live record holding one of the keys (visible to the given owners), one row per record and key. */
export async function findKeyHolders(
  executor: Executor,
  input: { schema: string; table: string; module: string; keys: Array<{ rule: string; key: string }>; ownerIds: string[] | null },
): Promise<Array<{ id: string; rule: string; key: string }>> {
  if (input.keys.length === 0) return [];
  const owners = input.ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${input.ownerIds}::uuid[])`;
  const result = await sql<{ id: string; rule: string; key: string }>`
    SELECT k.record_id AS id, k.rule, k.key
    FROM ${keysTable(input.schema)} k JOIN ${sql.raw(qualifiedTable(input.schema, input.table))} r ON r.id = k.record_id
    WHERE k.key = ANY(${[...new Set(input.keys.map((k) => k.key))]}::text[]) AND k.module = ${input.module}
      AND r.deleted_at IS NULL${owners}`.execute(executor);
  // The index is on the key: the rule is matched here.
  const wanted = new Set(input.keys.map((k) => `${k.rule}\u0000${k.key}`));
  return result.rows.filter((row) => wanted.has(`${row.rule}\u0000${row.key}`));
}

/** Account names by id (for the name + company key of contacts and deals). */
export async function findAccountNames(executor: Executor, schema: string, table: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{
    id: string;
    name: string | null;
  }>`SELECT r.id, r.name FROM ${sql.raw(qualifiedTable(schema, table))} r WHERE r.id = ANY(${ids}::uuid[])`.execute(executor);
  return new Map(result.rows.filter((row) => row.name).map((row) => [row.id, row.name!]));
}

/** Points a lookup column at `masterId` wherever it points at one of `otherIds` (of polymorphic lookups: only when the type column names `module`). */
export async function moveLookups(
  executor: Executor,
  input: {
    schema: string;
    table: string;
    column: string;
    typeColumn?: string;
    module: string;
    masterId: string;
    otherIds: string[];
    now: Date;
    actorId: string;
  },
): Promise<string[]> {
  const type = input.typeColumn ? sql` AND ${sql.raw(`r.${quoteIdent(input.typeColumn)}`)} = ${input.module}` : sql``;
  const column = sql.raw(quoteIdent(input.column));
  const result = await sql<{ id: string }>`
    UPDATE ${sql.raw(qualifiedTable(input.schema, input.table))} AS r SET ${column} = ${input.masterId}, updated_at = ${input.now}, updated_by = ${input.actorId}
    WHERE ${sql.raw(`r.${quoteIdent(input.column)}`)} = ANY(${input.otherIds}::uuid[])${type} RETURNING r.id`.execute(executor);
  return result.rows.map((row) => row.id);
}

/** Moves the timeline entries, tags, follows and attached files of `otherIds` to `masterId` (a tag or follower both had stays once). */
export async function moveRecordExtras(
  executor: Executor,
  input: { orgId: string; schema: string; module: string; masterId: string; otherIds: string[] },
): Promise<void> {
  const { schema, module, masterId, otherIds } = input;
  await executor
    .updateTable('platform.files')
    .set({ record_id: masterId })
    .where('org_id', '=', input.orgId)
    .where('module', '=', module)
    .where('record_id', 'in', otherIds)
    .execute();
  const s = quoteIdent(schema);
  await sql`UPDATE ${sql.raw(`${s}._timeline`)} SET record_id = ${masterId}, module = ${module} WHERE record_id = ANY(${otherIds}::uuid[])`.execute(
    executor,
  );
  await sql`INSERT INTO ${sql.raw(`${s}._tags`)} (module, record_id, tag)
    SELECT ${module}, ${masterId}::uuid, tag FROM ${sql.raw(`${s}._tags`)} WHERE record_id = ANY(${otherIds}::uuid[]) ON CONFLICT DO NOTHING`.execute(
    executor,
  );
  await sql`DELETE FROM ${sql.raw(`${s}._tags`)} WHERE record_id = ANY(${otherIds}::uuid[])`.execute(executor);
  await sql`INSERT INTO ${sql.raw(`${s}._follows`)} (module, record_id, user_id, at)
    SELECT ${module}, ${masterId}::uuid, user_id, at FROM ${sql.raw(`${s}._follows`)} WHERE record_id = ANY(${otherIds}::uuid[]) ON CONFLICT DO NOTHING`.execute(
    executor,
  );
  await sql`DELETE FROM ${sql.raw(`${s}._follows`)} WHERE record_id = ANY(${otherIds}::uuid[])`.execute(executor);
}
