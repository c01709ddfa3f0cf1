import type { FieldMeta } from '../metadata/metadata.types.js';

/**
 * Turns what a client sent for a field into the value stored in its column,
 * or says why it cannot be stored. Pure: existence of lookups and users is
 * checked later, in one query per batch.
 */
export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail = (message: string): Parsed => ({ ok: false, message });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().\-/]{3,40}( ?(ext\.?|x) ?[0-9]{1,6})?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export const isEmptyValue = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

export function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text && Number(match[1]) >= 1;
}

function parseText(field: FieldMeta, raw: unknown, fallbackMax: number): Parsed {
  if (typeof raw !== 'string' && typeof raw !== 'number') return fail('must be text');
  const text = String(raw).trim();
  const max = field.options.maxLength ?? fallbackMax;
  if (text.length > max) return fail(`must be at most ${max} characters`);
  if (field.options.minLength !== undefined && text.length < field.options.minLength)
    return fail(`must be at least ${field.options.minLength} characters`);
  if (field.options.pattern) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${field.options.pattern})$`, 'u');
    } catch {
      return ok(text); // an invalid pattern is refused when the field is saved; never block data for it
    }
    if (!pattern.test(text)) return fail('does not have the expected format');
  }
  return ok(text);
}

function parseNumber(field: FieldMeta, raw: unknown, integer: boolean): Parsed {
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return fail('must be a number');
    text = String(raw);
    if (/e/i.test(text)) text = raw.toFixed(Math.min(20, field.options.scale ?? 2));
  } else if (typeof raw === 'string') text = raw.trim().replace(',', '.');
  else return fail('must be a number');
  if (!DECIMAL.test(text)) return fail('must be a number');
  const scale = integer ? 0 : (field.options.scale ?? 2);
  const [whole = '', fraction = ''] = text.replace('-', '').split('.');
  if (integer && fraction.replace(/0+$/, '') !== '') return fail('must be a whole number');
  if (!integer && fraction.replace(/0+$/, '').length > scale) return fail(`must have at most ${scale} decimals`);
  if (whole.replace(/^0+/, '').length > (integer ? 15 : 18 - scale)) return fail('is too large');
  const number = Number(text);
  if (field.options.min !== undefined && number < field.options.min) return fail(`must be at least ${field.options.min}`);
  if (field.options.max !== undefined && number > field.options.max) return fail(`must be at most ${field.options.max}`);
  if (integer) {
    if (Math.abs(number) > MAX_SAFE) return fail('is too large');
    return ok(Math.trunc(number));
  }
  return ok(text);
}

function parseCode(field: FieldMeta, raw: unknown, current: unknown): Parsed {
  if (typeof raw !== 'string') return fail('must be one of the codes of the picklist');
  const value = (field.options.values ?? []).find((candidate) => candidate.code === raw);
  // A hidden value stays valid on a record that already has it.
  if (!value || (value.hidden && current !== raw)) return fail(`"${raw}" is not a value of this picklist`);
  return ok(raw);
}

/** Parses one field's value; `current` is the stored value on updates (a hidden picklist value may stay). */
export function parseFieldValue(field: FieldMeta, raw: unknown, current?: unknown): Parsed {
  if (isEmptyValue(raw)) return ok(field.type === 'boolean' ? (raw === null || raw === undefined ? null : false) : null);
  switch (field.type) {
    case 'text':
    case 'auto_number':
      return parseText(field, raw, 255);
    case 'long_text':
      return parseText(field, raw, 32_000);
    case 'email': {
      const parsed = parseText(field, raw, 254);
      if (!parsed.ok) return parsed;
      const email = String(parsed.value).toLowerCase();
      return EMAIL.test(email) ? ok(email) : fail('must be an e-mail address');
    }
    case 'phone': {
      const parsed = parseText(field, raw, 40);
      if (!parsed.ok) return parsed;
      return PHONE.test(String(parsed.value)) ? parsed : fail('must be a phone number');
    }
    case 'url': {
      const parsed = parseText(field, raw, 2000);
      if (!parsed.ok) return parsed;
      const text = String(parsed.value);
      try {
        const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must be a web address (http or https)');
        if (!url.hostname.includes('.') && url.hostname !== 'localhost') return fail('must be a web address');
        return ok(text);
      } catch {
        return fail('must be a web address');
      }
    }
    case 'integer':
      return parseNumber(field, raw, true);
    case 'decimal':
    case 'currency':
    case 'percent':
      return parseNumber(field, raw, false);
    case 'date':
      return typeof raw === 'string' && isRealDate(raw.trim()) ? ok(raw.trim()) : fail('must be a date (YYYY-MM-DD)');
    case 'datetime': {
      if (typeof raw !== 'string' || !DATETIME.test(raw.trim())) return fail('must be a date and time with its offset (ISO 8601)');
      const date = new Date(raw.trim());
      return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 ? fail('is not a real date and time') : ok(date);
    }
    case 'boolean':
      if (typeof raw === 'boolean') return ok(raw);
      if (typeof raw === 'string' && /^(true|false|1|0|yes|no|sí|si)$/i.test(raw.trim()))
        return ok(/^(true|1|yes|sí|si)$/i.test(raw.trim()));
      return fail('must be true or false');
    case 'picklist':
      return parseCode(field, raw, current);
    case 'multi_select': {
      if (!Array.isArray(raw)) return fail('must be a list of picklist codes');
      const codes: string[] = [];
      const currentCodes = Array.isArray(current) ? (current as string[]) : [];
      for (const item of raw) {
        const parsed = parseCode(field, item, currentCodes.includes(item as string) ? item : undefined);
        if (!parsed.ok) return parsed;
        if (!codes.includes(parsed.value as string)) codes.push(parsed.value as string);
      }
      return ok(codes);
    }
    case 'lookup':
    case 'user':
      return typeof raw === 'string' && UUID.test(raw) ? ok(raw.toLowerCase()) : fail('must be the id of a record');
    case 'formula':
    case 'rollup':
      return fail('is computed by the server');
  }
}

/** The API form of a stored value: dates as YYYY-MM-DD, date-times as ISO 8601, money as strings. */
export function formatFieldValue(field: Pick<FieldMeta, 'type'>, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}
