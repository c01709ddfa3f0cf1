import { addDays, addMonths, parsePeriod, periodLabelOf, startOfDay, type OrgCalendar } from '../platform/orgs/periods.js';
import { badRequest } from '../platform/http/app-error.js';
import type { PeriodRange } from './report.schemas.js';

/** A report's date range: days of the organization's time zone, both included, and how to step to the previous one. */
export interface DayRange {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  to: string;
  /** The first instant of `from` and of the day after `to`, in the organization's time zone. */
  startAt: Date;
  endAt: Date;
  /** The previous period is this many months (calendar periods) or days (day counts) earlier. */
  step: { months: number } | { days: number };
}

const dayRange = (from: string, to: string, step: DayRange['step'], calendar: OrgCalendar): DayRange => ({
  from,
  to,
  startAt: startOfDay(from, calendar.timeZone),
  endAt: startOfDay(addDays(to, 1), calendar.timeZone),
  step,
});

const months = (from: string, count: number, calendar: OrgCalendar) =>
  dayRange(from, addDays(addMonths(from, count), -1), { months: count }, calendar);

/** Monday of the ISO week holding `date`. */
const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

/**
 * The days a range covers, from `today` (the organization's local date):
 * `last_30_days` ends today, `next_30_days` starts tomorrow; weeks start on Monday;
 * quarters are calendar quarters, fiscal ones follow the fiscal year's first month.
 */
export function resolveRange(range: PeriodRange, today: string, calendar: OrgCalendar): DayRange {
  if (typeof range === 'object') {
    if (!isDay(range.from) || !isDay(range.to)) throw badRequest('period: from and to are days (YYYY-MM-DD).', 'period');
    if (range.from > range.to) throw badRequest('period: "from" comes after "to".', 'period');
    const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
    return dayRange(range.from, range.to, { days }, calendar);
  }
  const monthStart = `${today.slice(0, 7)}-01`;
  const quarterStart = `${today.slice(0, 4)}-${String(Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  const fiscalQuarter = () => parsePeriod(periodLabelOf(today, 'quarter', calendar), calendar).start;
  const fiscalYear = () => parsePeriod(periodLabelOf(today, 'year', calendar), calendar).start;
  switch (range) {
    case 'today':
      return dayRange(today, today, { days: 1 }, calendar);
    case 'yesterday':
      return dayRange(addDays(today, -1), addDays(today, -1), { days: 1 }, calendar);
    case 'this_week':
      return dayRange(mondayOf(today), addDays(mondayOf(today), 6), { days: 7 }, calendar);
    case 'last_week':
      return dayRange(addDays(mondayOf(today), -7), addDays(mondayOf(today), -1), { days: 7 }, calendar);
    case 'this_month':
      return months(monthStart, 1, calendar);
    case 'last_month':
      return months(addMonths(monthStart, -1), 1, calendar);
    case 'next_month':
      return months(addMonths(monthStart, 1), 1, calendar);
    case 'this_quarter':
      return months(quarterStart, 3, calendar);
    case 'last_quarter':
      return months(addMonths(quarterStart, -3), 3, calendar);
    case 'next_quarter':
      return months(addMonths(quarterStart, 3), 3, calendar);
    case 'this_fiscal_quarter':
      return months(fiscalQuarter(), 3, calendar);
    case 'last_fiscal_quarter':
      return months(addMonths(fiscalQuarter(), -3), 3, calendar);
    case 'this_fiscal_year':
      return months(fiscalYear(), 12, calendar);
    case 'last_fiscal_year':
      return months(addMonths(fiscalYear(), -12), 12, calendar);
    case 'last_7_days':
    case 'last_30_days':
    case 'last_90_days': {
      const days = Number(range.split('_')[1]);
      return dayRange(addDays(today, 1 - days), today, { days }, calendar);
    }
    case 'next_30_days':
    case 'next_90_days': {
      const days = Number(range.split('_')[1]);
      return dayRange(addDays(today, 1), addDays(today, days), { days }, calendar);
    }
  }
}

/** The period just before (a KPI's comparison): the same span, one step earlier. */
export function previousRange(range: DayRange, calendar: OrgCalendar): DayRange {
  if ('months' in range.step) return months(addMonths(range.from, -range.step.months), range.step.months, calendar);
  const { days } = range.step;
  return dayRange(addDays(range.from, -days), addDays(range.to, -days), range.step, calendar);
}

function isDay(text: string): boolean {
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text;
}
