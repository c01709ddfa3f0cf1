import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../../records/index.js';
import type { EscalationLevel } from './escalation.schemas.js';

/** SQL on the escalation tables of an organization's schema (org migration 0014-automation-assignment). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface EscalationRuleRow {
  id: string;
  name: string;
  active: boolean;
  criteria: unknown;
  levels: EscalationLevel[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CaseEscalationRow {
  case_id: string;
  level: number;
  rule_id: string;
  due_at: Date;
  escalated_at: Date;
  escalated_to: string[];
}

export async function listRules(executor: Executor, schema: string): Promise<EscalationRuleRow[]> {
  const result = await sql<EscalationRuleRow>`SELECT * FROM ${t(schema, 'automation_escalation_rules')}
    ORDER BY active DESC, created_at, id LIMIT 500`.execute(executor);
  return result.rows;
}

export async function findRule(executor: Executor, schema: string, id: string, forUpdate = false): Promise<EscalationRuleRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<EscalationRuleRow>`SELECT * FROM ${t(schema, 'automation_escalation_rules')} WHERE id = ${id}${lock}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function findActiveRule(executor: Executor, schema: string): Promise<EscalationRuleRow | undefined> {
  const result = await sql<EscalationRuleRow>`SELECT * FROM ${t(schema, 'automation_escalation_rules')} WHERE active`.execute(executor);
  return result.rows[0];
}

export async function insertRule(executor: Executor, schema: string, row: EscalationRuleRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_escalation_rules')} (id, name, active, criteria, levels, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.name}, ${row.active}, ${JSON.stringify(row.criteria)}::jsonb, ${JSON.stringify(row.levels)}::jsonb,
            ${row.created_by}, ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateRule(
  executor: Executor,
  schema: string,
  id: string,
  changes: Pick<EscalationRuleRow, 'name' | 'active' | 'criteria' | 'levels' | 'updated_at'>,
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_escalation_rules')}
    SET name = ${changes.name}, active = ${changes.active}, criteria = ${JSON.stringify(changes.criteria)}::jsonb,
        levels = ${JSON.stringify(changes.levels)}::jsonb, updated_at = ${changes.updated_at}
    WHERE id = ${id}`.execute(executor);
}

export async function deleteRule(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_escalation_rules')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function listCaseEscalations(executor: Executor, schema: string, caseId?: string): Promise<CaseEscalationRow[]> {
  const where = caseId === undefined ? sql`` : sql`WHERE case_id = ${caseId}`;
  const result = await sql<CaseEscalationRow>`SELECT * FROM ${t(schema, 'automation_case_escalations')} ${where}
    ORDER BY escalated_at DESC, case_id, level DESC LIMIT 500`.execute(executor);
  return result.rows;
}

export interface OverdueCase {
  id: string;
  owner_id: string | null;
  case_number: string | null;
  subject: string | null;
  sla_due_at: Date;
  done: number;
}

/**
 * Open cases past their SLA that match `condition` and have levels left, a page in SLA order
 * (keyset after `after`).
 */
export async function listOverdueCases(
  executor: Executor,
  input: {
    schema: string;
    table: string;
    now: Date;
    levels: number;
    condition: RawBuilder<boolean>;
    after: { at: Date; id: string } | null;
    limit: number;
  },
): Promise<OverdueCase[]> {
  const escalations = t(input.schema, 'automation_case_escalations');
  const after = input.after ? sql`AND (r.sla_due_at, r.id) > (${input.after.at}::timestamptz, ${input.after.id}::uuid)` : sql``;
  const result = await sql<OverdueCase>`
    SELECT * FROM (
      SELECT r.id, r.owner_id, r.case_number, r.subject, r.sla_due_at,
             coalesce((SELECT max(e.level) FROM ${escalations} e WHERE e.case_id = r.id), 0) AS done
      FROM ${sql.raw(qualifiedTable(input.schema, input.table))} r
      WHERE r.deleted_at IS NULL AND (r.status IS NULL OR r.status NOT IN ('resolved', 'closed'))
        AND r.sla_due_at <= ${input.now} ${after} AND ${input.condition}
      ORDER BY r.sla_due_at, r.id LIMIT ${input.limit}
    ) page`.execute(executor);
  return result.rows;
}

/** Claims a level of a case: false when it was escalated already (a rerun, another node). */
export async function claimEscalation(trx: Trx, schema: string, row: CaseEscalationRow): Promise<boolean> {
  const result =
    await sql`INSERT INTO ${t(schema, 'automation_case_escalations')} (case_id, level, rule_id, due_at, escalated_at, escalated_to)
    VALUES (${row.case_id}, ${row.level}, ${row.rule_id}, ${row.due_at}, ${row.escalated_at}, ${row.escalated_to}::uuid[])
    ON CONFLICT (case_id, level) DO NOTHING RETURNING case_id`.execute(trx);
  return result.rows.length > 0;
}

export interface EscalationOrg {
  id: string;
  schema_name: string;
  time_zone: string;
  default_language: string;
  business_hours: { days?: Array<{ day: number; start: string; end: string }> };
  holidays: Array<{ date: string }> | null;
}

export async function listOrganizations(executor: Executor): Promise<EscalationOrg[]> {
  const result = await sql<EscalationOrg>`SELECT id, schema_name, time_zone, default_language, business_hours, holidays
    FROM platform.organizations ORDER BY id`.execute(executor);
  return result.rows;
}

export async function listOrgPeople(executor: Executor, orgId: string) {
  const roles = await sql<{
    id: string;
    parent_id: string | null;
  }>`SELECT id, parent_id FROM platform.roles WHERE org_id = ${orgId}`.execute(executor);
  const users = await sql<{
    id: string;
    name: string;
    role_id: string | null;
    active: boolean;
    language: string | null;
    is_admin: boolean;
  }>`
    SELECT u.id, u.name, u.role_id, u.active, u.language, (p.builtin = 'administrator') IS TRUE AS is_admin
    FROM platform.users u JOIN platform.profiles p ON p.id = u.profile_id WHERE u.org_id = ${orgId} ORDER BY u.id`.execute(executor);
  return { roles: roles.rows, users: users.rows };
}
