import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { createNotifier } from '../../platform/notifications/index.js';
import { compileFilter, fullFilterScope, insertTimeline, type MetadataStore } from '../../records/index.js';
import { addBusinessMinutes, type BusinessCalendar } from '../../crm/index.js';
import type { EscalationLevel } from './escalation.schemas.js';
import {
  claimEscalation,
  findActiveRule,
  listOrganizations,
  listOrgPeople,
  listOverdueCases,
  type EscalationOrg,
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
  },
  en: {
    title: (name: string, level: number) => `Case escalated (level ${level}): ${name}`,
    body: (due: string, owner: string) => `It is past its SLA (due ${due}) and not resolved. Owner: ${owner}.`,
  },
};

type People = Awaited<ReturnType<typeof listOrgPeople>>;

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
export function createEscalationRunner(ctx: Pick<AppContext, 'database' | 'events' | 'now'>, deps: { metadata: MetadataStore }) {
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
          if (await escalate(org, rule.id, overdue, position + 1, level, due, now, people)) escalated++;
        }
      }
      if (page.length < PAGE) break;
      const last = page.at(-1)!;
      after = { at: last.sla_due_at, id: last.id };
    }
    return escalated;
  }

  async function escalate(
    org: EscalationOrg,
    ruleId: string,
    overdue: OverdueCase,
    level: number,
    config: EscalationLevel,
    due: Date,
    now: Date,
    people: People,
  ): Promise<boolean> {
    const active = new Set(people.users.filter((user) => user.active).map((user) => user.id));
    let targets =
      config.target.type === 'user' ? [config.target.userId].filter((id) => active.has(id)) : managersOf(people, overdue.owner_id, level);
    // Nobody above the owner (no role, the top of the tree) or the named user left: the administrators hear of it instead.
    if (targets.length === 0) targets = people.users.filter((user) => user.active && user.is_admin).map((user) => user.id);
    const told = [
      ...new Set([...targets, ...(config.notifyOwner && overdue.owner_id && active.has(overdue.owner_id) ? [overdue.owner_id] : [])]),
    ];
    const ownerName = people.users.find((user) => user.id === overdue.owner_id)?.name ?? '—';
    const name = [overdue.case_number, overdue.subject].filter(Boolean).join(' · ') || overdue.id;
    return database.transaction('automation.case-escalation', async (trx) => {
      const claimed = await claimEscalation(trx, org.schema_name, {
        case_id: overdue.id,
        level,
        rule_id: ruleId,
        due_at: due,
        escalated_at: now,
        escalated_to: targets,
      });
      if (!claimed) return false;
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
          body: TEXT[language].body(dueText, ownerName),
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
          data: { level, ruleId, escalatedTo: targets },
        },
      ]);
      return true;
    });
  }

  /** One pass over every organization; returns how many levels escalated. */
  async function runAll(now = ctx.now()): Promise<number> {
    let total = 0;
    for (const org of await listOrganizations(database.db)) total += await runOrg(org, now);
    return total;
  }

  return { runAll, runOrg };
}
