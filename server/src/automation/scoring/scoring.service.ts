import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { getModule, type MetadataStore, type ModuleMeta, type OrgMetadata, type RecordService } from '../../records/index.js';
import { settingsPermission } from '../settings-permission.js';
import { assertCriteria } from '../criteria.js';
import { RECALC_JOB, type ScoringEngine } from './scoring.engine.js';
import { TOUCHPOINT_LINKS } from './scoring.events.js';
import {
  deleteRule,
  findRule,
  insertRule,
  listRules,
  listRuns,
  updateRule,
  type RunRow,
  type ScoringRuleRow,
} from './scoring.repository.js';
import type {
  CreateScoringRuleBody,
  FieldRule,
  FieldRuleInput,
  ScoringRule,
  ScoringRun,
  TouchpointRule,
  TouchpointRuleInput,
  UpdateScoringRuleBody,
} from './scoring.schemas.js';

/** Administrators, or a profile that names `automation_scoring` (read lists, create or edit changes). */
export const SCORING_PERMISSION = 'automation_scoring';
const assertAllowed = settingsPermission(SCORING_PERMISSION, 'scoring rules');

const present = (row: ScoringRuleRow): ScoringRule => ({
  id: row.id,
  module: row.module,
  name: row.name,
  active: row.active,
  fieldRules: row.field_rules,
  touchpointRules: row.touchpoint_rules,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const presentRun = (row: RunRow): ScoringRun => ({
  id: row.id,
  module: row.module,
  recordId: row.record_id,
  trigger: row.trigger,
  depth: row.depth,
  status: row.status,
  scoreBefore: row.score_before,
  scoreAfter: row.score_after,
  breakdown: row.breakdown,
  reason: row.reason,
  durationMs: row.duration_ms,
  createdAt: new Date(row.created_at).toISOString(),
});

/** A module whose records have a score field (leads, contacts, accounts, deals in the standard catalog). */
function scoredModule(metadata: OrgMetadata, apiName: string): ModuleMeta {
  try {
    const module = getModule(metadata, apiName);
    if (!module.fields.some((field) => field.apiName === 'score' && field.isSystem)) throw new Error('no score');
    return module;
  } catch {
    throw badRequest(`"${apiName}" is not a module with a score field.`, 'module');
  }
}

/** Whether a filter names the score field (a rule scoring by the score would chase itself). */
function namesScore(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(namesScore);
  if (typeof node !== 'object' || node === null) return false;
  const { field } = node as { field?: unknown };
  if (field === 'score') return true;
  return Object.values(node).some(namesScore);
}

function prepareFieldRules(metadata: OrgMetadata, module: ModuleMeta, list: FieldRuleInput[]): FieldRule[] {
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const path = `fieldRules.${index}.criteria`;
    if (entry.criteria === null || entry.criteria === undefined) throw badRequest('A field rule needs criteria.', path);
    if (namesScore(entry.criteria)) throw badRequest('A field rule cannot give points for the score itself.', path);
    assertCriteria(entry.criteria, module, metadata, path);
    const id = entry.id && !seen.has(entry.id) ? entry.id : newId();
    seen.add(id);
    return { id, criteria: entry.criteria, points: entry.points };
  });
}

function prepareTouchpointRules(module: ModuleMeta, list: TouchpointRuleInput[]): TouchpointRule[] {
  if (list.length > 0 && !TOUCHPOINT_LINKS[module.apiName])
    throw badRequest(`Touchpoints belong to leads, contacts, accounts and deals, not to "${module.apiName}".`, 'touchpointRules');
  const seen = new Set<string>();
  return list.map((entry) => {
    const id = entry.id && !seen.has(entry.id) ? entry.id : newId();
    seen.add(id);
    return { id, event: entry.event, points: entry.points };
  });
}

