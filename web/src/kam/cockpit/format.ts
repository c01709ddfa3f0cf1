import type { Kpi, KpiUnit, KpiValue } from './cockpit-api';

type T = (key: string, values?: Record<string, unknown>) => string;

/** KPIs where less is better: a fall is good news and the target is a ceiling. */
export const LOWER_IS_BETTER = new Set(['churn_rate', 'revenue_churn', 'days_since_last_touch', 'resolution_time_hours']);
/** Scores shown with their sign (−100…100). */
const SIGNED_SCORES = new Set(['nps', 'enps']);
/**
 * Ratios that are a multiple, not a share (new-business ÷ repeat revenue): the API's unit stays `ratio`,
 * the web shows them as ×16,0 rather than 1.597,7 %.
 */
const MULTIPLES = new Set(['new_to_repeat_ratio']);

/** Whether a KPI's ratio is shown as a multiple (×1,5) rather than a percentage. */
export const isMultiple = (id: string): boolean => MULTIPLES.has(id);

export const numberOf = (value: KpiValue): number | null => {
  if (value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/**
 * A KPI value for people, in its unit: currency in the organization's, ratios as % (multiples as ×1,5, one
 * decimal), days, hours; "—" for no value.
 */
export function formatKpi(id: string, unit: KpiUnit, value: KpiValue, context: { language: string; currency: string; t: T }): string {
  const n = numberOf(value);
  if (n === null) return '—';
  const { language, currency, t } = context;
  switch (unit) {
    case 'currency':
      return new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);
    case 'ratio':
      if (isMultiple(id)) return `×${new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)}`;
      return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(n);
    case 'score': {
      const text = new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(n);
      return SIGNED_SCORES.has(id) && n > 0 ? `+${text}` : text;
    }
    case 'count':
      return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(n);
    case 'days':
      return t('cockpit.units.days', { value: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(n) });
    case 'hours':
      return t('cockpit.units.hours', { value: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(n) });
  }
}

/**
 * The change from the previous period in the KPI's unit (ratios in percentage points, multiples as ×0,5), signed;
 * null without both values.
 */
export function formatChange(kpi: Kpi, context: { language: string; currency: string; t: T }): string | null {
  const value = numberOf(kpi.value);
  const previous = numberOf(kpi.previous);
  if (value === null || previous === null) return null;
  const delta = value - previous;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const size = Math.abs(delta);
  if (kpi.unit === 'ratio' && !isMultiple(kpi.id)) {
    const points = new Intl.NumberFormat(context.language, { maximumFractionDigits: 1 }).format(size * 100);
    return `${sign}${context.t('cockpit.units.pp', { value: points })}`;
  }
  const text = formatKpi(kpi.id, kpi.unit, kpi.unit === 'currency' ? size.toFixed(2) : size, context).replace(/^\+/, '');
  return `${sign}${text}`;
}

export type Trend = 'up' | 'down' | 'flat' | null;

export function trendOf(kpi: Pick<Kpi, 'value' | 'previous'>): Trend {
  const value = numberOf(kpi.value);
  const previous = numberOf(kpi.previous);
  if (value === null || previous === null) return null;
  return value > previous ? 'up' : value < previous ? 'down' : 'flat';
}

/** Whether a trend is good news for this KPI (null when flat or unknown). */
export function trendIsGood(id: string, trend: Trend): boolean | null {
  if (trend === 'up') return !LOWER_IS_BETTER.has(id);
  if (trend === 'down') return LOWER_IS_BETTER.has(id);
  return null;
}

/** Met, missed, or null when there is no target or no value. */
export function targetMet(kpi: Pick<Kpi, 'id' | 'value' | 'target'>): boolean | null {
  const value = numberOf(kpi.value);
  const target = numberOf(kpi.target);
  if (value === null || target === null) return null;
  return LOWER_IS_BETTER.has(kpi.id) ? value <= target : value >= target;
}

const csvCell = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * The KPI table as CSV (RFC 4180, comma separated, UTF-8 with a byte order mark so spreadsheets read accents):
 * one row per KPI with its name, id, unit, value, previous, target, then one column per period of the series.
 * Values are the API's raw numbers (ratios as fractions, multiples as the quotient, currency as decimals) so the
 * file can be computed on.
 */
export function kpisToCsv(kpis: Kpi[], context: { t: T; period: string; scope: string }): string {
  const { t } = context;
  const periods = kpis[0]?.series.map((point) => point.period) ?? [];
  const header = [
    t('cockpit.csv.kpi'),
    t('cockpit.csv.id'),
    t('cockpit.csv.unit'),
    t('cockpit.csv.period'),
    t('cockpit.csv.scope'),
    t('cockpit.csv.value'),
    t('cockpit.csv.previous'),
    t('cockpit.csv.target'),
    ...periods,
  ];
  const rows = kpis.map((kpi) => [
    t(`cockpit.kpis.${kpi.id}`),
    kpi.id,
    kpi.unit,
    context.period,
    context.scope,
    kpi.value,
    kpi.previous,
    kpi.target,
    ...kpi.series.map((point) => point.value),
  ]);
  return `\ufeff${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** A file name with the period and scope: kpis-2026-Q3-manager-0190….csv */
export function csvFileName(period: string, scope: string, tier?: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9-]+/g, '-');
  return `kpis-${safe(period)}-${safe(scope)}${tier ? `-${safe(tier)}` : ''}.csv`;
}

export function downloadText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
