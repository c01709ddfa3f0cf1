import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import type { Executor } from '../../db/database.js';
import { type MetadataStore, type ModuleMeta } from '../../records/index.js';
import { settingsPermission } from '../settings-permission.js';
import { assertCriteria } from '../criteria.js';
import { checkFieldValue, writableField } from '../field-writes.js';
import {
  deleteRule,
  findRule,
  insertRule,
  listCaseEscalations,
  listRules,
  updateRule,
  type CaseEscalationRow,
  type EscalationRuleRow,
} from './escalation.repository.js';
import type {
  CaseEscalation,
  CreateEscalationRuleBody,
  EscalationLevel,
  EscalationRule,
  UpdateEscalationRuleBody,
} from './escalation.schemas.js';

/**
 * Escalation rules are settings: administrators manage them, and so does a profile that names the key
 * `automation_escalation` (`read` lists rules and escalations, `create` or `edit` changes rules).
 */
export const ESCALATION_PERMISSION = 'automation_escalation';

const assertAllowed = settingsPermission(ESCALATION_PERMISSION, 'escalation rules');

const present = (row: EscalationRuleRow): EscalationRule => ({
  id: row.id,
  name: row.name,
  active: row.active,
  criteria: row.criteria ?? null,
  levels: row.levels,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const presentEscalation = (row: CaseEscalationRow): CaseEscalation => ({
  caseId: row.case_id,
  level: row.level,
  ruleId: row.rule_id,
  dueAt: new Date(row.due_at).toISOString(),
  escalatedAt: new Date(row.escalated_at).toISOString(),
  escalatedTo: row.escalated_to,
});

/** The changes a level makes to the case: writable fields of cases, each once, values they take; the owner by `reassign` only. */
function checkCaseChanges(cases: ModuleMeta, level: EscalationLevel, path: string): void {
  const seen = new Set<string>();
  for (const [index, set] of (level.setFields ?? []).entries()) {
    const field = writableField(cases, set.field, `${path}.setFields.${index}.field`);
    if (field.apiName === 'owner_id')
      throw badRequest('Change the owner with "reassign", not as a field.', `${path}.setFields.${index}.field`);
    if (seen.has(field.apiName)) throw badRequest(`The field "${field.apiName}" is set twice.`, `${path}.setFields.${index}.field`);
    seen.add(field.apiName);
    if (!Object.hasOwn(set, 'value')) throw badRequest('Give the value (null empties the field).', `${path}.setFields.${index}.value`);
    checkFieldValue(field, set.value, `${path}.setFields.${index}.value`);
  }
}

const activeTaken = () =>
  new AppError('conflict', 'Another escalation rule is active; deactivate it first.', { reason: 'active_rule_exists' });

export function createEscalationService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;

  async function check(executor: Executor, auth: AuthContext, criteria: unknown, levels: EscalationLevel[]): Promise<void> {
    const changes = levels.some((level) => level.reassign || (level.setFields ?? []).length > 0);
    if ((criteria !== null && criteria !== undefined) || changes) {
      const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
      const cases = metadata.modules.get('cases');
      if (!cases) throw badRequest('This organization has no cases module.', 'criteria');
      assertCriteria(criteria, cases, metadata, 'criteria');
      levels.forEach((level, index) => checkCaseChanges(cases, level, `levels.${index}`));
    }
    const userIds = levels.flatMap((level) => (level.target.type === 'user' ? [level.target.userId] : []));
    if (userIds.length > 0) {
      const found = new Set(
        (
          await executor.selectFrom('platform.users').select('id').where('org_id', '=', auth.orgId).where('id', 'in', userIds).execute()
        ).map((row) => row.id),
      );
      const index = levels.findIndex((level) => level.target.type === 'user' && !found.has(level.target.userId));
      if (index >= 0) throw badRequest('No user of the organization has this id.', `levels.${index}.target.userId`);
    }
  }

  async function list(auth: AuthContext): Promise<EscalationRule[]> {
    assertAllowed(auth, 'read');
    return (await listRules(database.db, auth.orgSchema)).map(present);
  }

  async function get(auth: AuthContext, id: string): Promise<EscalationRule> {
    assertAllowed(auth, 'read');
    const row = await findRule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The escalation rule');
    return present(row);
  }

  async function create(auth: AuthContext, body: CreateEscalationRuleBody): Promise<EscalationRule> {
    assertAllowed(auth, 'write');
    await check(database.db, auth, body.criteria, body.levels);
    const now = ctx.now();
    const row: EscalationRuleRow = {
      id: newId(),
      name: body.name.trim(),
      active: body.active ?? true,
      criteria: body.criteria ?? null,
      levels: body.levels,
      created_by: auth.userId,
      created_at: now,
      updated_at: now,
    };
    await database.transaction('automation.escalation.create', async (trx) => {
      try {
        await insertRule(trx, auth.orgSchema, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw activeTaken();
        throw error;
      }
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'escalation_rule.created',
        targetType: 'escalation_rule',
        targetId: row.id,
        after: present(row),
      });
    });
    return present(row);
  }

  async function update(auth: AuthContext, id: string, body: UpdateEscalationRuleBody): Promise<EscalationRule> {
    assertAllowed(auth, 'write');
    const current = await findRule(database.db, auth.orgSchema, id);
    if (!current) throw notFound('The escalation rule');
    const changed = {
      name: body.name?.trim() ?? current.name,
      active: body.active ?? current.active,
      criteria: body.criteria === undefined ? current.criteria : body.criteria,
      levels: body.levels ?? current.levels,
      updated_at: ctx.now(),
    };
    await check(database.db, auth, changed.criteria, changed.levels);
    await database.transaction('automation.escalation.update', async (trx) => {
      try {
        await updateRule(trx, auth.orgSchema, id, changed);
      } catch (error) {
        if (isUniqueViolation(error)) throw activeTaken();
        throw error;
      }
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'escalation_rule.updated',
        targetType: 'escalation_rule',
        targetId: id,
        before: present(current),
        after: present({ ...current, ...changed }),
      });
    });
    return present({ ...current, ...changed });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    assertAllowed(auth, 'write');
    await database.transaction('automation.escalation.delete', async (trx) => {
      const row = await findRule(trx, auth.orgSchema, id, true);
      if (!row || !(await deleteRule(trx, auth.orgSchema, id))) throw notFound('The escalation rule');
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'escalation_rule.deleted',
        targetType: 'escalation_rule',
        targetId: id,
        before: present(row),
      });
    });
  }

  async function escalations(auth: AuthContext, caseId?: string): Promise<CaseEscalation[]> {
    assertAllowed(auth, 'read');
    return (await listCaseEscalations(database.db, auth.orgSchema, caseId)).map(presentEscalation);
  }

  return { list, get, create, update, remove, escalations };
}

export type EscalationService = ReturnType<typeof createEscalationService>;
