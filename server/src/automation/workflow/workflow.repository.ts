import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { newId } from '../../platform/ids.js';
import { afterKeyset, keysetTimestamp } from '../../db/keyset.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { quoteIdent, qualifiedTable, selectRecords, type ModuleMeta, type RecordRow } from '../../records/index.js';
import type { Action, ScheduledActions, Trigger } from './workflow.schemas.js';

/** SQL on the workflow tables of an organization's schema (org migration 0013-automation-workflow). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface RuleRow {
  id: string;
  name: string;
  description: string | null;
  module: string;
  trigger: Trigger;
  trigger_field: string | null;
  criteria: Record<string, unknown> | null;
  actions: Action[];
  scheduled: ScheduledActions[];
  enabled: boolean;
  owner_id: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ActionOutcome {
  type: string;
  status: string;
  detail?: Record<string, unknown>;
  durationMs?: number;
  error?: string;
}

export type ExecutionStatus = 'running' | 'done' | 'failed' | 'skipped' | 'stopped';

export interface ExecutionRow {
  id: string;
  rule_id: string;
  key: string;
  module: string;
  record_id: string;
  trigger: string;
  depth: number;
  matched: boolean | null;
  status: ExecutionStatus;
  reason: string | null;
  actions: ActionOutcome[];
  duration_ms: number | null;
  error: string | null;
  created_at: Date;
  position: string;
}

const RULE_COLUMNS = sql.raw(
  'id, name, description, module, trigger, trigger_field, criteria, actions, scheduled, enabled, owner_id, created_by, created_at, updated_at',
);

export interface RuleValues {
  name: string;
  description: string | null;
  module: string;
  trigger: Trigger;
  trigger_field: string | null;
  criteria: Record<string, unknown> | null;
  actions: Action[];
  scheduled: ScheduledActions[];
  enabled: boolean;
  owner_id: string;
}

export async function insertRule(executor: Executor, schema: string, id: string, createdBy: string, values: RuleValues): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_workflow_rules')}
      (id, name, description, module, trigger, trigger_field, criteria, actions, scheduled, enabled, owner_id, created_by)
    VALUES (${id}, ${values.name}, ${values.description}, ${values.module}, ${values.trigger}, ${values.trigger_field},
      ${values.criteria === null ? null : JSON.stringify(values.criteria)}::jsonb, ${JSON.stringify(values.actions)}::jsonb,
      ${JSON.stringify(values.scheduled)}::jsonb, ${values.enabled}, ${values.owner_id}, ${createdBy})`.execute(executor);
}

export async function updateRule(executor: Executor, schema: string, id: string, values: RuleValues): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_workflow_rules')} SET name = ${values.name}, description = ${values.description},
      module = ${values.module}, trigger = ${values.trigger}, trigger_field = ${values.trigger_field},
      criteria = ${values.criteria === null ? null : JSON.stringify(values.criteria)}::jsonb,
      actions = ${JSON.stringify(values.actions)}::jsonb, scheduled = ${JSON.stringify(values.scheduled)}::jsonb,
      enabled = ${values.enabled}, owner_id = ${values.owner_id}, updated_at = now()
    WHERE id = ${id}`.execute(executor);
}

export async function deleteRule(executor: Executor, schema: string, id: string): Promise<boolean> {
  // Its log goes with it (the log's rule_id also names approval processes, so it has no foreign key).
  await sql`DELETE FROM ${t(schema, 'automation_executions')}
    WHERE rule_id = ${id} AND EXISTS (SELECT 1 FROM ${t(schema, 'automation_workflow_rules')} WHERE id = ${id})`.execute(executor);
  const result = await sql`DELETE FROM ${t(schema, 'automation_workflow_rules')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function findRule(executor: Executor, schema: string, id: string): Promise<RuleRow | undefined> {
  const result = await sql<RuleRow>`SELECT ${RULE_COLUMNS} FROM ${t(schema, 'automation_workflow_rules')} WHERE id = ${id}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function listRules(executor: Executor, schema: string, module?: string): Promise<RuleRow[]> {
  const where = module ? sql`WHERE module = ${module}` : sql``;
  const result = await sql<RuleRow>`SELECT ${RULE_COLUMNS} FROM ${t(schema, 'automation_workflow_rules')} ${where}
    ORDER BY module, created_at, id LIMIT 1000`.execute(executor);
  return result.rows;
}

/** The enabled rules of the organization, by module then oldest first (the order they run in). */
export async function listEnabledRules(executor: Executor, schema: string): Promise<RuleRow[]> {
  const result = await sql<RuleRow>`SELECT ${RULE_COLUMNS} FROM ${t(schema, 'automation_workflow_rules')}
    WHERE enabled ORDER BY module, created_at, id`.execute(executor);
  return result.rows;
}

