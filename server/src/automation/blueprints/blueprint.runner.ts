import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { createNotifier } from '../../platform/notifications/index.js';
import { mailLanguage } from '../../platform/mail/link-mail.js';
import { insertTimeline } from '../../records/index.js';
import { findRecordNames, lockRecord } from '../workflow/workflow.repository.js';
import { listOrganizations, listOrgPeople } from '../escalation/escalation.repository.js';
import { managersOf } from '../escalation/escalation.runner.js';
import { valueOf, type BlueprintEngine, type Target } from './blueprint.engine.js';
import { claimEscalation, findBlueprint, listOverdue, type BlueprintRow, type StateRow } from './blueprint.repository.js';
import { overdueText } from './blueprint.texts.js';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Every few minutes: records past their Blueprint state's time limit escalate, once per entry in the state. */
    'automation.blueprint-time-limits': Record<string, never>;
  }
}

export const TIME_LIMIT_JOB = 'automation.blueprint-time-limits';
const PAGE = 500;

type People = Awaited<ReturnType<typeof listOrgPeople>>;

/**
 * Time limits of Blueprint states (AUT-4): a record still in a state past its time limit escalates once for that
 * entry — an in-app notification (the owner, the owner's manager or a named user; nobody found: the administrators),
 * a timeline entry and the state's escalation actions (logged as executions). The entry is claimed in the
 * transaction of all three, so a rerun or a second node never escalates it twice.
 */
export function createBlueprintRunner(ctx: AppContext, deps: { engine: BlueprintEngine }) {
  const { database } = ctx;
  const notifier = createNotifier(ctx);

  function recipients(people: People, blueprint: BlueprintRow, state: string, ownerId: string | null): string[] {
    const escalation = blueprint.definition.states.find((s) => s.value === state)?.escalation;
    const active = new Set(people.users.filter((user) => user.active).map((user) => user.id));
    let ids: string[];
    if (escalation?.notify === 'user') ids = [escalation.userId ?? ''].filter((id) => active.has(id));
    else if (escalation?.notify === 'owner_manager') ids = managersOf(people, ownerId, 1);
    else ids = ownerId && active.has(ownerId) ? [ownerId] : [];
    return ids.length > 0 ? ids : people.users.filter((user) => user.active && user.is_admin).map((user) => user.id);
  }

  async function escalate(target: Target, blueprint: BlueprintRow, overdue: StateRow, people: People, now: Date): Promise<boolean> {
    const state = blueprint.definition.states.find((s) => s.value === overdue.state);
    return database.transaction('automation.blueprint-time-limit', async (trx) => {
      if (!(await claimEscalation(trx, target.schema, overdue))) return false;
      const record = await lockRecord(trx, { schema: target.schema, module: target.module, id: overdue.record_id });
      // Gone, or moved on without the event having caught up yet: nothing to escalate for this entry.
      if (!record || record.deleted_at || valueOf(target.module, blueprint.field, record) !== overdue.state) return false;
      const ownerId = typeof record.owner_id === 'string' ? record.owner_id : null;
      const told = recipients(people, blueprint, overdue.state, ownerId);
      const names = await findRecordNames(
        trx,
        { schema: target.schema, table: target.module.table, displayFields: target.module.displayFields },
        [overdue.record_id],
      );
      const picklist = target.module.fields.find((f) => f.apiName === blueprint.field);
      for (const userId of told) {
        const language = mailLanguage(people.users.find((user) => user.id === userId)?.language ?? undefined);
        const text = overdueText(language, {
          record: names.get(overdue.record_id)?.trim() || target.module.apiName,
          blueprint: blueprint.name,
          state: picklist?.options.values?.find((v) => v.code === overdue.state)?.labels[language] ?? overdue.state,
          hours: state?.timeLimitHours ?? 0,
        });
        await notifier.notify(trx, {
          orgId: target.orgId,
          userId,
          kind: 'blueprint.overdue',
          title: text.title,
          body: text.body,
          link: `/records/${target.module.apiName}/${overdue.record_id}`,
        });
      }
      await insertTimeline(trx, target.schema, [
        {
          id: newId(),
          module: target.module.apiName,
          record_id: overdue.record_id,
          kind: 'blueprint_overdue',
          actor_id: null,
          at: now,
          data: { blueprintId: blueprint.id, blueprint: blueprint.name, state: overdue.state, notified: told },
        },
      ]);
      await deps.engine.runLogged(trx, target, blueprint, overdue.record_id, state?.escalation?.actions ?? [], {
        key: `${overdue.entered_key}:time-limit`,
        trigger: 'blueprint.time_limit',
        reason: `Past the time limit of “${overdue.state}”.`,
      });
      return true;
    });
  }

  /** One organization's overdue records; returns how many escalated. */
  async function runOrg(orgId: string, schema: string, now: Date): Promise<number> {
    let escalated = 0;
    const blueprints = new Map<string, BlueprintRow | undefined>();
    const targets = new Map<string, Target | undefined>();
    let people: People | null = null;
    for (;;) {
      const page = await listOverdue(database.db, schema, now, PAGE);
      let claimedAny = false;
      for (const overdue of page) {
        if (!blueprints.has(overdue.blueprint_id))
          blueprints.set(overdue.blueprint_id, await findBlueprint(database.db, schema, overdue.blueprint_id));
        if (!targets.has(overdue.module)) targets.set(overdue.module, await deps.engine.targetOf(orgId, overdue.module));
        const blueprint = blueprints.get(overdue.blueprint_id);
        const target = targets.get(overdue.module);
        if (!blueprint || !target) continue;
        people ??= await listOrgPeople(database.db, orgId);
        if (await escalate(target, blueprint, overdue, people, now)) escalated++;
        claimedAny = true;
      }
      // Each row handled is claimed (escalated or not), so the next page holds new ones.
      if (page.length < PAGE || !claimedAny) break;
    }
    return escalated;
  }

  /** One pass over every organization; returns how many entries escalated. */
  async function runAll(now = ctx.now()): Promise<number> {
    let total = 0;
    for (const org of await listOrganizations(database.db)) total += await runOrg(org.id, org.schema_name, now);
    return total;
  }

  return { runAll, runOrg };
}
