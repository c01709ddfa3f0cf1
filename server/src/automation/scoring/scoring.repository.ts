import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../../records/index.js';
import type { BreakdownItem, FieldRule, TouchpointRule } from './scoring.schemas.js';

/** SQL on the scoring tables of an organization's schema (org migration 0018-automation-scoring). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface ScoringRuleRow {
  id: string;
  module: string;
  name: string;
  active: boolean;
  field_rules: FieldRule[];
  touchpoint_rules: TouchpointRule[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export type RuleValues = Pick<ScoringRuleRow, 'name' | 'active' | 'field_rules' | 'touchpoint_rules'>;

export async function listRules(executor: Executor, schema: string, module?: string): Promise<ScoringRuleRow[]> {
  const where = module === undefined ? sql`` : sql`WHERE module = ${module}`;
  const result = await sql<ScoringRuleRow>`SELECT * FROM ${t(schema, 'automation_scoring_rules')} ${where}
    ORDER BY module, created_at, id LIMIT 500`.execute(executor);
  return result.rows;
}

/** The active rules of the organization, oldest first. */
export async function listActiveRules(executor: Executor, schema: string): Promise<ScoringRuleRow[]> {
  const result = await sql<ScoringRuleRow>`SELECT * FROM ${t(schema, 'automation_scoring_rules')} WHERE active
    ORDER BY module, created_at, id`.execute(executor);
  return result.rows;
}

export async function findRule(executor: Executor, schema: string, id: string, forUpdate = false): Promise<ScoringRuleRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<ScoringRuleRow>`SELECT * FROM ${t(schema, 'automation_scoring_rules')} WHERE id = ${id}${lock}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function insertRule(executor: Executor, schema: string, row: ScoringRuleRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_scoring_rules')}
      (id, module, name, active, field_rules, touchpoint_rules, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.module}, ${row.name}, ${row.active}, ${JSON.stringify(row.field_rules)}::jsonb,
      ${JSON.stringify(row.touchpoint_rules)}::jsonb, ${row.created_by}, ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateRule(executor: Executor, schema: string, id: string, values: RuleValues & { updated_at: Date }): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_scoring_rules')} SET name = ${values.name}, active = ${values.active},
      field_rules = ${JSON.stringify(values.field_rules)}::jsonb, touchpoint_rules = ${JSON.stringify(values.touchpoint_rules)}::jsonb,
      updated_at = ${values.updated_at}
    WHERE id = ${id}`.execute(executor);
}

