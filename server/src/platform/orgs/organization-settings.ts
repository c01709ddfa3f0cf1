import { badRequest } from '../http/app-error.js';
import type { BusinessHours, Holiday } from '../../db/platform-schema.js';

/**
 * Validation of organization settings that a schema cannot express: real
 * time zones and currencies, logo contents, interval order, calendar dates.
 * Each failure is a 400 naming the field.
 */

export const LOGO_MAX_BYTES = 200 * 1024;
const LOGO_DATA_URL = /^data:image\/(png|jpeg|svg\+xml);base64,([A-Za-z0-9+/]*={0,2})$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// An SVG shown with <img> runs no script, but one opened on its own would: refuse active content.
const SVG_ACTIVE_CONTENT = /<script|<foreignobject|\son[a-z]+\s*=|javascript:|<iframe|<embed|<object/i;

/** A logo is a base64 data: URL of a PNG, JPEG or SVG image of at most 200 KB, whose bytes match its type. */
export function validateLogo(logo: string): string {
  const match = LOGO_DATA_URL.exec(logo);
  if (!match || match[2]!.length % 4 !== 0) throw badRequest('The logo must be a base64 data: URL of a PNG, JPEG or SVG image.', 'logo');
  const bytes = Buffer.from(match[2]!, 'base64');
  if (bytes.length === 0) throw badRequest('The logo is empty.', 'logo');
  if (bytes.length > LOGO_MAX_BYTES) throw badRequest(`The logo is ${Math.ceil(bytes.length / 1024)} KB; the limit is 200 KB.`, 'logo');
  const type = match[1];
  const looksRight =
    type === 'png'
      ? bytes.subarray(0, 8).equals(PNG_SIGNATURE)
      : type === 'jpeg'
        ? bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
        : /<svg[\s>]/i.test(bytes.toString('utf8'));
  if (!looksRight) throw badRequest(`The logo’s contents are not a ${type === 'svg+xml' ? 'SVG' : type.toUpperCase()} image.`, 'logo');
  if (type === 'svg+xml' && SVG_ACTIVE_CONTENT.test(bytes.toString('utf8')))
    throw badRequest('The SVG logo contains scripts or event handlers; export it without them.', 'logo');
  return logo;
}

/** An IANA time zone that this runtime knows (Intl), e.g. Europe/Madrid or UTC. */
export function validateTimeZone(timeZone: string, field = 'timeZone'): string {
  const trimmed = timeZone.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(trimmed))
    throw badRequest('Use an IANA time zone name such as Europe/Madrid.', field);
  try {
    new Intl.DateTimeFormat('en', { timeZone: trimmed });
  } catch {
    throw badRequest(`"${trimmed}" is not a known time zone; use an IANA name such as Europe/Madrid.`, field);
  }
  return trimmed;
}

let knownCurrencies: Set<string> | undefined;

/** An ISO 4217 currency code in use (the runtime's list): EUR, USD, MXN… */
export function validateCurrency(currency: string, field = 'currency'): string {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  if (!/^[A-Z]{3}$/.test(currency) || !knownCurrencies.has(currency))
    throw badRequest(`"${currency}" is not an ISO 4217 currency code such as EUR.`, field);
  return currency;
}

const DECIMAL = /^\d{1,12}(\.\d{1,10})?$/;

/**
 * Rates are units of each currency per one unit of the organization's
 * currency, as decimal strings (never floats). The organization's own
 * currency has no rate: it is 1.
 */
export function validateExchangeRates(rates: Record<string, string>, orgCurrency: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const code of Object.keys(rates).sort()) {
    const rate = rates[code]!;
    validateCurrency(code, `exchangeRates.${code}`);
    if (code === orgCurrency) throw badRequest(`${code} is the organization’s currency: its rate is always 1.`, `exchangeRates.${code}`);
    if (!DECIMAL.test(rate) || !/[1-9]/.test(rate))
      throw badRequest('A rate is a decimal string greater than 0, such as "1.0850".', `exchangeRates.${code}`);
    result[code] = rate;
  }
  return result;
}

/** Opening intervals: start before end, no two intervals of the same day overlapping. Sorted by day and start. */
export function validateBusinessHours(hours: BusinessHours): BusinessHours {
  const indexed = hours.days.map((interval, index) => ({ ...interval, index }));
  for (const interval of indexed) {
    if (interval.start >= interval.end)
      throw badRequest('An interval must start before it ends.', `businessHours.days.${interval.index}.end`);
  }
  indexed.sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
  for (let i = 1; i < indexed.length; i++) {
    const previous = indexed[i - 1]!;
    const current = indexed[i]!;
    if (previous.day === current.day && current.start < previous.end) {
      throw badRequest('Two intervals of the same day overlap.', `businessHours.days.${current.index}.start`);
    }
  }
  return { days: indexed.map(({ day, start, end }) => ({ day, start, end })) };
}

/** Real calendar dates, each once, names not blank. Sorted by date. */
export function validateHolidays(holidays: Holiday[]): Holiday[] {
  const seen = new Set<string>();
  holidays.forEach((holiday, index) => {
    const date = new Date(`${holiday.date}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== holiday.date)
      throw badRequest(`${holiday.date} is not a calendar date.`, `holidays.${index}.date`);
    if (seen.has(holiday.date)) throw badRequest(`${holiday.date} is listed twice.`, `holidays.${index}.date`);
    if (!holiday.name.trim()) throw badRequest('A holiday needs a name.', `holidays.${index}.name`);
    seen.add(holiday.date);
  });
  return holidays.map((holiday) => ({ date: holiday.date, name: holiday.name.trim() })).sort((a, b) => a.date.localeCompare(b.date));
}
