import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { createNotifier } from '../../platform/notifications/index.js';
import {
  compileFilter,
  formatFieldValue,
  fullFilterScope,
  insertTimeline,
  loadRecordScopes,
  moduleView,
  withSavepoint,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import { addBusinessMinutes, type BusinessCalendar } from '../../crm/index.js';
import { ruleActor } from '../workflow/workflow.repository.js';
import type { EscalationLevel } from './escalation.schemas.js';
import {
  claimEscalation,
  findActiveRule,
  listOrganizations,
  listOrgPeople,
  listOverdueCases,
  type EscalationOrg,
  type EscalationRuleRow,
  type OverdueCase,
} from './escalation.repository.js';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Every few minutes: open cases past their SLA escalate, level by level, each level once. */
    'automation.case-escalation': Record<string, never>;
  }
}

export const ESCALATION_JOB = 'automation.case-escalation';
const PAGE = 500;

const TEXT = {
  es: {
    title: (name: string, level: number) => `Caso escalado (nivel ${level}): ${name}`,
    body: (due: string, owner: string) => `Superó su SLA (vencía ${due}) sin resolverse. Propietario: ${owner}.`,
    reassigned: (name: string) => ` Ahora se asigna a ${name}.`,
  },
  en: {
    title: (name: string, level: number) => `Case escalated (level ${level}): ${name}`,
    body: (due: string, owner: string) => `It is past its SLA (due ${due}) and not resolved. Owner: ${owner}.`,
    reassigned: (name: string) => ` It is now assigned to ${name}.`,
  },
};

type People = Awaited<ReturnType<typeof listOrgPeople>>;

/** One organization's pass: what every escalation of the pass shares. */
interface Pass {
  org: EscalationOrg;
  rule: EscalationRuleRow;
  metadata: OrgMetadata;
  cases: ModuleMeta;
  people: People;
  /** Who changes cases (reassign, fields): the rule's creator with full rights, else an administrator; null: nobody. */
  actor: AuthContext | null;
}

/** What a level changed on the case, for the timeline (and the notification). */
interface CaseChange {
  reassignedTo?: string;
  set?: Record<string, unknown>;
  changeError?: string;
}

/**
 * How many roles above the current owner a level's managers are: counted from the last earlier level that reassigned
 * the case (its new owner is where the climb starts again), else from level 1.
 */
export function rolesUp(levels: EscalationLevel[], position: number): number {
  let from = 0;
  for (let index = 0; index < position; index++) if (levels[index]!.reassign) from = index + 1;
  return position + 1 - from;
}

/** The active users `levelsUp` roles above the owner's role; a role with nobody active is passed on the way up (none: []). */
export function managersOf(people: People, ownerId: string | null, levelsUp: number): string[] {
  const owner = people.users.find((user) => user.id === ownerId);
  const parentOf = new Map(people.roles.map((role) => [role.id, role.parent_id]));
  let role = owner?.role_id ?? null;
  let climbed = 0;
  for (let guard = 0; role && guard < 100; guard++) {
    role = parentOf.get(role) ?? null;
    if (!role) return [];
    const users = people.users.filter((user) => user.active && user.role_id === role).map((user) => user.id);
    if (users.length > 0 && ++climbed === levelsUp) return users;
  }
  return [];
}

/**
 * Case escalation (AUT-7): each open case past its SLA due time that the
 * active rule's criteria match escalates level by level — level 1 after the
 * level's business minutes from the SLA due time, each next level after its
 * minutes from the previous one, counted on the organization's business
 * hours and holidays. A level is claimed in `automation_case_escalations` in
 * the transaction of its notifications and timeline entry, so a rerun or a
 * second node never escalates it twice.
 */