export function createScoringService(ctx: AppContext, deps: { metadata: MetadataStore; records: RecordService; engine: ScoringEngine }) {
  const { database } = ctx;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);

  /** Queues the recalculation of a module (one at a time per module start). */
  async function queueRecalculation(auth: AuthContext, module: string): Promise<string | null> {
    await deps.engine.rulesChanged(auth.orgId);
    return ctx.jobs.send(
      RECALC_JOB,
      { orgId: auth.orgId, module, after: null, actorId: auth.userId },
      { singletonKey: `${auth.orgId}:${module}:start` },
    );
  }

  async function list(auth: AuthContext, module?: string): Promise<ScoringRule[]> {
    assertAllowed(auth, 'read');
    return (await listRules(database.db, auth.orgSchema, module)).map(present);
  }

  async function get(auth: AuthContext, id: string): Promise<ScoringRule> {
    assertAllowed(auth, 'read');
    const row = await findRule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The scoring rule');
    return present(row);
  }

  async function create(auth: AuthContext, body: CreateScoringRuleBody): Promise<ScoringRule> {
    assertAllowed(auth, 'write');
    const metadata = await metadataOf(auth);
    const module = scoredModule(metadata, body.module);
    const fieldRules = prepareFieldRules(metadata, module, body.fieldRules ?? []);
    const touchpointRules = prepareTouchpointRules(module, body.touchpointRules ?? []);
    if (fieldRules.length + touchpointRules.length === 0)
      throw badRequest('A scoring rule needs a field rule or a touchpoint rule.', 'fieldRules');
    const now = ctx.now();
    const row: ScoringRuleRow = {
      id: newId(),
      module: module.apiName,
      name: body.name.trim(),
      active: body.active ?? true,
      field_rules: fieldRules,
      touchpoint_rules: touchpointRules,
      created_by: auth.userId,
      created_at: now,
      updated_at: now,
    };
    const after = present(row);
    await database.transaction('automation.scoring.create', async (trx) => {
      await insertRule(trx, auth.orgSchema, row);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'scoring_rule.created',
        targetType: 'scoring_rule',
        targetId: row.id,
        after,
      });
    });
    if (row.active) await queueRecalculation(auth, row.module);
    return after;
  }

  async function update(auth: AuthContext, id: string, body: UpdateScoringRuleBody): Promise<ScoringRule> {
    assertAllowed(auth, 'write');
    const metadata = await metadataOf(auth);
    const { before, after } = await database.transaction('automation.scoring.update', async (trx) => {
      const row = await findRule(trx, auth.orgSchema, id, true);
      if (!row) throw notFound('The scoring rule');
      const module = scoredModule(metadata, row.module);
      const changed = {
        name: body.name?.trim() ?? row.name,
        active: body.active ?? row.active,
        field_rules: body.fieldRules ? prepareFieldRules(metadata, module, body.fieldRules) : row.field_rules,
        touchpoint_rules: body.touchpointRules ? prepareTouchpointRules(module, body.touchpointRules) : row.touchpoint_rules,
        updated_at: ctx.now(),
      };
      if (changed.field_rules.length + changed.touchpoint_rules.length === 0)
        throw badRequest('A scoring rule needs a field rule or a touchpoint rule.', 'fieldRules');
      await updateRule(trx, auth.orgSchema, id, changed);
      const next = present({ ...row, ...changed });
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'scoring_rule.updated',
        targetType: 'scoring_rule',
        targetId: id,
        before: present(row),
        after: next,
      });
      return { before: row, after: next };
    });
    if (before.active || after.active) await queueRecalculation(auth, after.module);
    return after;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    assertAllowed(auth, 'write');
    const row = await database.transaction('automation.scoring.delete', async (trx) => {
      const found = await findRule(trx, auth.orgSchema, id, true);
      if (!found || !(await deleteRule(trx, auth.orgSchema, id))) throw notFound('The scoring rule');
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'scoring_rule.deleted',
        targetType: 'scoring_rule',
        targetId: id,
        before: present(found),
      });
      return found;
    });
    if (row.active) await queueRecalculation(auth, row.module);
  }

  async function recalculate(auth: AuthContext, moduleName: string): Promise<{ module: string; jobId: string | null }> {
    assertAllowed(auth, 'write');
    const module = scoredModule(await metadataOf(auth), moduleName);
    return { module: module.apiName, jobId: await queueRecalculation(auth, module.apiName) };
  }

  /** The breakdown of a record's score: anyone who may read the record (else 404) sees which rules gave what. */
  async function breakdown(auth: AuthContext, moduleName: string, id: string) {
    const metadata = await metadataOf(auth);
    const module = metadata.modules.get(moduleName);
    if (!module?.fields.some((field) => field.apiName === 'score')) throw notFound('The module');
    await deps.records.get(auth, moduleName, id);
    const score = await deps.engine.scoreOf(auth.orgId, auth.orgSchema, moduleName, id);
    if (!score) throw notFound('The record');
    return { module: moduleName, id, score: score.score, total: score.total, items: score.items };
  }

  async function runs(auth: AuthContext, query: { module?: string; recordId?: string; limit?: number }): Promise<ScoringRun[]> {
    assertAllowed(auth, 'read');
    return (await listRuns(database.db, auth.orgSchema, { ...query, limit: query.limit ?? 50 })).map(presentRun);
  }

  return { list, get, create, update, remove, recalculate, breakdown, runs };
}

export type ScoringService = ReturnType<typeof createScoringService>;
