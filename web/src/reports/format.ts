import { numberLocale } from '../records/format';
import type { ResultColumn } from './api';

/** A report value as people read it: numbers, money and percentages with the UI language's separators. */
export function formatReportValue(
  value: unknown,
  column: Pick<ResultColumn, 'format' | 'type'> | undefined,
  context: { language: string; currency: string },
): string {
  if (value === null || value === undefined || value === '') return '—';
  const format = column?.format ?? column?.type;
  const locale = numberLocale(context.language);
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (format === 'currency' && Number.isFinite(number)) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: context.currency, maximumFractionDigits: 2 }).format(number);
    } catch {
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(number)} ${context.currency}`;
    }
  }
  if (format === 'percent' && Number.isFinite(number))
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(number);
  if (['number', 'integer', 'decimal', 'rollup', 'count'].includes(format ?? '') && Number.isFinite(number))
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(number);
  if (typeof value === 'number') return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  if (typeof value === 'boolean') return value ? (context.language.startsWith('en') ? 'Yes' : 'Sí') : 'No';
  return String(value);
}

/** Short figures for chart axes (1,2 M €, 35 %). */
export function formatCompact(value: number, format: string | undefined, context: { language: string; currency: string }): string {
  const locale = numberLocale(context.language);
  if (format === 'percent') return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
  if (format === 'currency') {
    try {
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: context.currency,
        notation: 'compact',
        maximumFractionDigits: 1,
      }).format(value);
    } catch {
      // an unknown currency code: plain compact number
    }
  }
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A value as a number for a chart (money travels as a string), 0 when empty. */
export const chartNumber = (value: unknown): number => {
  const number = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(number) ? number : 0;
};
