import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';

/** SQL on report_schedules (org migration 0016-reports) and report_schedule_runs (0020-report-schedules). */
const t = (schema: string, table: 'report_schedules' | 'report_schedule_runs') => sql.raw(`${quoteIdent(schema)}.${table}`);

export interface ReportScheduleRow {
  id: string;
  report_id: string;
  frequency: 'daily' | 'weekly' | 'monthly';
  time: string;
  weekday: number | null;
  month_day: number | null;
  format: 'csv' | 'xlsx' | 'pdf';
  recipients: { users: string[]; roles: string[]; groups: string[] };
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_error: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ReportScheduleRunRow {
  id: string;
  schedule_id: string;
  due_at: Date;
  status: 'pending' | 'sent' | 'failed';
}

export async function listSchedules(executor: Executor, schema: string, reportId: string): Promise<ReportScheduleRow[]> {
  const result = await sql<ReportScheduleRow>`SELECT * FROM ${t(schema, 'report_schedules')} WHERE report_id = ${reportId}
    ORDER BY created_at, id`.execute(executor);
  return result.rows;
}

export async function findSchedule(
  executor: Executor,
  schema: string,
  id: string,
  forUpdate = false,
): Promise<ReportScheduleRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<ReportScheduleRow>`SELECT * FROM ${t(schema, 'report_schedules')} WHERE id = ${id}${lock}`.execute(executor);
  return result.rows[0];
}

export async function insertSchedule(executor: Executor, schema: string, row: ReportScheduleRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'report_schedules')} (id, report_id, frequency, time, weekday, month_day, format, recipients,
      next_run_at, last_run_at, last_error, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.report_id}, ${row.frequency}, ${row.time}, ${row.weekday}, ${row.month_day}, ${row.format},
      ${JSON.stringify(row.recipients)}::jsonb, ${row.next_run_at}, ${row.last_run_at}, ${row.last_error}, ${row.created_by},
      ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateSchedule(executor: Executor, schema: string, row: ReportScheduleRow): Promise<void> {
  await sql`UPDATE ${t(schema, 'report_schedules')} SET frequency = ${row.frequency}, time = ${row.time}, weekday = ${row.weekday},
    month_day = ${row.month_day}, format = ${row.format}, recipients = ${JSON.stringify(row.recipients)}::jsonb,
    next_run_at = ${row.next_run_at}, updated_at = ${row.updated_at} WHERE id = ${row.id}`.execute(executor);
}

export async function deleteSchedule(executor: Executor, schema: string, id: string): Promise<void> {
  await sql`DELETE FROM ${t(schema, 'report_schedules')} WHERE id = ${id}`.execute(executor);
}

/** Schedules due now, locked so that two ticks (or two nodes) never take the same one. */
export async function lockDueSchedules(trx: Trx, schema: string, now: Date, limit: number): Promise<ReportScheduleRow[]> {
  const result = await sql<ReportScheduleRow>`SELECT * FROM ${t(schema, 'report_schedules')}
    WHERE next_run_at <= ${now} ORDER BY next_run_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(trx);
  return result.rows;
}

export async function setNextRun(trx: Trx, schema: string, id: string, next: Date | null): Promise<void> {
  await sql`UPDATE ${t(schema, 'report_schedules')} SET next_run_at = ${next} WHERE id = ${id}`.execute(trx);
}

/** A run for a due time; undefined when that due time has one already. */
export async function insertRun(
  trx: Trx,
  schema: string,
  row: { id: string; schedule_id: string; due_at: Date },
): Promise<string | undefined> {
  const result = await sql<{ id: string }>`INSERT INTO ${t(schema, 'report_schedule_runs')} (id, schedule_id, due_at)
    VALUES (${row.id}, ${row.schedule_id}, ${row.due_at}) ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING id`.execute(trx);
  return result.rows[0]?.id;
}

export async function findRun(executor: Executor, schema: string, id: string): Promise<ReportScheduleRunRow | undefined> {
  const result = await sql<ReportScheduleRunRow>`SELECT id, schedule_id, due_at, status FROM ${t(schema, 'report_schedule_runs')}
    WHERE id = ${id}`.execute(executor);
  return result.rows[0];
}

/** Takes a pending run for mailing: false when it is done or another job took it less than 10 minutes ago. */
export async function claimRun(executor: Executor, schema: string, id: string, now: Date): Promise<boolean> {
  const result = await sql<{ id: string }>`UPDATE ${t(schema, 'report_schedule_runs')} SET claimed_at = ${now}
    WHERE id = ${id} AND status = 'pending' AND (claimed_at IS NULL OR claimed_at < ${now}::timestamptz - interval '10 minutes')
    RETURNING id`.execute(executor);
  return result.rows.length > 0;
}

/** Records how a run ended on the run and on its schedule (last run, last error). */
export async function finishRun(
  executor: Executor,
  schema: string,
  run: ReportScheduleRunRow,
  outcome: { at: Date; error: string | null; recipients: number },
): Promise<void> {
  await sql`UPDATE ${t(schema, 'report_schedule_runs')} SET status = ${outcome.error ? 'failed' : 'sent'}, error = ${outcome.error},
    recipients = ${outcome.recipients}, finished_at = ${outcome.at} WHERE id = ${run.id}`.execute(executor);
  await sql`UPDATE ${t(schema, 'report_schedules')} SET last_run_at = ${outcome.at}, last_error = ${outcome.error}
    WHERE id = ${run.schedule_id}`.execute(executor);
}

/**
 * The primary addresses of the active users of the organization among these users, the users of these roles and the
 * effective members of these groups (nested groups followed; UNION stops at cycles), each once.
 */
export async function listRecipientEmails(
  executor: Executor,
  orgId: string,
  recipients: { users: string[]; roles: string[]; groups: string[] },
): Promise<string[]> {
  const result = await sql<{ email: string }>`
    WITH RECURSIVE member_groups AS (
      SELECT g.id FROM platform.groups g WHERE g.org_id = ${orgId} AND g.id = ANY(${recipients.groups}::uuid[])
      UNION
      SELECT gm.member_id FROM platform.group_members gm JOIN member_groups mg ON gm.group_id = mg.id WHERE gm.member_type = 'group'
    ),
    chosen_users AS (
      SELECT u.id FROM platform.users u
      WHERE u.id = ANY(${recipients.users}::uuid[]) OR u.role_id = ANY(${recipients.roles}::uuid[])
      UNION
      SELECT gm.member_id FROM platform.group_members gm WHERE gm.member_type = 'user' AND gm.group_id IN (SELECT id FROM member_groups)
      UNION
      SELECT u.id FROM platform.users u JOIN platform.group_members gm ON gm.member_type = 'role' AND gm.member_id = u.role_id
      WHERE gm.group_id IN (SELECT id FROM member_groups)
    )
    SELECT DISTINCT e.email FROM platform.users u
    JOIN platform.user_emails e ON e.user_id = u.id AND e.is_primary
    WHERE u.org_id = ${orgId} AND u.active AND u.id IN (SELECT id FROM chosen_users)
    ORDER BY e.email`.execute(executor);
  return result.rows.map((row) => row.email);
}
