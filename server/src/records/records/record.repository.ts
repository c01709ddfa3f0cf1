import { sql, type RawBuilder } from 'kysely';
import crypto from 'node:crypto';
import type { Database, Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';

/**
 * SQL on the record tables of an organization's schema. Table and column
 * names come from metadata (checked API names) and are quoted; values are
 * always parameters.
 */
export type RecordRow = Record<string, unknown> & { id: string; owner_id: string };

const columnList = (columns: readonly string[], alias = 'r') => sql.raw(columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', '));
const table = (schema: string, name: string) => sql.raw(qualifiedTable(schema, name));

export interface SelectRecords {
  schema: string;
  table: string;
  columns: readonly string[];
  /** More expressions to select, by alias (display names of lookups…). */
  extra?: Array<{ alias: string; expression: RawBuilder<unknown> }>;
  where: Array<RawBuilder<boolean>>;
  orderBy?: RawBuilder<unknown>;
  limit?: number;
  forUpdate?: boolean;
}

const whereSql = (where: Array<RawBuilder<boolean>>) => (where.length === 0 ? sql`true` : sql.join(where, sql` AND `));

function selectSql(query: SelectRecords) {
  const order = query.orderBy ? sql` ORDER BY ${query.orderBy}` : sql``;
  const limit = query.limit !== undefined ? sql` LIMIT ${query.limit}` : sql``;
  const lock = query.forUpdate ? sql` FOR UPDATE` : sql``;
  const extra = (query.extra ?? []).map((e) => sql`, ${e.expression} AS ${sql.raw(quoteIdent(e.alias))}`);
  return sql<RecordRow>`SELECT ${columnList(query.columns)}${sql.join(extra, sql``)} FROM ${table(query.schema, query.table)} r WHERE ${whereSql(query.where)}${order}${limit}${lock}`;
}

export async function selectRecords(executor: Executor, query: SelectRecords): Promise<RecordRow[]> {
  return (await selectSql(query).execute(executor)).rows;
}

/**
 * The same query as a named prepared statement (parsed and planned once per
 * connection): for the hottest reads, outside transactions. The name comes
 * from the SQL text, so each distinct shape is one statement.
 */
export async function selectRecordsPrepared(database: Database, query: SelectRecords): Promise<RecordRow[]> {
  const compiled = selectSql(query).compile(database.db);
  const name = `rec_${crypto.createHash('sha1').update(compiled.sql).digest('hex').slice(0, 20)}`;
  return (await database.query<RecordRow>(compiled.sql, [...compiled.parameters], { name })).rows;
}

/**
 * How many rows match: exact up to `cap`, beyond that the planner's estimate
 * (counting a million rows for a list header is not worth the wait). When the
 * planner expects far more than the cap, its estimate is taken without
 * counting the first `cap` rows (that alone reads tens of thousands of rows);
 * near or under the cap, the rows are counted.
 */
export async function countRecords(
  executor: Executor,
  query: Pick<SelectRecords, 'schema' | 'table' | 'where'>,
  cap: number,
): Promise<{ value: number; exact: boolean }> {
  const from = sql`FROM ${table(query.schema, query.table)} r WHERE ${whereSql(query.where)}`;
  const plan = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`.execute(
    executor,
  );
  const estimate = Math.round(plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  if (estimate > cap * ESTIMATE_TRUSTED_BEYOND) return { value: estimate, exact: false };
  const counted = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 ${from} LIMIT ${cap + 1}) capped`.execute(executor);
  const n = counted.rows[0]?.n ?? 0;
  if (n <= cap) return { value: n, exact: true };
  return { value: Math.max(cap + 1, estimate), exact: false };
}

/** How far beyond the exact-count cap the planner's estimate is taken as it is (estimates can be off by a few times). */
const ESTIMATE_TRUSTED_BEYOND = 5;

/** Inserts rows (each an object over `columns`) in one statement and returns `returning` of each, in order. */
/**
 * Inserts rows (each an object over `columns`) in one statement and returns
 * `returning` of each. With the columns' SQL types, and none of them an array,
 * the values travel as one array per column (`unnest`): a few parameters
 * instead of rows × columns, which PostgreSQL parses and plans much faster.
 */
export async function insertRecords(
  executor: Executor,
  schema: string,
  tableName: string,
  columns: readonly string[],
  rows: Array<Record<string, unknown>>,
  returning: readonly string[],
  columnTypes?: Readonly<Record<string, string>>,
): Promise<RecordRow[]> {
  if (rows.length === 0) return [];
  const target = sql`INSERT INTO ${table(schema, tableName)} AS r (${sql.raw(columns.map(quoteIdent).join(', '))})`;
  const valueOf = (row: Record<string, unknown>, column: string) => (row[column] === undefined ? null : row[column]);
  let source;
  if (rows.length > 1 && columnTypes && columns.every((c) => columnTypes[c] && !columnTypes[c]!.endsWith('[]'))) {
    const arrays = columns.map((c) => sql`${rows.map((row) => valueOf(row, c))}::${sql.raw(`${columnTypes[c]}[]`)}`);
    source = sql`SELECT * FROM unnest(${sql.join(arrays)})`;
  } else {
    source = sql`VALUES ${sql.join(rows.map((row) => sql`(${sql.join(columns.map((c) => valueOf(row, c)))})`))}`;
  }
  const result = await sql<RecordRow>`${target} ${source} RETURNING ${columnList(returning)}`.execute(executor);
  return result.rows;
}