export function createEscalationRunner(
  ctx: Pick<AppContext, 'database' | 'events' | 'now'>,
  deps: { metadata: MetadataStore; records: RecordService },
) {
  const { database } = ctx;
  const notifier = createNotifier(ctx);

  async function runOrg(org: EscalationOrg, now: Date): Promise<number> {
    const rule = await findActiveRule(database.db, org.schema_name);
    if (!rule) return 0;
    const metadata = await deps.metadata.get(org.id, org.schema_name);
    const cases = metadata.modules.get('cases');
    if (!cases) return 0;
    let condition;
    try {
      condition =
        rule.criteria === null || rule.criteria === undefined
          ? sql<boolean>`true`
          : compileFilter(rule.criteria, cases, fullFilterScope(metadata));
    } catch {
      return 0; // criteria on a field deleted since: the rule waits for an administrator to fix it
    }
    const calendar: BusinessCalendar = {
      timeZone: org.time_zone,
      days: org.business_hours?.days ?? [],
      holidays: (org.holidays ?? []).map((holiday) => holiday.date),
    };
    const people = await listOrgPeople(database.db, org.id);
    const changes = rule.levels.some((level) => level.reassign || (level.setFields ?? []).length > 0);
    const actor = changes ? await ruleActor(database.db, org.id, rule.created_by) : null;
    const pass: Pass = { org, rule, metadata, cases, people, actor: actor && { ...actor, automationDepth: 1 } };
    let escalated = 0;
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const page: OverdueCase[] = await listOverdueCases(database.db, {
        schema: org.schema_name,
        table: cases.table,
        now,
        levels: rule.levels.length,
        condition,
        after,
        limit: PAGE,
      });
      for (const overdue of page) {
        let due = new Date(overdue.sla_due_at);
        for (const [position, level] of rule.levels.entries()) {
          due = addBusinessMinutes(due, level.afterMinutes, calendar);
          if (position + 1 <= overdue.done) continue;
          if (due > now) break;
          if (await escalate(pass, overdue, position, level, due, now)) escalated++;
        }
      }
      if (page.length < PAGE) break;
      const last = page.at(-1)!;
      after = { at: last.sla_due_at, id: last.id };
    }
    return escalated;
  }

  /**
   * Reassigns the case and sets the level's fields through the records service (checked like any edit, on the
   * timeline, with its record.updated event), in a savepoint: a refused change is logged and the escalation stands.
   */
  async function changeCase(
    trx: Trx,
    pass: Pass,
    overdue: OverdueCase,
    config: EscalationLevel,
    newOwner: string | null,
  ): Promise<CaseChange> {
    const change: CaseChange = {};
    const values: Record<string, unknown> = Object.fromEntries((config.setFields ?? []).map((set) => [set.field, set.value]));
    if (newOwner && newOwner !== overdue.owner_id) values.owner_id = newOwner;
    if (Object.keys(values).length === 0) return change;
    if (!pass.actor) return { changeError: 'No active administrator to change the case as.' };
    const actor = pass.actor;
    try {
      const row = await withSavepoint(trx, async () => {
        const view = moduleView(actor, pass.metadata, 'cases', 'edit');
        const scopes = await loadRecordScopes(trx, actor);
        return (await deps.records.updateOne(trx, actor, view, scopes, overdue.id, values)).row;
      });
      if (values.owner_id) change.reassignedTo = newOwner!;
      const set = (config.setFields ?? []).map((item) => item.field);
      if (set.length > 0)
        change.set = Object.fromEntries(
          set.map((name) => {
            const field = pass.cases.fields.find((candidate) => candidate.apiName === name);
            return [name, field ? formatFieldValue(field, row[name]) : null];
          }),
        );
      return change;
    } catch (error) {
      if (error instanceof AppError) return { changeError: error.message };
      throw error;
    }
  }

  async function escalate(pass: Pass, overdue: OverdueCase, position: number, config: EscalationLevel, due: Date, now: Date) {
    const { org, people } = pass;
    const level = position + 1;
    const active = new Set(people.users.filter((user) => user.active).map((user) => user.id));
    let targets =
      config.target.type === 'user'
        ? [config.target.userId].filter((id) => active.has(id))
        : managersOf(people, overdue.owner_id, rolesUp(pass.rule.levels, position));
    // Reassigned to whom the case escalates: never to the administrators told only because nobody was found.
    const newOwner = config.reassign ? (targets[0] ?? null) : null;
    // Nobody above the owner (no role, the top of the tree) or the named user left: the administrators hear of it instead.
    if (targets.length === 0) targets = people.users.filter((user) => user.active && user.is_admin).map((user) => user.id);
    const told = [
      ...new Set([...targets, ...(config.notifyOwner && overdue.owner_id && active.has(overdue.owner_id) ? [overdue.owner_id] : [])]),
    ];
    const nameOf = (id: string | null) => people.users.find((user) => user.id === id)?.name ?? '—';
    const ownerName = nameOf(overdue.owner_id);
    const name = [overdue.case_number, overdue.subject].filter(Boolean).join(' · ') || overdue.id;
    const escalated = await database.transaction('automation.case-escalation', async (trx) => {
      const claimed = await claimEscalation(trx, org.schema_name, {
        case_id: overdue.id,
        level,
        rule_id: pass.rule.id,
        due_at: due,
        escalated_at: now,
        escalated_to: targets,
      });
      if (!claimed) return null;
      const change = await changeCase(trx, pass, overdue, config, newOwner);
      for (const userId of told) {
        const language = (people.users.find((user) => user.id === userId)?.language ?? org.default_language) === 'en' ? 'en' : 'es';
        const dueText = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: org.time_zone }).format(
          new Date(overdue.sla_due_at),
        );
        await notifier.notify(trx, {
          orgId: org.id,
          userId,
          kind: 'case.escalated',
          title: TEXT[language].title(name, level),
          body:
            TEXT[language].body(dueText, ownerName) + (change.reassignedTo ? TEXT[language].reassigned(nameOf(change.reassignedTo)) : ''),
          link: `/records/cases/${overdue.id}`,
        });
      }
      await insertTimeline(trx, org.schema_name, [
        {
          id: newId(),
          module: 'cases',
          record_id: overdue.id,
          kind: 'escalated',
          actor_id: null,
          at: now,
          data: { level, ruleId: pass.rule.id, escalatedTo: targets, ...change },
        },
      ]);
      return change;
    });
    // Later levels of this pass climb from the new owner.
    if (escalated?.reassignedTo) overdue.owner_id = escalated.reassignedTo;
    return escalated !== null;
  }

  /** One pass over every organization; returns how many levels escalated. */
  async function runAll(now = ctx.now()): Promise<number> {
    let total = 0;
    for (const org of await listOrganizations(database.db)) total += await runOrg(org, now);
    return total;
  }

  return { runAll, runOrg };
}
