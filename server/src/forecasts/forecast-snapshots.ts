import type { AppContext } from '../platform/context.js';
import { localDate } from '../platform/orgs/periods.js';
import { hasSnapshotOn, listOrganizations } from './forecast.repository.js';
import type { ForecastService } from './forecast.service.js';

declare module '../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Hourly: each organization's weekly forecast snapshot, on Monday from 06:00 its time. */
    'forecasts.weekly-snapshot': Record<string, never>;
  }
}

export const WEEKLY_SNAPSHOT_JOB = 'forecasts.weekly-snapshot';
export const SNAPSHOT_WEEKDAY = 'Mon';
export const SNAPSHOT_LOCAL_HOUR = 6;

/** The weekday (Mon…Sun) and hour (0–23) of an instant in a time zone. */
export function localWeekdayHour(at: Date, timeZone: string): { weekday: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { weekday: parts.weekday ?? '', hour: Number(parts.hour) };
}

/** Takes the snapshot of every organization whose local time is Monday 06:00 or later and that has none of today yet. */
export async function runWeeklySnapshots(ctx: Pick<AppContext, 'database' | 'now'>, forecasts: Pick<ForecastService, 'takeSnapshot'>) {
  const now = ctx.now();
  const taken: string[] = [];
  for (const org of await listOrganizations(ctx.database.db)) {
    const { weekday, hour } = localWeekdayHour(now, org.time_zone);
    if (weekday !== SNAPSHOT_WEEKDAY || hour < SNAPSHOT_LOCAL_HOUR) continue;
    if (await hasSnapshotOn(ctx.database.db, org.schema_name, localDate(now, org.time_zone))) continue;
    await forecasts.takeSnapshot({ id: org.id, schema: org.schema_name });
    taken.push(org.id);
  }
  return taken;
}
