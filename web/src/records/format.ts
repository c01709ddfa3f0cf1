import type { Display, Field, Labels, PicklistValue, RecordData } from './api';

export type UiLanguage = 'es' | 'en';

export const uiLanguage = (language: string): UiLanguage => (language.startsWith('en') ? 'en' : 'es');

/** The number locale: Spanish formatting (1.250,00 €) in Spanish, English otherwise. */
export const numberLocale = (language: string) => (uiLanguage(language) === 'en' ? 'en-GB' : 'es-ES');

export const labelOf = (labels: Labels | undefined, language: string) => (labels ? labels[uiLanguage(language)] || labels.es : '');

export function picklistValue(field: Field, code: unknown): PicklistValue | undefined {
  return field.options.values?.find((value) => value.code === code);
}

export function picklistLabel(field: Field, code: unknown, language: string): string {
  const value = picklistValue(field, code);
  return value ? labelOf(value.labels, language) : String(code ?? '');
}

/** Money in the record's currency (or the organization's), with the UI language's separators. */
export function formatMoney(amount: unknown, currency: string, language: string): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const number = Number(amount);
  if (!Number.isFinite(number)) return String(amount);
  try {
    return new Intl.NumberFormat(numberLocale(language), { style: 'currency', currency }).format(number);
  } catch {
    return `${new Intl.NumberFormat(numberLocale(language)).format(number)} ${currency}`;
  }
}

export interface FormatContext {
  language: string;
  currency: string;
  timeZone?: string;
  display: Display;
}

/** A field's value as text (lists, cards, timeline). Empty values answer ''. */
export function formatValue(field: Field, value: unknown, context: FormatContext, record?: RecordData): string {
  if (value === null || value === undefined || value === '') return '';
  const { language } = context;
  const locale = numberLocale(language);
  const type = field.type === 'formula' ? (field.options.returnType ?? 'decimal') : field.type;
  switch (type) {
    case 'picklist':
      return picklistLabel(field, value, language);
    case 'multi_select':
      return Array.isArray(value) ? value.map((code) => picklistLabel(field, code, language)).join(', ') : String(value);
    case 'lookup':
    case 'user':
      return context.display[String(value)] ?? String(value);
    case 'boolean':
      return value ? (uiLanguage(language) === 'en' ? 'Yes' : 'Sí') : 'No';
    case 'currency': {
      const currency = typeof record?.currency === 'string' && record.currency ? record.currency : context.currency;
      return formatMoney(value, currency, language);
    }
    case 'integer':
    case 'decimal':
    case 'rollup': {
      const number = Number(value);
      return Number.isFinite(number)
        ? new Intl.NumberFormat(locale, { maximumFractionDigits: field.options.scale ?? 2 }).format(number)
        : String(value);
    }
    case 'percent': {
      const number = Number(value);
      return Number.isFinite(number)
        ? `${new Intl.NumberFormat(locale, { maximumFractionDigits: field.options.scale ?? 2 }).format(number)} %`
        : String(value);
    }
    case 'date': {
      const [y, m, d] = String(value).split('-').map(Number);
      if (!y || !m || !d) return String(value);
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
    }
    case 'datetime': {
      const date = new Date(String(value));
      if (Number.isNaN(date.getTime())) return String(value);
      try {
        return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: context.timeZone }).format(date);
      } catch {
        return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
      }
    }
    default:
      return String(value);
  }
}

/** The name of a record from its module's display fields. */
export function recordName(record: RecordData | undefined, displayFields: string[]): string {
  if (!record) return '';
  return displayFields
    .map((name) => record[name])
    .filter((part) => part !== null && part !== undefined && part !== '')
    .join(' ');
}

/** Types the user never writes. */
export const isComputed = (field: Field) => field.readOnly || field.isSystem || ['auto_number', 'formula', 'rollup'].includes(field.type);
