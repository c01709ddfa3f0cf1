import { localParts, zonedTime } from '../../crm/index.js';
import type { ScheduleRow } from './schedule.repository.js';

type When = Pick<ScheduleRow, 'frequency' | 'run_on' | 'time' | 'weekdays' | 'month_day'>;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The first time the schedule falls due strictly after `after`, in the organization's time zone (null: never again —
 * a once in the past). Monthly on the 31st runs on the last day of shorter months.
 */
export function nextRunAfter(when: When, after: Date, timeZone: string): Date | null {
  const hour = Number(when.time.slice(0, 2));
  const minute = Number(when.time.slice(3, 5));
  if (when.frequency === 'once') {
    if (!when.run_on) return null;
    const [year, month, day] = when.run_on.split('-').map(Number) as [number, number, number];
    const at = zonedTime(year, month, day, hour, minute, timeZone);
    return at.getTime() > after.getTime() ? at : null;
  }
  const today = localParts(after, timeZone);
  for (let offset = 0; offset <= 400; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    if (when.frequency === 'weekly' && !when.weekdays.includes(weekday)) continue;
    if (when.frequency === 'monthly' && day !== Math.min(when.month_day ?? 1, daysInMonth(year, month))) continue;
    const at = zonedTime(year, month, day, hour, minute, timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  return null;
}
