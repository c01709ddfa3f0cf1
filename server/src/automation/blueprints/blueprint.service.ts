import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { Executor } from '../../db/database.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { canFeature } from '../../platform/access/index.js';
import {
  COMPUTED_TYPES,
  getModule,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import { AUTOMATION_PERMISSION, checkAction, checkCriteria, checkUser, fieldOf } from '../workflow/workflow.service.js';
import { findOrgIds } from '../assignment/assignment.repository.js';
import { findUserNames } from '../approvals/approval.repository.js';
import type { BlueprintEngine } from './blueprint.engine.js';
import {
  deleteBlueprint,
  findBlueprint,
  findEnabledOn,
  insertBlueprint,
  listBlueprints,
  updateBlueprint,
  type BlueprintRow,
  type BlueprintValues,
} from './blueprint.repository.js';
import type { Blueprint, BlueprintDefinition, CreateBlueprintBody, UpdateBlueprintBody } from './blueprint.schemas.js';
import { BLUEPRINT_EXAMPLES, exampleBlueprint } from './blueprint.examples.js';

/** Blueprints are settings: administrators, or a profile naming `automation` (read to list; create or edit to change). */
function assertAllowed(auth: AuthContext, action: 'read' | 'manage') {
  if (!canFeature(auth, AUTOMATION_PERMISSION, action))
    throw forbidden(
      action === 'read' ? 'Your profile does not allow you to see Blueprints.' : 'Your profile does not allow you to manage Blueprints.',
    );
}

const conflictEnabled = (other: { id: string; name: string }) =>
  new AppError('conflict', `The Blueprint “${other.name}” is already enabled on this field: disable it first.`, {
    reason: 'blueprint_enabled',
    blueprintId: other.id,
  });

/** Checks a Blueprint's definition against the module's metadata (400 naming the bad part). */
async function checkDefinition(
  executor: Executor,
  auth: AuthContext,
  metadata: OrgMetadata,
  module: ModuleMeta,
  field: string,
  definition: BlueprintDefinition,
) {
  const picklist = fieldOf(module, field, 'field');
  if (picklist.type !== 'picklist') throw badRequest(`"${field}" is not a picklist field: a Blueprint needs one.`, 'field');
  const codes = new Set((picklist.options.values ?? []).map((value) => value.code));
  const states = new Set<string>();
  for (const [index, state] of definition.states.entries()) {
    const path = `definition.states[${index}]`;
    if (!codes.has(state.value)) throw badRequest(`"${state.value}" is not a value of the field "${field}".`, `${path}.value`);
    if (states.has(state.value)) throw badRequest(`The state "${state.value}" appears twice.`, `${path}.value`);
    states.add(state.value);
    const escalation = state.escalation;
    if (!escalation) continue;
    if (!state.timeLimitHours) throw badRequest('An escalation needs a time limit (timeLimitHours).', `${path}.timeLimitHours`);
    if (escalation.notify === 'user') await checkUser(executor, auth, escalation.userId, `${path}.escalation.userId`);
    for (const [position, action] of (escalation.actions ?? []).entries())
      await checkAction(executor, auth, module, action, `${path}.escalation.actions[${position}]`, 'edit');
  }
  const ids = new Set<string>();
  for (const [index, transition] of definition.transitions.entries()) {
    const path = `definition.transitions[${index}]`;
    if (ids.has(transition.id)) throw badRequest(`The transition id "${transition.id}" appears twice.`, `${path}.id`);
    ids.add(transition.id);
    if (!transition.name.trim()) throw badRequest('A transition needs a name.', `${path}.name`);
    for (const [position, from] of transition.from.entries())
      if (!states.has(from)) throw badRequest(`"${from}" is not a state of this Blueprint.`, `${path}.from[${position}]`);
    if (!states.has(transition.to)) throw badRequest(`"${transition.to}" is not a state of this Blueprint.`, `${path}.to`);
    const who = transition.before?.who;
    for (const userId of who?.users ?? []) await checkUser(executor, auth, userId, `${path}.before.who.users`);
    for (const kind of ['roles', 'groups'] as const) {
      const wanted = [...new Set(who?.[kind] ?? [])];
      if ((await findOrgIds(executor, auth.orgId, kind, wanted)).size !== wanted.length)
        throw badRequest(
          `No ${kind === 'roles' ? 'role' : 'group'} of your organization has one of these ids.`,
          `${path}.before.who.${kind}`,
        );
    }
    if (transition.before?.criteria)
      await checkCriteria(executor, auth, metadata, module, transition.before.criteria, `${path}.before.criteria`);
    const required = transition.during?.requiredFields ?? [];
    for (const [position, name] of required.entries()) {
      const at = `${path}.during.requiredFields[${position}]`;
      const meta = fieldOf(module, name, at);
      if (name === field) throw badRequest('The Blueprint’s own field is set by the transition, not asked for.', at);
      if (meta.isSystem || COMPUTED_TYPES.has(meta.type)) throw badRequest(`The field "${name}" is set by the system.`, at);
      if (required.indexOf(name) !== position) throw badRequest(`The field "${name}" appears twice.`, at);
    }
    for (const [position, action] of (transition.after ?? []).entries())
      await checkAction(executor, auth, module, action, `${path}.after[${position}]`, 'edit');
  }
}

export function createBlueprintService(
  ctx: AppContext,
  deps: { metadata: MetadataStore; records: RecordService; engine: BlueprintEngine },
) {
  const { database } = ctx;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);

  async function present(executor: Executor, auth: AuthContext, rows: BlueprintRow[]): Promise<Blueprint[]> {
    const names = await findUserNames(executor, auth.orgId, [...new Set(rows.map((row) => row.owner_id))]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      module: row.module,
      field: row.field,
      criteria: row.criteria,
      enabled: row.enabled,
      owner: { id: row.owner_id, name: names.get(row.owner_id) ?? '' },
      definition: row.definition,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  async function getRow(executor: Executor, auth: AuthContext, id: string): Promise<BlueprintRow> {
    const row = await findBlueprint(executor, auth.orgSchema, id);
    if (!row) throw notFound('The Blueprint');
    return row;
  }

  /** Checks a whole Blueprint (400 naming the bad part) and returns what is stored. */
  async function validate(auth: AuthContext, input: CreateBlueprintBody): Promise<BlueprintValues> {
    const metadata = await metadataOf(auth);
    const module = metadata.modules.get(input.module);
    if (!module || module.hidden || !module.fields.some((field) => field.apiName === 'owner_id'))
      throw badRequest(`"${input.module}" is not a module a Blueprint can follow.`, 'module');
    const criteria = input.criteria ?? null;
    if (criteria) await checkCriteria(database.db, auth, metadata, module, criteria, 'criteria');
    await checkDefinition(database.db, auth, metadata, module, input.field, input.definition);
    return {
      name: input.name.trim(),
      description: input.description ?? null,
      module: module.apiName,
      field: input.field,
      criteria,
      enabled: input.enabled ?? false,
      definition: input.definition,
    };
  }

  /** Writes in a transaction, turning the one-enabled-per-field index's refusal into a 409. */
  async function save(auth: AuthContext, id: string, values: BlueprintValues, write: (trx: Executor) => Promise<string>) {
    if (values.enabled) {
      const other = await findEnabledOn(database.db, auth.orgSchema, { module: values.module, field: values.field, exceptId: id });
      if (other) throw conflictEnabled(other);
    }
    try {
      return await database.transaction('automation.blueprint.save', async (trx) => {
        await write(trx);
        return (await present(trx, auth, [await getRow(trx, auth, id)]))[0]!;
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'automation_blueprints_enabled')) throw error;
      const other = await findEnabledOn(database.db, auth.orgSchema, { module: values.module, field: values.field, exceptId: id });
      throw conflictEnabled(other ?? { id: '', name: '' });
    }
  }

  async function audit(executor: Executor, auth: AuthContext, action: string, id: string, before?: Blueprint, after?: Blueprint) {
    await recordAudit(executor, {
      orgId: auth.orgId,
      actorId: auth.userId,
      action: `blueprint.${action}`,
      targetType: 'blueprint',
      targetId: id,
      before,
      after,
    });
  }

  async function create(auth: AuthContext, input: CreateBlueprintBody): Promise<Blueprint> {
    assertAllowed(auth, 'manage');
    const values = await validate(auth, input);
    const id = newId();
    return save(auth, id, values, async (trx) => {
      await insertBlueprint(trx, auth.orgSchema, id, auth.userId, values);
      await audit(trx, auth, 'created', id, undefined, (await present(trx, auth, [await getRow(trx, auth, id)]))[0]);
      return id;
    });
  }

  async function update(auth: AuthContext, id: string, input: UpdateBlueprintBody): Promise<Blueprint> {
    assertAllowed(auth, 'manage');
    const row = await getRow(database.db, auth, id);
    const [current] = await present(database.db, auth, [row]);
    const merged = { ...current!, ...input } as CreateBlueprintBody;
    const values = await validate(auth, merged);
    return save(auth, id, values, async (trx) => {
      await updateBlueprint(trx, auth.orgSchema, id, values);
      await audit(trx, auth, 'updated', id, current, (await present(trx, auth, [await getRow(trx, auth, id)]))[0]);
      return id;
    });
  }

  return {
    async list(auth: AuthContext) {
      assertAllowed(auth, 'read');
      return { items: await present(database.db, auth, await listBlueprints(database.db, auth.orgSchema)) };
    },
    async get(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      return (await present(database.db, auth, [await getRow(database.db, auth, id)]))[0]!;
    },
    create,
    update,
    setEnabled: (auth: AuthContext, id: string, enabled: boolean) => update(auth, id, { enabled }),
    async remove(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      await database.transaction('automation.blueprint.delete', async (trx) => {
        const [before] = await present(trx, auth, [await getRow(trx, auth, id)]);
        await deleteBlueprint(trx, auth.orgSchema, id);
        await audit(trx, auth, 'deleted', id, before);
      });
    },
    async examples(auth: AuthContext) {
      assertAllowed(auth, 'read');
      const language = auth.language === 'en' ? 'en' : 'es';
      return { items: BLUEPRINT_EXAMPLES.map((key) => ({ key, ...exampleBlueprint(key, language) })) };
    },
    /** Installs an example: enabled when no other Blueprint is enabled on its field, disabled otherwise. */
    async installExample(auth: AuthContext, key: string) {
      assertAllowed(auth, 'manage');
      const name = BLUEPRINT_EXAMPLES.find((example) => example === key);
      if (!name) throw notFound('The example');
      const example = exampleBlueprint(name, auth.language === 'en' ? 'en' : 'es');
      getModule(await metadataOf(auth), example.module);
      const taken = await findEnabledOn(database.db, auth.orgSchema, { module: example.module, field: example.field });
      return create(auth, { ...example, enabled: !taken });
    },
  };
}

export type BlueprintService = ReturnType<typeof createBlueprintService>;
