import { badRequest } from '../http/app-error.js';

/**
 * KPI periods: a calendar month (`2026-07`), a fiscal quarter (`2026-Q3`) or a
 * fiscal year (`2026`) of the organization. A fiscal year is named after the
 * calendar year in which it starts. Days are the organization's time zone's:
 * a period covers [`startAt`, `endAt`), local midnight to local midnight.
 */
export interface OrgCalendar {
  timeZone: string;
  /** 1 (January) … 12. */
  fiscalYearStartMonth: number;
}

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  label: string;
  kind: PeriodKind;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  end: string;
  /** The first instant of the first day in the organization's time zone. */
  startAt: Date;
  /** The first instant of the day after the last day (exclusive). */
  endAt: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDate = (year: number, month: number, day: number) => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
};
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

/** `date` plus `days` days (negative to go back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return isoDate(y, m, d + days);
}

/** `date` plus `months` months, the day kept (clamped to the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return isoDate(y, m + months, Math.min(d, lastDay));
}

/** The local calendar date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const values = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${values.year}-${values.month}-${values.day}`;
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const values = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  );
  const wall = Date.UTC(values.year!, values.month! - 1, values.day!, values.hour!, values.minute!, values.second!);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a local day begins (local midnight; if a DST change skips midnight, the first instant that exists). */
export function startOfDay(date: string, timeZone: string): Date {
  const [y, m, d] = parts(date);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetAt(new Date(guess), timeZone);
  return new Date(guess - offsetAt(new Date(first), timeZone));
}

function build(kind: PeriodKind, label: string, start: string, endExclusive: string, timeZone: string): Period {
  return {
    label,
    kind,
    start,
    end: addDays(endExclusive, -1),
    startAt: startOfDay(start, timeZone),
    endAt: startOfDay(endExclusive, timeZone),
  };
}

function monthPeriod(year: number, month: number, calendar: OrgCalendar): Period {
  const start = isoDate(year, month, 1);
  return build('month', start.slice(0, 7), start, addMonths(start, 1), calendar.timeZone);
}

function quarterPeriod(fiscalYear: number, quarter: number, calendar: OrgCalendar): Period {
  const start = addMonths(isoDate(fiscalYear, calendar.fiscalYearStartMonth, 1), 3 * (quarter - 1));
  return build('quarter', `${fiscalYear}-Q${quarter}`, start, addMonths(start, 3), calendar.timeZone);
}

function yearPeriod(fiscalYear: number, calendar: OrgCalendar): Period {
  const start = isoDate(fiscalYear, calendar.fiscalYearStartMonth, 1);
  return build('year', String(fiscalYear), start, addMonths(start, 12), calendar.timeZone);
}

const PERIOD_PATTERN = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;

/** Parses `2026`, `2026-Q3` or `2026-07`; anything else is a 400 naming `period`. */
export function parsePeriod(text: string, calendar: OrgCalendar): Period {
  const match = PERIOD_PATTERN.exec(text.trim());
  const year = match ? Number(match[1]) : 0;
  if (!match || year < 1900 || year > 2999)
    throw badRequest('Use a period such as 2026 (fiscal year), 2026-Q3 (fiscal quarter) or 2026-07 (month).', 'period');
  if (match[2]) return monthPeriod(year, Number(match[2]), calendar);
  if (match[3]) return quarterPeriod(year, Number(match[3]), calendar);
  return yearPeriod(year, calendar);
}

/** The period just before (previous month, quarter or year). */
export function previousPeriod(period: Period, calendar: OrgCalendar): Period {
  if (period.kind === 'month') {
    const [y, m] = parts(addMonths(period.start, -1));
    return monthPeriod(y, m, calendar);
  }
  if (period.kind === 'quarter') {
    const [fy, q] = period.label.split('-Q').map(Number) as [number, number];
    return q === 1 ? quarterPeriod(fy - 1, 4, calendar) : quarterPeriod(fy, q - 1, calendar);
  }
  return yearPeriod(Number(period.label) - 1, calendar);
}

/** The `count` periods ending with `period`, oldest first. */
export function lastPeriods(period: Period, calendar: OrgCalendar, count = 8): Period[] {
  const periods = [period];
  while (periods.length < count) periods.unshift(previousPeriod(periods[0]!, calendar));
  return periods;
}

/** The fiscal quarter or year label that holds a date (for the cockpit's default period). */
export function periodLabelOf(date: string, kind: PeriodKind, calendar: OrgCalendar): string {
  const [y, m] = parts(date);
  if (kind === 'month') return date.slice(0, 7);
  const monthsIn = (m - calendar.fiscalYearStartMonth + 12) % 12;
  const fiscalYear = m >= calendar.fiscalYearStartMonth ? y : y - 1;
  return kind === 'year' ? String(fiscalYear) : `${fiscalYear}-Q${Math.floor(monthsIn / 3) + 1}`;
}
