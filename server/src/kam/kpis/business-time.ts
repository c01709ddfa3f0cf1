import { addDays, localDate, startOfDay } from '../../platform/orgs/periods.js';

/** The organization's working time: opening intervals per ISO weekday (1 Monday … 7 Sunday), holidays, time zone. */
export interface WorkingCalendar {
  timeZone: string;
  days: Array<{ day: number; start: string; end: string }>;
  holidays: string[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const MINUTE = 60_000;
/** Ten years of days: beyond any case that is still worth a median. */
const MAX_DAYS = 3660;

/**
 * Working minutes between two instants on the calendar (as the case SLA
 * counts them: opening intervals of each local day, holidays skipped). An
 * interval's local times are placed on the day by offset from local midnight,
 * so on the two DST change days an interval is an hour off at most.
 */
export function businessMinutesBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  if (to <= from) return 0;
  const holidays = new Set(calendar.holidays);
  let total = 0;
  let day = localDate(from, calendar.timeZone);
  const last = localDate(to, calendar.timeZone);
  for (let guard = 0; day <= last && guard < MAX_DAYS; guard++, day = addDays(day, 1)) {
    if (holidays.has(day)) continue;
    const midnight = startOfDay(day, calendar.timeZone).getTime();
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    for (const interval of calendar.days) {
      if (interval.day !== weekday) continue;
      const open = Math.max(midnight + minutesOf(interval.start) * MINUTE, from.getTime());
      const close = Math.min(midnight + minutesOf(interval.end) * MINUTE, to.getTime());
      if (close > open) total += (close - open) / MINUTE;
    }
  }
  return total;
}
