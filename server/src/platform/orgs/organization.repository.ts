import type { Executor } from '../../db/database.js';
import type { BusinessHours, Holiday } from '../../db/platform-schema.js';

export function findOrganization(executor: Executor, id: string) {
  return executor
    .selectFrom('platform.organizations')
    .select([
      'id',
      'name',
      'logo',
      'default_language',
      'time_zone',
      'currency',
      'exchange_rates',
      'fiscal_year_start_month',
      'business_hours',
      'holidays',
      'updated_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export type OrganizationRow = NonNullable<Awaited<ReturnType<typeof findOrganization>>>;

export async function updateOrganization(
  executor: Executor,
  id: string,
  changes: {
    name?: string;
    logo?: string | null;
    default_language?: string;
    time_zone?: string;
    currency?: string;
    exchange_rates?: Record<string, string>;
    fiscal_year_start_month?: number;
    business_hours?: BusinessHours;
    holidays?: Holiday[];
    updated_at: Date;
  },
) {
  const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
  await executor
    .updateTable('platform.organizations')
    .set({
      ...changes,
      exchange_rates: json(changes.exchange_rates),
      business_hours: json(changes.business_hours),
      holidays: json(changes.holidays),
    })
    .where('id', '=', id)
    .execute();
}

/** Locks the organization's row until the transaction ends (not against foreign-key checks of other tables). */
export async function lockOrganization(executor: Executor, id: string): Promise<void> {
  await executor.selectFrom('platform.organizations').select('id').where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}