export async function deleteRule(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_scoring_rules')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** A touchpoint entry's points ledger row. */
export interface LedgerRow {
  touchpoint_id: string;
  module: string;
  record_id: string;
  rule_id: string;
  entry_id: string;
  points: number;
}

/** Takes a touchpoint's rows out of the ledger; returns the records they scored. */
export async function clearTouchpoint(
  trx: Trx,
  schema: string,
  touchpointId: string,
): Promise<Array<{ module: string; record_id: string }>> {
  const result = await sql<{ module: string; record_id: string }>`DELETE FROM ${t(schema, 'automation_score_touchpoints')}
    WHERE touchpoint_id = ${touchpointId} RETURNING module, record_id`.execute(trx);
  return result.rows;
}

export async function insertLedger(trx: Trx, schema: string, rows: LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`INSERT INTO ${t(schema, 'automation_score_touchpoints')} (touchpoint_id, module, record_id, rule_id, entry_id, points)
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(touchpoint_id uuid, module text, record_id uuid, rule_id uuid, entry_id uuid, points int)
    ON CONFLICT DO NOTHING`.execute(trx);
}

/** A live touchpoint's links and which of the conditions it meets (undefined: gone or in the recycle bin). */
export async function touchpointHits(
  executor: Executor,
  schema: string,
  touchpointId: string,
  conditions: RawBuilder<boolean>[],
): Promise<{ links: Record<string, string | null>; hits: boolean[] } | undefined> {
  const tests =
    conditions.length === 0 ? sql`ARRAY[]::boolean[]` : sql`ARRAY[${sql.join(conditions.map((c) => sql`coalesce((${c}), false)`))}]`;
  const result = await sql<{
    lead_id: string | null;
    contact_id: string | null;
    account_id: string | null;
    deal_id: string | null;
    hits: boolean[];
  }>`
    SELECT r.lead_id, r.contact_id, r.account_id, r.deal_id, ${tests} AS hits
    FROM ${sql.raw(qualifiedTable(schema, 'touchpoints'))} r WHERE r.id = ${touchpointId} AND r.deleted_at IS NULL`.execute(executor);
  const row = result.rows[0];
  if (!row) return undefined;
  const { hits, ...links } = row;
  return { links, hits };
}

/**
 * Rebuilds the ledger of some records of a module from their live touchpoints (recalculation): their rows go, and
 * each touchpoint entry gets one row per touchpoint linked through `link` that meets its condition.
 */
export async function rebuildLedger(
  trx: Trx,
  schema: string,
  target: { module: string; link: string; ids: string[] },
  entries: Array<{ ruleId: string; entryId: string; points: number; condition: RawBuilder<boolean> }>,
): Promise<void> {
  await sql`DELETE FROM ${t(schema, 'automation_score_touchpoints')}
    WHERE module = ${target.module} AND record_id = ANY(${target.ids}::uuid[])`.execute(trx);
  const link = sql.raw(`r.${quoteIdent(target.link)}`);
  for (const entry of entries)
    await sql`INSERT INTO ${t(schema, 'automation_score_touchpoints')} (touchpoint_id, module, record_id, rule_id, entry_id, points)
      SELECT r.id, ${target.module}, ${link}, ${entry.ruleId}, ${entry.entryId}, ${entry.points}
      FROM ${sql.raw(qualifiedTable(schema, 'touchpoints'))} r
      WHERE r.deleted_at IS NULL AND ${link} = ANY(${target.ids}::uuid[]) AND coalesce((${entry.condition}), false)
      ON CONFLICT DO NOTHING`.execute(trx);
}

export interface EvaluatedRow {
  id: string;
  score: number | null;
  hits: boolean[];
  touch: Array<{ rule_id: string; entry_id: string; n: number; total: number }>;
}

/** Live records of a module: their stored score, which conditions they meet, and their ledger by entry. */
export async function evaluateRecords(
  executor: Executor,
  schema: string,
  target: { module: string; table: string; ids: string[] },
  conditions: RawBuilder<boolean>[],
): Promise<EvaluatedRow[]> {
  if (target.ids.length === 0) return [];
  const tests =
    conditions.length === 0 ? sql`ARRAY[]::boolean[]` : sql`ARRAY[${sql.join(conditions.map((c) => sql`coalesce((${c}), false)`))}]`;
  const result = await sql<EvaluatedRow>`
    SELECT r.id, r.score, ${tests} AS hits,
      coalesce((SELECT jsonb_agg(jsonb_build_object('rule_id', l.rule_id, 'entry_id', l.entry_id, 'n', l.n, 'total', l.total))
        FROM (SELECT rule_id, entry_id, count(*)::int AS n, sum(points)::int AS total FROM ${t(schema, 'automation_score_touchpoints')}
              WHERE module = ${target.module} AND record_id = r.id GROUP BY rule_id, entry_id) l), '[]'::jsonb) AS touch
    FROM ${sql.raw(qualifiedTable(schema, target.table))} r
    WHERE r.id = ANY(${target.ids}::uuid[]) AND r.deleted_at IS NULL ORDER BY r.id`.execute(executor);
  return result.rows;
}

/** The next ids of a module's live records after `after` (recalculation chunks, in id order). */
export async function nextRecordIds(
  executor: Executor,
  schema: string,
  table: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const from = after === null ? sql`` : sql`AND r.id > ${after}`;
  const result = await sql<{ id: string }>`SELECT r.id FROM ${sql.raw(qualifiedTable(schema, table))} r
    WHERE r.deleted_at IS NULL ${from} ORDER BY r.id LIMIT ${limit}`.execute(executor);
  return result.rows.map((row) => row.id);
}

export interface RunRow {
  id: string;
  key: string;
  module: string;
  record_id: string;
  trigger: string;
  depth: number;
  status: 'done' | 'unchanged' | 'stopped';
  score_before: number | null;
  score_after: number | null;
  breakdown: BreakdownItem[];
  reason: string | null;
  duration_ms: number | null;
  created_at: Date;
}

/** Logs scorings of records, each under its idempotency key; a key that already scored its record is left alone (a second delivery). */
export async function insertRuns(trx: Trx, schema: string, rows: Array<Omit<RunRow, 'created_at'>>): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    const values = rows.slice(start, start + 1000).map(
      (row) =>
        sql`(${row.id}::uuid, ${row.key}, ${row.module}, ${row.record_id}::uuid, ${row.trigger}, ${row.depth}::int, ${row.status},
            ${row.score_before}::int, ${row.score_after}::int, ${JSON.stringify(row.breakdown)}::jsonb, ${row.reason}, ${row.duration_ms}::int)`,
    );
    await sql`INSERT INTO ${t(schema, 'automation_scoring_runs')}
        (id, key, module, record_id, trigger, depth, status, score_before, score_after, breakdown, reason, duration_ms)
      VALUES ${sql.join(values)} ON CONFLICT (key, module, record_id) DO NOTHING`.execute(trx);
  }
}

/** Which (key, record) pairs of a module were already scored: `key:record_id` of each. */
export async function existingRuns(
  executor: Executor,
  schema: string,
  module: string,
  pairs: Array<{ key: string; recordId: string }>,
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const result = await sql<{ key: string; record_id: string }>`SELECT r.key, r.record_id FROM ${t(schema, 'automation_scoring_runs')} r
    JOIN unnest(${pairs.map((pair) => pair.key)}::text[], ${pairs.map((pair) => pair.recordId)}::uuid[]) AS p(key, record_id)
      ON r.key = p.key AND r.record_id = p.record_id
    WHERE r.module = ${module}`.execute(executor);
  return new Set(result.rows.map((row) => `${row.key}:${row.record_id}`));
}

export async function listRuns(
  executor: Executor,
  schema: string,
  query: { module?: string; recordId?: string; limit: number },
): Promise<RunRow[]> {
  const where: RawBuilder<boolean>[] = [sql<boolean>`true`];
  if (query.module) where.push(sql<boolean>`module = ${query.module}`);
  if (query.recordId) where.push(sql<boolean>`record_id = ${query.recordId}`);
  const result = await sql<RunRow>`SELECT * FROM ${t(schema, 'automation_scoring_runs')} WHERE ${sql.join(where, sql` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`.execute(executor);
  return result.rows;
}