export async function updateRecord(
  executor: Executor,
  schema: string,
  tableName: string,
  id: string,
  set: Record<string, unknown>,
  returning: readonly string[],
): Promise<RecordRow | undefined> {
  const assignments = Object.entries(set).map(([column, value]) => sql`${sql.raw(quoteIdent(column))} = ${value}`);
  const result =
    await sql<RecordRow>`UPDATE ${table(schema, tableName)} AS r SET ${sql.join(assignments)} WHERE r.id = ${id} RETURNING ${columnList(returning)}`.execute(
      executor,
    );
  return result.rows[0];
}

/**
 * Updates many records in one statement: `common` is set on all of them, and each row's own `values` over `columns`
 * (SQL types in `columnTypes`, none an array) travel as one array per column. Returns `returning` of each.
 */
export async function updateRecords(
  executor: Executor,
  schema: string,
  tableName: string,
  rows: Array<{ id: string; values: Record<string, unknown> }>,
  columns: readonly string[],
  columnTypes: Readonly<Record<string, string>>,
  common: Record<string, unknown>,
  returning: readonly string[],
): Promise<RecordRow[]> {
  if (rows.length === 0) return [];
  const arrays = [
    sql`${rows.map((row) => row.id)}::uuid[]`,
    ...columns.map((column) => sql`${rows.map((row) => row.values[column] ?? null)}::${sql.raw(columnTypes[column]!)}[]`),
  ];
  const names = ['id', ...columns].map((column) => sql.raw(quoteIdent(column)));
  const assignments = [
    ...columns.map((column) => sql`${sql.raw(quoteIdent(column))} = v.${sql.raw(quoteIdent(column))}`),
    ...Object.entries(common).map(([column, value]) => sql`${sql.raw(quoteIdent(column))} = ${value}`),
  ];
  const result = await sql<RecordRow>`UPDATE ${table(schema, tableName)} AS r SET ${sql.join(assignments)}
    FROM unnest(${sql.join(arrays)}) AS v(${sql.join(names)}) WHERE r.id = v.id RETURNING ${columnList(returning, 'r')}`.execute(executor);
  return result.rows;
}

/** The ids among `ids` of live records (optionally only those of the given owners). */
export async function findExistingIds(
  executor: Executor,
  schema: string,
  tableName: string,
  ids: string[],
  ownerIds: string[] | null,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const owners = ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${ownerIds}::uuid[])`;
  const result = await sql<{
    id: string;
  }>`SELECT r.id FROM ${table(schema, tableName)} r WHERE r.id = ANY(${ids}::uuid[]) AND r.deleted_at IS NULL${owners}`.execute(executor);
  return new Set(result.rows.map((row) => row.id));
}

/** Names of records (their display fields joined by a space), by id. */
export async function findDisplayNames(
  executor: Executor,
  schema: string,
  tableName: string,
  displayFields: readonly string[],
  ids: string[],
): Promise<Array<{ id: string; name: string | null }>> {
  if (ids.length === 0 || displayFields.length === 0) return [];
  const name = sql.raw(`concat_ws(' ', ${displayFields.map((f) => `r.${quoteIdent(f)}::text`).join(', ')})`);
  const result = await sql<{
    id: string;
    name: string | null;
  }>`SELECT r.id, ${name} AS name FROM ${table(schema, tableName)} r WHERE r.id = ANY(${ids}::uuid[])`.execute(executor);
  return result.rows;
}

export async function findUserNames(executor: Executor, orgId: string, ids: string[]): Promise<Array<{ id: string; name: string }>> {
  if (ids.length === 0) return [];
  return executor.selectFrom('platform.users').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

/** Active users of the organization among `ids`. */
export async function findActiveUserIds(executor: Executor, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await executor
    .selectFrom('platform.users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('active', '=', true)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Takes `count` numbers of an auto-number field at once: returns the first. */
export async function takeCounterNumbers(executor: Executor, schema: string, name: string, start: number, count: number): Promise<number> {
  const counters = sql.raw(`${quoteIdent(schema)}._counters`);
  const result = await sql<{ value: number }>`
    INSERT INTO ${counters} AS c (name, value) VALUES (${name}, ${start + count - 1})
    ON CONFLICT (name) DO UPDATE SET value = c.value + ${count} RETURNING value`.execute(executor);
  return Number(result.rows[0]!.value) - count + 1;
}

export interface TimelineEntry {
  id: string;
  module: string;
  record_id: string;
  kind: string;
  actor_id: string | null;
  at?: Date;
  data: Record<string, unknown>;
}

export async function insertTimeline(executor: Executor, schema: string, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(
    (e) => sql`(${e.id}, ${e.module}, ${e.record_id}, ${e.kind}, ${e.actor_id}, ${e.at ?? sql`now()`}, ${JSON.stringify(e.data)}::jsonb)`,
  );
  await sql`INSERT INTO ${sql.raw(`${quoteIdent(schema)}._timeline`)} (id, module, record_id, kind, actor_id, at, data) VALUES ${sql.join(rows)}`.execute(
    executor,
  );
}

export async function listTimeline(
  executor: Executor,
  schema: string,
  recordId: string,
  limit: number,
  after?: { at: string; id: string },
): Promise<Array<TimelineEntry & { at: Date }>> {
  const position = after ? sql` AND (t.at, t.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await sql<TimelineEntry & { at: Date }>`
    SELECT t.id, t.module, t.record_id, t.kind, t.actor_id, t.at, t.data FROM ${sql.raw(`${quoteIdent(schema)}._timeline`)} t
    WHERE t.record_id = ${recordId}${position} ORDER BY t.at DESC, t.id DESC LIMIT ${limit}`.execute(executor);
  return result.rows;
}
