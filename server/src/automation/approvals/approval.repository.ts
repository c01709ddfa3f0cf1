import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';
import type { Action } from '../workflow/workflow.schemas.js';
import type { ApprovalStep, ApprovalTrigger } from './approval.schemas.js';

/** SQL on the approval tables of an organization's schema (org migration 0015-automation-approvals). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);
const json = (value: unknown) => sql`${value === null ? null : JSON.stringify(value)}::jsonb`;

export interface ProcessRow {
  id: string;
  name: string;
  description: string | null;
  module: string;
  trigger: ApprovalTrigger;
  criteria: Record<string, unknown> | null;
  steps: ApprovalStep[];
  on_approve: Action[];
  on_reject: Action[];
  enabled: boolean;
  owner_id: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export type ProcessValues = Omit<ProcessRow, 'id' | 'created_by' | 'created_at' | 'updated_at'>;

export type SubmissionStatus = 'pending' | 'approved' | 'rejected' | 'recalled';

export interface SubmissionRow {
  id: string;
  process_id: string;
  key: string;
  module: string;
  record_id: string;
  step: number;
  status: SubmissionStatus;
  submitted_by: string;
  submitted_at: Date;
  decided_at: Date | null;
}

export interface ApproverRow {
  submission_id: string;
  step: number;
  user_id: string;
  delegate_id: string | null;
  decision: 'approve' | 'reject' | null;
}

export type DecisionKind = 'submit' | 'approve' | 'reject' | 'recall' | 'skip';

export interface DecisionRow {
  id: string;
  submission_id: string;
  step: number;
  user_id: string | null;
  decision: DecisionKind;
  comment: string | null;
  delegated_from: string | null;
  at: Date;
}

export async function insertProcess(
  executor: Executor,
  schema: string,
  id: string,
  createdBy: string,
  values: ProcessValues,
): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_approval_processes')}
      (id, name, description, module, trigger, criteria, steps, on_approve, on_reject, enabled, owner_id, created_by)
    VALUES (${id}, ${values.name}, ${values.description}, ${values.module}, ${values.trigger}, ${json(values.criteria)},
      ${json(values.steps)}, ${json(values.on_approve)}, ${json(values.on_reject)}, ${values.enabled}, ${values.owner_id}, ${createdBy})`.execute(
    executor,
  );
}

export async function updateProcess(executor: Executor, schema: string, id: string, values: ProcessValues): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_approval_processes')} SET name = ${values.name}, description = ${values.description},
      module = ${values.module}, trigger = ${values.trigger}, criteria = ${json(values.criteria)}, steps = ${json(values.steps)},
      on_approve = ${json(values.on_approve)}, on_reject = ${json(values.on_reject)}, enabled = ${values.enabled},
      owner_id = ${values.owner_id}, updated_at = now()
    WHERE id = ${id}`.execute(executor);
}

/** Deletes a process with its submissions (cascade) and its execution log. */
export async function deleteProcess(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_approval_processes')} WHERE id = ${id}`.execute(executor);
  if (Number(result.numAffectedRows ?? 0) === 0) return false;
  await sql`DELETE FROM ${t(schema, 'automation_executions')} WHERE rule_id = ${id}`.execute(executor);
  return true;
}

export async function findProcess(executor: Executor, schema: string, id: string): Promise<ProcessRow | undefined> {
  const result = await sql<ProcessRow>`SELECT * FROM ${t(schema, 'automation_approval_processes')} WHERE id = ${id}`.execute(executor);
  return result.rows[0];
}

/** Processes by module, oldest first (the order automatic submission tries them in). */
export async function listProcesses(
  executor: Executor,
  schema: string,
  query: { module?: string; enabled?: boolean },
): Promise<ProcessRow[]> {
  const where = [sql<boolean>`true`];
  if (query.module) where.push(sql<boolean>`module = ${query.module}`);
  if (query.enabled) where.push(sql<boolean>`enabled`);
  const result = await sql<ProcessRow>`SELECT * FROM ${t(schema, 'automation_approval_processes')}
    WHERE ${sql.join(where, sql` AND `)} ORDER BY module, created_at, id LIMIT 500`.execute(executor);
  return result.rows;
}

