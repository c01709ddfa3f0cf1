/**
 * Cockpit periods, named as the server names them (server/src/platform/orgs/periods.ts): a month `2026-07`, a fiscal
 * quarter `2026-Q3` or a fiscal year `2026`, the fiscal year named after the calendar year in which it starts.
 */
export type PeriodKind = 'month' | 'quarter' | 'year';

const PERIOD = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;

export function periodKind(label: string): PeriodKind | null {
  const match = PERIOD.exec(label);
  if (!match) return null;
  return match[2] ? 'month' : match[3] ? 'quarter' : 'year';
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  const values = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  return `${values.year}-${values.month}-${values.day}`;
}

/** The period of a kind that holds a date. */
export function periodOf(date: string, kind: PeriodKind, fiscalYearStartMonth: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  if (kind === 'month') return date.slice(0, 7);
  const monthsIn = (m - fiscalYearStartMonth + 12) % 12;
  const fiscalYear = m >= fiscalYearStartMonth ? y : y - 1;
  return kind === 'year' ? String(fiscalYear) : `${fiscalYear}-Q${Math.floor(monthsIn / 3) + 1}`;
}

/** The period before. */
export function previousOf(label: string): string {
  const match = PERIOD.exec(label)!;
  const year = Number(match[1]);
  if (match[2]) {
    const month = Number(match[2]);
    return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  }
  if (match[3]) {
    const quarter = Number(match[3]);
    return quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
  }
  return String(year - 1);
}

/** The `count` periods ending with `label`, newest first. */
export function periodsBack(label: string, count: number): string[] {
  const list = [label];
  while (list.length < count) list.push(previousOf(list.at(-1)!));
  return list;
}

/** A period for people: "jul 2026", "T3 2026", "Año fiscal 2026". */
export function periodName(
  label: string,
  language: string,
  t: (key: string, values?: Record<string, unknown>) => string,
  fiscalYearStartMonth = 1,
): string {
  const match = PERIOD.exec(label);
  if (!match) return label;
  const year = Number(match[1]);
  if (match[2]) {
    return new Intl.DateTimeFormat(language, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(year, Number(match[2]) - 1, 1)),
    );
  }
  // A fiscal year that does not start in January spans two calendar years: name both.
  const yearText = fiscalYearStartMonth === 1 ? String(year) : `${year}/${String(year + 1).slice(2)}`;
  if (match[3]) return t('cockpit.quarterLabel', { quarter: match[3], year: yearText });
  return t('cockpit.yearLabel', { year: yearText });
}
