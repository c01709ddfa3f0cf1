import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../../records/index.js';
import type { ScheduleAction } from './schedule.schemas.js';

/** SQL on the schedule tables of an organization's schema (org migration 0019-automation-functions). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface ScheduleRow {
  id: string;
  name: string;
  enabled: boolean;
  frequency: 'once' | 'daily' | 'weekly' | 'monthly';
  run_on: string | null;
  time: string;
  weekdays: number[];
  month_day: number | null;
  module: string | null;
  criteria: unknown;
  function_id: string | null;
  actions: ScheduleAction[];
  owner_id: string;
  next_run_at: Date | null;
  last_run_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ScheduleRunRow {
  id: string;
  schedule_id: string;
  due_at: Date;
  manual: boolean;
  status: 'running' | 'done' | 'failed';
  matched: number;
  succeeded: number;
  failed: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const COLUMNS = sql.raw(`id, name, enabled, frequency, to_char(run_on, 'YYYY-MM-DD') AS run_on, time, weekdays, month_day, module,
  criteria, function_id, actions, owner_id, next_run_at, last_run_at, created_by, created_at, updated_at`);

export async function listSchedules(executor: Executor, schema: string): Promise<ScheduleRow[]> {
  const result = await sql<ScheduleRow>`SELECT ${COLUMNS} FROM ${t(schema, 'automation_schedules')}
    ORDER BY lower(name), id LIMIT 500`.execute(executor);
  return result.rows;
}

export async function findSchedule(executor: Executor, schema: string, id: string, forUpdate = false): Promise<ScheduleRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<ScheduleRow>`SELECT ${COLUMNS} FROM ${t(schema, 'automation_schedules')} WHERE id = ${id}${lock}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function saveSchedule(executor: Executor, schema: string, row: ScheduleRow, insert: boolean): Promise<void> {
  const values = sql`${row.id}, ${row.name}, ${row.enabled}, ${row.frequency}, ${row.run_on}::date, ${row.time}, ${row.weekdays}::int[],
    ${row.month_day}, ${row.module}, ${row.criteria === null ? null : JSON.stringify(row.criteria)}::jsonb, ${row.function_id},
    ${JSON.stringify(row.actions)}::jsonb, ${row.owner_id}, ${row.next_run_at}, ${row.last_run_at}, ${row.created_by}, ${row.created_at},
    ${row.updated_at}`;
  if (insert)
    await sql`INSERT INTO ${t(schema, 'automation_schedules')} (id, name, enabled, frequency, run_on, time, weekdays, month_day, module,
      criteria, function_id, actions, owner_id, next_run_at, last_run_at, created_by, created_at, updated_at) VALUES (${values})`.execute(
      executor,
    );
  else
    await sql`UPDATE ${t(schema, 'automation_schedules')} SET (id, name, enabled, frequency, run_on, time, weekdays, month_day, module,
      criteria, function_id, actions, owner_id, next_run_at, last_run_at, created_by, created_at, updated_at) = (${values})
      WHERE id = ${row.id}`.execute(executor);
}

export async function deleteSchedule(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_schedules')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Enabled schedules due at `now`, locked (another node skips them). */
export async function lockDueSchedules(trx: Trx, schema: string, now: Date, limit: number): Promise<ScheduleRow[]> {
  const result = await sql<ScheduleRow>`SELECT ${COLUMNS} FROM ${t(schema, 'automation_schedules')}
    WHERE enabled AND next_run_at <= ${now} ORDER BY next_run_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(trx);
  return result.rows;
}

export async function setNextRun(trx: Trx, schema: string, id: string, next: Date | null, last: Date | null): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_schedules')} SET next_run_at = ${next}, last_run_at = coalesce(${last}, last_run_at)
    WHERE id = ${id}`.execute(trx);
}