/**
 * Starts the execution of a rule for one idempotency key (an event id, or a scheduled action's key).
 * Returns false when that key already has an execution: it was handled, nothing more to do.
 */
export async function claimExecution(
  executor: Executor,
  schema: string,
  row: { id: string; rule_id: string; key: string; module: string; record_id: string; trigger: string; depth: number },
): Promise<boolean> {
  const result = await sql`INSERT INTO ${t(schema, 'automation_executions')} (id, rule_id, key, module, record_id, trigger, depth, status)
    VALUES (${row.id}, ${row.rule_id}, ${row.key}, ${row.module}, ${row.record_id}, ${row.trigger}, ${row.depth}, 'running')
    ON CONFLICT (rule_id, key) DO NOTHING`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function finishExecution(
  executor: Executor,
  schema: string,
  id: string,
  values: {
    matched: boolean | null;
    status: ExecutionStatus;
    reason: string | null;
    actions: ActionOutcome[];
    duration_ms: number;
    error: string | null;
  },
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_executions')} SET matched = ${values.matched}, status = ${values.status},
      reason = ${values.reason}, actions = ${JSON.stringify(values.actions)}::jsonb, duration_ms = ${values.duration_ms},
      error = ${values.error}
    WHERE id = ${id}`.execute(executor);
}

/** The outcome of one action of an execution, read for update (an e-mail job marks it sent). */
export async function lockActionOutcome(executor: Executor, schema: string, id: string, index: number): Promise<ActionOutcome | undefined> {
  const result = await sql<{ outcome: ActionOutcome | null }>`SELECT actions -> ${index}::int AS outcome
    FROM ${t(schema, 'automation_executions')} WHERE id = ${id} FOR UPDATE`.execute(executor);
  return result.rows[0]?.outcome ?? undefined;
}

export async function setActionOutcome(
  executor: Executor,
  schema: string,
  id: string,
  index: number,
  outcome: ActionOutcome,
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_executions')}
    SET actions = jsonb_set(actions, ARRAY[${String(index)}]::text[], ${JSON.stringify(outcome)}::jsonb),
      status = CASE WHEN ${outcome.status === 'failed'} THEN 'failed' ELSE status END
    WHERE id = ${id}`.execute(executor);
}

export async function findExecution(executor: Executor, schema: string, id: string): Promise<ExecutionRow | undefined> {
  const result =
    await sql<ExecutionRow>`SELECT e.*, '' AS position FROM ${t(schema, 'automation_executions')} e WHERE e.id = ${id}`.execute(executor);
  return result.rows[0];
}

/** Executions newest first, by rule and/or record, in keyset pages. */
export async function listExecutions(
  executor: Executor,
  schema: string,
  query: { ruleId?: string; recordId?: string; after?: { createdAt: string; id: string }; limit: number },
): Promise<ExecutionRow[]> {
  const where: RawBuilder<boolean>[] = [sql<boolean>`true`];
  if (query.ruleId) where.push(sql<boolean>`e.rule_id = ${query.ruleId}`);
  if (query.recordId) where.push(sql<boolean>`e.record_id = ${query.recordId}`);
  if (query.after) where.push(afterKeyset('e.created_at', 'e.id', query.after));
  const result = await sql<ExecutionRow>`SELECT e.*, ${keysetTimestamp('e.created_at')} AS position
    FROM ${t(schema, 'automation_executions')} e WHERE ${sql.join(where, sql` AND `)}
    ORDER BY e.created_at DESC, e.id DESC LIMIT ${query.limit}`.execute(executor);
  return result.rows;
}

/** Whether a record meets a compiled condition now: the list-view filter run as SQL on this one row. */
export async function recordMatches(
  executor: Executor,
  target: { schema: string; table: string; id: string; includeDeleted: boolean },
  condition: RawBuilder<boolean>,
): Promise<boolean> {
  const live = target.includeDeleted ? sql`` : sql`AND r.deleted_at IS NULL`;
  const result = await sql<{ matches: boolean }>`SELECT EXISTS (
      SELECT 1 FROM ${sql.raw(qualifiedTable(target.schema, target.table))} r WHERE r.id = ${target.id} ${live} AND ${condition}
    ) AS matches`.execute(executor);
  return result.rows[0]?.matches === true;
}

/**
 * Which of `ids` meet a compiled condition now (the list-view filter run as SQL over many rows at once), each with
 * whether it also meets `also` (false without it).
 */
export async function matchingRecords(
  executor: Executor,
  target: { schema: string; table: string; ids: string[]; includeDeleted: boolean },
  condition: RawBuilder<boolean>,
  also?: RawBuilder<boolean>,
): Promise<Map<string, boolean>> {
  const live = target.includeDeleted ? sql`` : sql`AND r.deleted_at IS NULL`;
  const result = await sql<{ id: string; also: boolean | null }>`SELECT r.id, ${also ?? sql`false`} AS also
    FROM ${sql.raw(qualifiedTable(target.schema, target.table))} r
    WHERE r.id = ANY(${target.ids}::uuid[]) ${live} AND ${condition}`.execute(executor);
  return new Map(result.rows.map((row) => [row.id, row.also === true]));
}

/**
 * Logs executions that need no transaction of their own (criteria not met, chain too deep, criteria unusable, fields
 * already holding a rule's values) in one statement; a key
 * already logged for its rule is left alone (a second delivery of the event).
 */
export async function insertFinishedExecutions(
  executor: Executor,
  schema: string,
  rows: Array<{
    rule_id: string;
    key: string;
    module: string;
    record_id: string;
    trigger: string;
    depth: number;
    matched: boolean | null;
    status: ExecutionStatus;
    reason: string | null;
    error: string | null;
    duration_ms: number;
    actions?: ActionOutcome[];
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  // One array per column: a dozen parameters however many rows (PostgreSQL parses and plans it at once).
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  await sql`INSERT INTO ${t(schema, 'automation_executions')}
      (id, rule_id, key, module, record_id, trigger, depth, matched, status, reason, error, duration_ms, actions)
    SELECT * FROM unnest(${rows.map(() => newId())}::uuid[], ${column('rule_id')}::uuid[], ${column('key')}::text[], ${column('module')}::text[],
      ${column('record_id')}::uuid[], ${column('trigger')}::text[], ${column('depth')}::int[], ${column('matched')}::boolean[],
      ${column('status')}::text[], ${column('reason')}::text[], ${column('error')}::text[], ${column('duration_ms')}::int[],
      ${rows.map((row) => JSON.stringify(row.actions ?? []))}::jsonb[])
    ON CONFLICT (rule_id, key) DO NOTHING`.execute(executor);
}

/** Starts many executions at once; returns `rule_id:key` of those claimed (those already logged are left out). */
export async function claimExecutions(
  executor: Executor,
  schema: string,
  rows: Array<{ id: string; rule_id: string; key: string; module: string; record_id: string; trigger: string; depth: number }>,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await sql<{
    rule_id: string;
    key: string;
  }>`INSERT INTO ${t(schema, 'automation_executions')} (id, rule_id, key, module, record_id, trigger, depth, status)
    SELECT id, rule_id, key, module, record_id, trigger, depth, 'running'
    FROM unnest(${rows.map((row) => row.id)}::uuid[], ${rows.map((row) => row.rule_id)}::uuid[], ${rows.map((row) => row.key)}::text[],
      ${rows.map((row) => row.module)}::text[], ${rows.map((row) => row.record_id)}::uuid[], ${rows.map((row) => row.trigger)}::text[],
      ${rows.map((row) => row.depth)}::int[]) AS v(id, rule_id, key, module, record_id, trigger, depth)
    ON CONFLICT (rule_id, key) DO NOTHING RETURNING rule_id, key`.execute(executor);
  return new Set(result.rows.map((row) => `${row.rule_id}:${row.key}`));
}

/** Finishes matched executions together (`finishExecution` for many). */
export async function finishExecutions(
  executor: Executor,
  schema: string,
  rows: Array<{ id: string; status: ExecutionStatus; actions: ActionOutcome[]; duration_ms: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`UPDATE ${t(schema, 'automation_executions')} e SET matched = true, status = v.status, actions = v.actions, duration_ms = v.duration_ms
    FROM unnest(${rows.map((row) => row.id)}::uuid[], ${rows.map((row) => row.status)}::text[],
      ${rows.map((row) => JSON.stringify(row.actions))}::jsonb[], ${rows.map((row) => row.duration_ms)}::int[]) AS v(id, status, actions, duration_ms)
    WHERE e.id = v.id`.execute(executor);
}

/** The moment `days` days after a date (or a date-time's local day) at `time` in a time zone; null without a date. */
export async function dueMoment(executor: Executor, value: unknown, days: number, time: string, timeZone: string): Promise<Date | null> {
  if (value === null || value === undefined || value === '') return null;
  const day =
    value instanceof Date ? sql`(${value}::timestamptz AT TIME ZONE ${timeZone})::date` : sql`${String(value).slice(0, 10)}::date`;
  const result = await sql<{ due: Date }>`SELECT ((${day} + ${days}::int) + ${time}::time) AT TIME ZONE ${timeZone} AS due`.execute(
    executor,
  );
  return result.rows[0]?.due ?? null;
}

export async function findOrganization(executor: Executor, orgId: string): Promise<{ schema: string; timeZone: string } | undefined> {
  const row = await executor
    .selectFrom('platform.organizations')
    .select(['schema_name', 'time_zone'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row ? { schema: row.schema_name, timeZone: row.time_zone } : undefined;
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

const people = (executor: Executor) =>
  executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
    .select(['u.id', 'u.name', 'e.email'])
    .where('u.active', '=', true);

/** An active user of the organization with their primary address. */
export function findPerson(executor: Executor, orgId: string, userId: string): Promise<Person | undefined> {
  return people(executor).where('u.org_id', '=', orgId).where('u.id', '=', userId).executeTakeFirst();
}

/** The owner's manager: the active users in the parent role of the owner's role (none when the owner's role has no parent). */
export function listManagers(executor: Executor, orgId: string, ownerId: string): Promise<Person[]> {
  return people(executor)
    .where('u.org_id', '=', orgId)
    .where('u.role_id', 'in', (eb) =>
      eb
        .selectFrom('platform.users as owner')
        .innerJoin('platform.roles as role', 'role.id', 'owner.role_id')
        .select('role.parent_id')
        .where('owner.id', '=', ownerId)
        .where('owner.org_id', '=', orgId)
        .where('role.parent_id', 'is not', null)
        .$narrowType<{ parent_id: string }>(),
    )
    .orderBy('u.name')
    .limit(20)
    .execute();
}

export function findTemplate(executor: Executor, orgId: string, id: string) {
  return executor
    .selectFrom('platform.email_templates')
    .select(['id', 'module', 'name', 'subject', 'body'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findWebhook(executor: Executor, orgId: string, id: string) {
  return executor
    .selectFrom('platform.webhooks')
    .select(['id', 'name', 'url', 'active'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Names of related records (for merge fields): id → the display fields joined by a space. */
export async function findRecordNames(
  executor: Executor,
  target: { schema: string; table: string; displayFields: string[] },
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0 || target.displayFields.length === 0) return new Map();
  const name = sql.raw(`concat_ws(' ', ${target.displayFields.map((f) => `r.${quoteIdent(f)}`).join(', ')})`);
  const result = await sql<{ id: string; name: string }>`SELECT r.id, ${name} AS name
    FROM ${sql.raw(qualifiedTable(target.schema, target.table))} r WHERE r.id = ANY(${ids}::uuid[])`.execute(executor);
  return new Map(result.rows.map((row) => [row.id, row.name]));
}

/** The rule's owner as an actor with full rights (an administrator of the org when the owner is gone). */
export async function ruleActor(executor: Executor, orgId: string, ownerId: string | null): Promise<AuthContext | null> {
  const owner = ownerId ? await toAuthContext(executor, ownerId, 'token') : null;
  if (owner && owner.orgId === orgId) return { ...owner, isAdmin: true };
  const admin = await executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
    .select('u.id')
    .where('u.org_id', '=', orgId)
    .where('u.active', '=', true)
    .where('p.builtin', '=', 'administrator')
    .orderBy('u.created_at')
    .executeTakeFirst();
  if (!admin) return null;
  const auth = await toAuthContext(executor, admin.id, 'token');
  return auth ? { ...auth, isAdmin: true } : null;
}

/** Deletes up to `limit` log rows (workflow executions, or another log with id and created_at) written before `before`; returns how many. */
export async function deleteOldExecutions(
  executor: Executor,
  schema: string,
  before: Date,
  limit: number,
  table: 'automation_executions' | 'automation_scoring_runs' = 'automation_executions',
): Promise<number> {
  const result = await sql`DELETE FROM ${t(schema, table)} WHERE id IN (
      SELECT id FROM ${t(schema, table)} WHERE created_at < ${before} LIMIT ${limit})`.execute(executor);
  return Number(result.numAffectedRows ?? 0);
}

export async function listOrgSchemas(executor: Executor): Promise<string[]> {
  return (await executor.selectFrom('platform.organizations').select('schema_name').orderBy('schema_name').execute()).map(
    (row) => row.schema_name,
  );
}

/** A record with every field (deleted or not), locked until the transaction ends: what a rule's actions work on. */
export async function lockRecord(
  executor: Executor,
  target: { schema: string; module: ModuleMeta; id: string },
): Promise<RecordRow | undefined> {
  const [row] = await selectRecords(executor, {
    schema: target.schema,
    table: target.module.table,
    columns: ['id', 'deleted_at', ...target.module.fields.map((f) => f.apiName)],
    where: [sql<boolean>`r.id = ${target.id}`],
    forUpdate: true,
  });
  return row;
}
