import type { Executor } from '../../db/database.js';
import type { RecordBehaviour } from '../../records/index.js';
import { addBusinessMinutes } from './business-calendar.js';

/** Resolution times when an administrator has set none: business hours per priority. */
export const DEFAULT_SLA_MINUTES: Record<string, number> = { urgent: 4 * 60, high: 8 * 60, medium: 24 * 60, low: 72 * 60 };
const CLOSED = new Set(['resolved', 'closed']);

export async function listSlaPolicies(executor: Executor, orgId: string): Promise<Record<string, number>> {
  const rows = await executor
    .selectFrom('platform.case_sla_policies')
    .select(['priority', 'resolution_minutes'])
    .where('org_id', '=', orgId)
    .execute();
  return { ...DEFAULT_SLA_MINUTES, ...Object.fromEntries(rows.map((row) => [row.priority, row.resolution_minutes])) };
}

export async function replaceSlaPolicies(executor: Executor, orgId: string, policies: Record<string, number>): Promise<void> {
  await executor.deleteFrom('platform.case_sla_policies').where('org_id', '=', orgId).execute();
  const rows = Object.entries(policies).map(([priority, minutes]) => ({ org_id: orgId, priority, resolution_minutes: minutes }));
  if (rows.length > 0) await executor.insertInto('platform.case_sla_policies').values(rows).execute();
}

/**
 * Cases: `sla_due_at` is the creation time plus the priority's resolution time
 * in business hours (recomputed from the creation time when the priority
 * changes); `resolved_at` is set when the case is resolved or closed (unless
 * given) and cleared when it is opened again.
 */
export const caseSlaBehaviour: RecordBehaviour = async ({ values, current, now, auth, trx }) => {
  const priorityChanged = 'priority' in values && (!current || current.priority !== values.priority);
  if (!current || priorityChanged) {
    const priority = (values.priority ?? current?.priority) as string | null;
    const policies = await listSlaPolicies(trx, auth.orgId);
    const minutes = priority ? policies[priority] : undefined;
    const org = await trx
      .selectFrom('platform.organizations')
      .select(['time_zone', 'business_hours', 'holidays'])
      .where('id', '=', auth.orgId)
      .executeTakeFirstOrThrow();
    const createdAt = current ? new Date(current.created_at as Date) : now;
    values.sla_due_at =
      minutes === undefined
        ? null
        : addBusinessMinutes(createdAt, minutes, {
            timeZone: org.time_zone,
            days: org.business_hours.days ?? [],
            holidays: (org.holidays ?? []).map((h) => h.date),
          });
  }
  if ('status' in values && (!current || current.status !== values.status)) {
    const closed = CLOSED.has(values.status as string);
    if (closed && !values.resolved_at) values.resolved_at = current?.resolved_at ?? now;
    if (!closed && !('resolved_at' in values)) values.resolved_at = null;
  }
};