/** A run of a schedule for a due time; undefined when that due time has one already. */
export async function insertRun(
  trx: Trx,
  schema: string,
  row: Pick<ScheduleRunRow, 'id' | 'schedule_id' | 'due_at' | 'manual' | 'started_at'>,
) {
  const result = await sql<{
    id: string;
  }>`INSERT INTO ${t(schema, 'automation_schedule_runs')} (id, schedule_id, due_at, manual, status, started_at)
    VALUES (${row.id}, ${row.schedule_id}, ${row.due_at}, ${row.manual}, 'running', ${row.started_at})
    ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING id`.execute(trx);
  return result.rows[0]?.id;
}

export async function findRun(executor: Executor, schema: string, id: string): Promise<ScheduleRunRow | undefined> {
  const result = await sql<ScheduleRunRow>`SELECT * FROM ${t(schema, 'automation_schedule_runs')} WHERE id = ${id}`.execute(executor);
  return result.rows[0];
}

export async function listRuns(executor: Executor, schema: string, scheduleId: string, limit: number): Promise<ScheduleRunRow[]> {
  const result = await sql<ScheduleRunRow>`SELECT * FROM ${t(schema, 'automation_schedule_runs')} WHERE schedule_id = ${scheduleId}
    ORDER BY started_at DESC, id DESC LIMIT ${limit}`.execute(executor);
  return result.rows;
}

/** The next live records of the run matching `condition` that it has not handled yet, by id. */
export async function nextRecords(
  executor: Executor,
  input: { schema: string; table: string; runId: string; condition: RawBuilder<boolean>; limit: number },
): Promise<string[]> {
  const items = t(input.schema, 'automation_schedule_items');
  const result = await sql<{ id: string }>`SELECT r.id FROM ${sql.raw(qualifiedTable(input.schema, input.table))} r
    WHERE r.deleted_at IS NULL AND ${input.condition}
      AND NOT EXISTS (SELECT 1 FROM ${items} i WHERE i.run_id = ${input.runId} AND i.record_id = r.id)
    ORDER BY r.id LIMIT ${input.limit}`.execute(executor);
  return result.rows.map((row) => row.id);
}

/** Claims a record for a run in the chunk's transaction: false when the run handled it already. */
export async function claimItem(trx: Trx, schema: string, runId: string, recordId: string): Promise<boolean> {
  const result = await sql`INSERT INTO ${t(schema, 'automation_schedule_items')} (run_id, record_id, status)
    VALUES (${runId}, ${recordId}, 'done') ON CONFLICT DO NOTHING RETURNING record_id`.execute(trx);
  return result.rows.length > 0;
}

export async function failItem(trx: Trx, schema: string, runId: string, recordId: string, error: string): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_schedule_items')} SET status = 'failed', error = ${error}
    WHERE run_id = ${runId} AND record_id = ${recordId}`.execute(trx);
}

/** Closes a run with its counts (from its items). */
export async function finishRun(executor: Executor, schema: string, runId: string, finishedAt: Date, error: string | null): Promise<void> {
  const items = t(schema, 'automation_schedule_items');
  await sql`UPDATE ${t(schema, 'automation_schedule_runs')} SET
      matched = (SELECT count(*) FROM ${items} WHERE run_id = ${runId}),
      succeeded = (SELECT count(*) FROM ${items} WHERE run_id = ${runId} AND status = 'done'),
      failed = (SELECT count(*) FROM ${items} WHERE run_id = ${runId} AND status = 'failed'),
      status = CASE WHEN ${error}::text IS NULL THEN 'done' ELSE 'failed' END, error = ${error}, finished_at = ${finishedAt}
    WHERE id = ${runId}`.execute(executor);
}

export async function listOrganizations(executor: Executor): Promise<Array<{ id: string; schema_name: string; time_zone: string }>> {
  const result = await sql<{ id: string; schema_name: string; time_zone: string }>`SELECT id, schema_name, time_zone
    FROM platform.organizations ORDER BY id`.execute(executor);
  return result.rows;
}