/** Starts a submission; false when this key already submitted the record to this process (an event handled twice). */
export async function insertSubmission(trx: Trx, schema: string, row: Omit<SubmissionRow, 'decided_at'>): Promise<boolean> {
  const result = await sql`INSERT INTO ${t(schema, 'automation_approval_submissions')}
      (id, process_id, key, module, record_id, step, status, submitted_by, submitted_at)
    VALUES (${row.id}, ${row.process_id}, ${row.key}, ${row.module}, ${row.record_id}, ${row.step}, ${row.status}, ${row.submitted_by},
      ${row.submitted_at})
    ON CONFLICT (process_id, key) DO NOTHING`.execute(trx);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function findSubmission(
  executor: Executor,
  schema: string,
  id: string,
  forUpdate = false,
): Promise<SubmissionRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<SubmissionRow>`SELECT * FROM ${t(schema, 'automation_approval_submissions')} WHERE id = ${id}${lock}`.execute(
    executor,
  );
  return result.rows[0];
}

/** The pending submission of a record (at most one), if any. */
export async function findPending(executor: Executor, schema: string, recordId: string): Promise<SubmissionRow | undefined> {
  const result = await sql<SubmissionRow>`SELECT * FROM ${t(schema, 'automation_approval_submissions')}
    WHERE record_id = ${recordId} AND status = 'pending'`.execute(executor);
  return result.rows[0];
}

export async function listRecordSubmissions(executor: Executor, schema: string, recordId: string): Promise<SubmissionRow[]> {
  const result = await sql<SubmissionRow>`SELECT * FROM ${t(schema, 'automation_approval_submissions')}
    WHERE record_id = ${recordId} ORDER BY submitted_at DESC, id DESC LIMIT 50`.execute(executor);
  return result.rows;
}

/** Pending submissions whose current step waits for the user (as an approver, or as an approver's delegate). */
export async function listWaitingFor(executor: Executor, schema: string, userId: string, limit: number): Promise<SubmissionRow[]> {
  const result = await sql<SubmissionRow>`SELECT s.* FROM ${t(schema, 'automation_approval_submissions')} s
    WHERE s.status = 'pending' AND EXISTS (
      SELECT 1 FROM ${t(schema, 'automation_approval_approvers')} a
      WHERE a.submission_id = s.id AND a.step = s.step AND a.decision IS NULL AND (a.user_id = ${userId} OR a.delegate_id = ${userId}))
    ORDER BY s.submitted_at, s.id LIMIT ${limit}`.execute(executor);
  return result.rows;
}

export async function countWaitingFor(executor: Executor, schema: string, userId: string): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${t(schema, 'automation_approval_submissions')} s
    WHERE s.status = 'pending' AND EXISTS (
      SELECT 1 FROM ${t(schema, 'automation_approval_approvers')} a
      WHERE a.submission_id = s.id AND a.step = s.step AND a.decision IS NULL AND (a.user_id = ${userId} OR a.delegate_id = ${userId}))`.execute(
    executor,
  );
  return result.rows[0]?.n ?? 0;
}

export async function listSubmittedBy(executor: Executor, schema: string, userId: string, limit: number): Promise<SubmissionRow[]> {
  const result = await sql<SubmissionRow>`SELECT * FROM ${t(schema, 'automation_approval_submissions')}
    WHERE submitted_by = ${userId} ORDER BY submitted_at DESC, id DESC LIMIT ${limit}`.execute(executor);
  return result.rows;
}

export async function setSubmissionState(
  trx: Trx,
  schema: string,
  id: string,
  state: { step: number; status: SubmissionStatus; decided_at: Date | null },
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_approval_submissions')} SET step = ${state.step}, status = ${state.status},
    decided_at = ${state.decided_at} WHERE id = ${id}`.execute(trx);
}

export async function insertApprovers(trx: Trx, schema: string, rows: Array<Omit<ApproverRow, 'decision'>>): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => sql`(${row.submission_id}, ${row.step}, ${row.user_id}, ${row.delegate_id})`);
  await sql`INSERT INTO ${t(schema, 'automation_approval_approvers')} (submission_id, step, user_id, delegate_id)
    VALUES ${sql.join(values)} ON CONFLICT DO NOTHING`.execute(trx);
}

export async function listApprovers(executor: Executor, schema: string, submissionIds: string[]): Promise<ApproverRow[]> {
  if (submissionIds.length === 0) return [];
  const result = await sql<ApproverRow>`SELECT * FROM ${t(schema, 'automation_approval_approvers')}
    WHERE submission_id = ANY(${submissionIds}::uuid[]) ORDER BY submission_id, step, user_id`.execute(executor);
  return result.rows;
}

export async function setApproverDecision(
  trx: Trx,
  schema: string,
  key: { submissionId: string; step: number; userId: string },
  decision: 'approve' | 'reject',
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_approval_approvers')} SET decision = ${decision}
    WHERE submission_id = ${key.submissionId} AND step = ${key.step} AND user_id = ${key.userId}`.execute(trx);
}

export async function insertDecision(trx: Trx, schema: string, row: DecisionRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_approval_decisions')} (id, submission_id, step, user_id, decision, comment, delegated_from, at)
    VALUES (${row.id}, ${row.submission_id}, ${row.step}, ${row.user_id}, ${row.decision}, ${row.comment}, ${row.delegated_from}, ${row.at})`.execute(
    trx,
  );
}

