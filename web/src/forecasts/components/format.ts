import { formatMoney } from '../../records/format';

type T = (key: string, values?: Record<string, unknown>) => string;

/** A period for people: "nov 2026" for a month, "T3 2026 (1 oct – 31 dic)" for a fiscal quarter. */
export function periodName(period: { label: string; start: string; end: string }, language: string, t: T): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period.label);
  const day = (date: string) => new Date(`${date}T00:00:00Z`);
  if (!quarter) return new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(day(period.start));
  const range = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatRange(
    day(period.start),
    day(period.end),
  );
  return `${t('quarterLabel', { quarter: quarter[2], year: quarter[1] })} (${range})`;
}

/** An amount in the organization's currency; a change gets its sign (+1.200,00 €). */
export function money(amount: string, currency: string, language: string, signed = false): string {
  const text = formatMoney(amount, currency, language);
  return signed && Number(amount) > 0 ? `+${text}` : text;
}

/** An attainment ratio as a percentage (0.5 → "50 %"). */
export function percent(ratio: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}
