import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ModuleMeta } from '../metadata/metadata.types.js';

/** The keys a duplicate rule compares. */
export const DUPLICATE_RULES = ['email', 'phone', 'name_company'] as const;
export type DuplicateRule = (typeof DUPLICATE_RULES)[number];

/** Rules of a module that no administrator changed. */
export function defaultRules(module: string): DuplicateRule[] {
  if (module === 'leads' || module === 'contacts') return ['email', 'phone', 'name_company'];
  if (module === 'accounts') return ['name_company'];
  return [];
}

/** The country phone numbers without a +prefix belong to (organizations have no country setting yet). */
export const DEFAULT_PHONE_COUNTRY: CountryCode = 'ES';

export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

/** A phone number in E.164 (+34600111222); a number libphonenumber cannot read keeps its digits (at least six). */
export function normalizePhone(value: string, country: CountryCode = DEFAULT_PHONE_COUNTRY): string | null {
  const parsed = parsePhoneNumberFromString(value, country);
  if (parsed?.isPossible()) return parsed.number;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 6 ? digits : null;
}

/** Text compared without accents, case, punctuation or repeated spaces: "José  PÉREZ, S.L." → "jose perez s l". */
export function normalizeText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Where the company of a module's record comes from: its `company` text, its account's name, or nowhere (the name alone). */
export function companySource(module: ModuleMeta): 'company' | 'account_id' | null {
  if (module.fields.some((f) => f.apiName === 'company' && f.type === 'text')) return 'company';
  if (module.fields.some((f) => f.apiName === 'account_id' && f.type === 'lookup' && f.options.target === 'accounts')) return 'account_id';
  return null;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

/**
 * Every duplicate key of a record's values: each e-mail and phone field, and
 * name + company (a module without a company source — accounts — uses the
 * name alone; one with a company source needs both).
 */
export function duplicateKeys(
  module: ModuleMeta,
  values: Record<string, unknown>,
  accountName: string | null,
  country: CountryCode = DEFAULT_PHONE_COUNTRY,
): Array<{ rule: DuplicateRule; key: string }> {
  const keys = new Map<string, { rule: DuplicateRule; key: string }>();
  const add = (rule: DuplicateRule, key: string | null) => {
    if (key) keys.set(`${rule}\u0000${key}`, { rule, key });
  };
  for (const field of module.fields) {
    const value = text(values[field.apiName]);
    if (!value) continue;
    if (field.type === 'email') add('email', normalizeEmail(value));
    if (field.type === 'phone') add('phone', normalizePhone(value, country));
  }
  const name = normalizeText(module.displayFields.map((f) => text(values[f])).join(' '));
  const source = companySource(module);
  if (source === null) add('name_company', name || null);
  else {
    const company = normalizeText(source === 'company' ? text(values.company) : (accountName ?? ''));
    if (name && company) add('name_company', `${name}|${company}`);
  }
  return [...keys.values()];
}