export async function listDecisions(executor: Executor, schema: string, submissionIds: string[]): Promise<DecisionRow[]> {
  if (submissionIds.length === 0) return [];
  const result = await sql<DecisionRow>`SELECT * FROM ${t(schema, 'automation_approval_decisions')}
    WHERE submission_id = ANY(${submissionIds}::uuid[]) ORDER BY at, id`.execute(executor);
  return result.rows;
}

export async function insertLink(
  trx: Trx,
  schema: string,
  row: { token_hash: string; submission_id: string; step: number; user_id: string; expires_at: Date },
): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_approval_links')} (token_hash, submission_id, step, user_id, expires_at)
    VALUES (${row.token_hash}, ${row.submission_id}, ${row.step}, ${row.user_id}, ${row.expires_at})`.execute(trx);
}

export async function findLink(executor: Executor, schema: string, tokenHash: string, forUpdate = false) {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<{
    token_hash: string;
    submission_id: string;
    step: number;
    user_id: string;
    expires_at: Date;
    used_at: Date | null;
  }>`SELECT * FROM ${t(schema, 'automation_approval_links')} WHERE token_hash = ${tokenHash}${lock}`.execute(executor);
  return result.rows[0];
}

export async function useLink(trx: Trx, schema: string, tokenHash: string, now: Date): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_approval_links')} SET used_at = ${now} WHERE token_hash = ${tokenHash}`.execute(trx);
}

export interface DelegateRow {
  user_id: string;
  delegate_id: string;
  starts_on: string;
  ends_on: string;
}

const DELEGATE_COLUMNS = sql.raw(
  `user_id, delegate_id, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on`,
);

export async function findDelegate(executor: Executor, schema: string, userId: string): Promise<DelegateRow | undefined> {
  const result = await sql<DelegateRow>`SELECT ${DELEGATE_COLUMNS} FROM ${t(schema, 'automation_approval_delegates')}
    WHERE user_id = ${userId}`.execute(executor);
  return result.rows[0];
}

/** The delegates in force on a day for these users (user → delegate). */
export async function listDelegatesOn(executor: Executor, schema: string, userIds: string[], day: string): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const result = await sql<{ user_id: string; delegate_id: string }>`SELECT user_id, delegate_id
    FROM ${t(schema, 'automation_approval_delegates')}
    WHERE user_id = ANY(${userIds}::uuid[]) AND ${day}::date BETWEEN starts_on AND ends_on`.execute(executor);
  return new Map(result.rows.map((row) => [row.user_id, row.delegate_id]));
}

export async function upsertDelegate(executor: Executor, schema: string, row: DelegateRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_approval_delegates')} (user_id, delegate_id, starts_on, ends_on)
    VALUES (${row.user_id}, ${row.delegate_id}, ${row.starts_on}::date, ${row.ends_on}::date)
    ON CONFLICT (user_id) DO UPDATE SET delegate_id = excluded.delegate_id, starts_on = excluded.starts_on, ends_on = excluded.ends_on`.execute(
    executor,
  );
}

export async function deleteDelegate(executor: Executor, schema: string, userId: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_approval_delegates')} WHERE user_id = ${userId}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Names of users of the organization (any state), id → name. */
export async function findUserNames(executor: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{ id: string; name: string }>`SELECT id, name FROM platform.users
    WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[])`.execute(executor);
  return new Map(result.rows.map((row) => [row.id, row.name]));
}

/** The language each user reads mail in (their own, else the organization's). */
export async function findLanguages(executor: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{ id: string; language: string }>`SELECT u.id, coalesce(u.language, o.default_language) AS language
    FROM platform.users u JOIN platform.organizations o ON o.id = u.org_id
    WHERE u.org_id = ${orgId} AND u.id = ANY(${ids}::uuid[])`.execute(executor);
  return new Map(result.rows.map((row) => [row.id, row.language]));
}

/** The local date (YYYY-MM-DD) of a moment in a time zone. */
export async function localDate(executor: Executor, at: Date, timeZone: string): Promise<string> {
  const result = await sql<{
    day: string;
  }>`SELECT to_char((${at}::timestamptz AT TIME ZONE ${timeZone})::date, 'YYYY-MM-DD') AS day`.execute(executor);
  return result.rows[0]!.day;
}
