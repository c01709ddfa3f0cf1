import type { FieldMeta } from '../metadata/metadata.types.js';
import type { ModuleView } from '../records/record-access.js';

/** Column header → field API name, or null to leave the column out. */
export type Mapping = Record<string, string | null>;

/** Lowercase, no accents, letters and digits only: "Nº de empleados" → "ndeempleados". */
export const normalize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * Header names other CRMs write for Clave's standard fields (normalized):
 * Zoho CRM exports field labels, Salesforce exports API names.
 */
const FIELD_ALIASES: Record<string, string[]> = {
  owner_id: ['owner', 'ownerid', 'leadowner', 'contactowner', 'accountowner', 'dealowner', 'recordowner', 'propietario', 'assignedto'],
  first_name: ['firstname', 'givenname', 'nombre'],
  last_name: ['lastname', 'surname', 'familyname', 'apellidos', 'apellido'],
  mobile: ['mobilephone', 'cellphone', 'movil'],
  lead_source: ['leadsource', 'source', 'origen'],
  lead_status: ['leadstatus', 'status', 'estado'],
  employees: ['numberofemployees', 'noofemployees', 'employees', 'numemployees', 'nempleados'],
  annual_revenue: ['annualrevenue', 'revenue', 'facturacion'],
  postal_code: ['postalcode', 'zipcode', 'zip', 'postcode', 'mailingpostalcode', 'billingpostalcode', 'cp'],
  street: ['mailingstreet', 'billingstreet', 'address', 'direccion'],
  city: ['mailingcity', 'billingcity'],
  state: ['mailingstate', 'billingstate', 'province', 'region'],
  country: ['mailingcountry', 'billingcountry'],
  email_opt_out: ['emailoptout', 'hasoptedoutofemail', 'optout'],
  website: ['web', 'url', 'site'],
  email: ['emailaddress', 'mail', 'correo'],
  title: ['jobtitle', 'position'],
  company: ['companyname', 'organization', 'organisation', 'accountname'],
};

/**
 * Picklist values as other CRMs write them, by field → normalized text → code
 * (Salesforce lead statuses, Zoho lead statuses and sources).
 */
const VALUE_ALIASES: Record<string, Record<string, string>> = {
  lead_status: {
    opennotcontacted: 'not_contacted',
    workingcontacted: 'contacted',
    closedconverted: 'converted',
    closednotconverted: 'unqualified',
    notcontacted: 'not_contacted',
    attemptedtocontact: 'attempted',
    contactinfuture: 'future',
    prequalified: 'qualified',
    notqualified: 'unqualified',
    lostlead: 'unqualified',
    junklead: 'junk',
  },
  lead_source: {
    partnerreferral: 'partner',
    webdownload: 'web',
    webresearch: 'web',
    onlinestore: 'web',
    phoneinquiry: 'cold_call',
    purchasedlist: 'other',
    publicrelations: 'other',
    internalseminar: 'seminar',
    seminarpartner: 'seminar',
    salesemailalias: 'email',
    facebook: 'social_media',
    twitter: 'social_media',
    linkedin: 'social_media',
    externalreferral: 'external_referral',
    employeereferral: 'employee_referral',
  },
  salutation: { sr: 'mr', sra: 'ms', srta: 'ms', dra: 'dr', mister: 'mr', miss: 'ms' },
};

/** Fields a column can be mapped to: visible and writable ones, and `id` (to find existing records). */
export function mappableFields(view: ModuleView): FieldMeta[] {
  return view.visible.filter((field) => !view.readOnly.has(field.apiName));
}

/**
 * A suggested field for each header: the mapping remembered for the module
 * first, then the field's API name, its labels in Spanish and English, and
 * the aliases of other CRMs. A field is suggested for one column at most.
 */
export function suggestMapping(headers: string[], view: ModuleView, remembered: Mapping | null): { mapping: Mapping; unmapped: string[] } {
  const fields = mappableFields(view);
  const names = new Set([...fields.map((f) => f.apiName), 'id']);
  const byKey = new Map<string, string>();
  const add = (key: string, apiName: string) => {
    if (key && !byKey.has(key)) byKey.set(key, apiName);
  };
  for (const field of fields) add(normalize(field.apiName), field.apiName);
  for (const field of fields) {
    add(normalize(field.labels.en), field.apiName);
    add(normalize(field.labels.es), field.apiName);
  }
  for (const field of fields) {
    // Lookups and users: "Account Id" / "AccountId" name the field without its suffix too.
    if (field.apiName.endsWith('_id')) add(normalize(field.apiName.slice(0, -3)), field.apiName);
    for (const alias of FIELD_ALIASES[field.apiName] ?? []) add(alias, field.apiName);
  }
  const mapping: Mapping = {};
  const used = new Set<string>();
  for (const header of headers) {
    const fromMemory = remembered && header in remembered ? remembered[header] : undefined;
    if (fromMemory !== undefined && (fromMemory === null || names.has(fromMemory)) && !(fromMemory && used.has(fromMemory))) {
      mapping[header] = fromMemory;
      if (fromMemory) used.add(fromMemory);
      continue;
    }
    const candidate = byKey.get(normalize(header));
    if (candidate && !used.has(candidate)) {
      mapping[header] = candidate;
      used.add(candidate);
    } else mapping[header] = null;
  }
  return { mapping, unmapped: headers.filter((h) => !mapping[h]) };
}

/** The picklist code a cell means: the code itself, a label in either language, or a known alias of another CRM. */
export function picklistCode(field: FieldMeta, text: string): string | undefined {
  const values = field.options.values ?? [];
  const exact = values.find((value) => value.code === text);
  if (exact) return exact.code;
  const key = normalize(text);
  if (!key) return undefined;
  for (const value of values) if (normalize(value.code) === key) return value.code;
  for (const value of values) if (normalize(value.labels.en) === key || normalize(value.labels.es) === key) return value.code;
  const alias = VALUE_ALIASES[field.apiName]?.[key];
  return alias && values.some((value) => value.code === alias) ? alias : undefined;
}

/** Offset in minutes of `timeZone` at an instant. */
function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - instant.getTime()) / 60_000);
}

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** A date-time cell as ISO 8601: with its zone as written, or in `timeZone` when it has none ("2026-03-02 09:15:00"). */
export function datetimeValue(text: string, timeZone: string): string {
  if (WITH_ZONE.test(text)) return text.replace(' ', 'T');
  const match = LOCAL_DATETIME.exec(text);
  if (match) {
    const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
    const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!);
    let offset = zoneOffsetMinutes(new Date(asUtc), timeZone);
    offset = zoneOffsetMinutes(new Date(asUtc - offset * 60_000), timeZone);
    return new Date(asUtc - offset * 60_000).toISOString();
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : dateValue(text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return datetimeValue(`${date} 00:00:00`, timeZone);
  return text;
}

/** A date cell as YYYY-MM-DD: ISO dates, the date of a date-time, or day/month/year. */
export function dateValue(text: string): string {
  const iso = /^(\d{4})[-/](\d{2})[-/](\d{2})/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dayFirst = DAY_FIRST.exec(text);
  if (dayFirst) return `${dayFirst[3]}-${dayFirst[2]!.padStart(2, '0')}-${dayFirst[1]!.padStart(2, '0')}`;
  return text;
}

export interface UserDirectory {
  /** Active user id by id, lowercased name and e-mail. */
  find(text: string): string | undefined;
}

export interface ConvertedRow {
  values: Record<string, unknown>;
  errors: Array<{ field: string | null; message: string }>;
  /** Owner names or ids that matched nobody (the importing user owns the record instead). */
  warnings: number;
}

/**
 * Turns a row's cells into field values through the mapping. Empty cells are
 * left out (an update never blanks a field for an empty cell). Picklists take
 * codes, labels or aliases; users take ids, names or e-mail addresses.
 */
export function convertRow(
  cells: string[],
  columns: Array<{ index: number; field: FieldMeta | 'id' }>,
  context: { timeZone: string; users: UserDirectory; importerId: string },
): ConvertedRow {
  const values: Record<string, unknown> = {};
  const errors: ConvertedRow['errors'] = [];
  let warnings = 0;
  for (const { index, field } of columns) {
    const text = (cells[index] ?? '').trim();
    if (text === '') continue;
    if (field === 'id') {
      values.id = text;
      continue;
    }
    switch (field.type) {
      case 'picklist': {
        const code = picklistCode(field, text);
        if (code) values[field.apiName] = code;
        else errors.push({ field: field.apiName, message: `${field.labels.en}: "${text}" is not a value of this picklist.` });
        break;
      }
      case 'multi_select': {
        const codes: string[] = [];
        for (const part of text
          .split(/[;|]/)
          .map((p) => p.trim())
          .filter(Boolean)) {
          const code = picklistCode(field, part);
          if (code) codes.push(code);
          else errors.push({ field: field.apiName, message: `${field.labels.en}: "${part}" is not a value of this picklist.` });
        }
        values[field.apiName] = codes;
        break;
      }
      case 'user': {
        const id = context.users.find(text);
        if (id) values[field.apiName] = id;
        else if (field.apiName === 'owner_id') {
          values[field.apiName] = context.importerId;
          warnings++;
        } else errors.push({ field: field.apiName, message: `${field.labels.en}: no active user is "${text}".` });
        break;
      }
      case 'datetime':
        values[field.apiName] = datetimeValue(text, context.timeZone);
        break;
      case 'date':
        values[field.apiName] = dateValue(text);
        break;
      case 'integer':
      case 'decimal':
      case 'currency':
      case 'percent':
        values[field.apiName] = text.replace(/[\s\u00a0]/g, '').replace(/^[€$£]|[€$£%]$/g, '');
        break;
      default:
        values[field.apiName] = text;
    }
  }
  return { values, errors, warnings };
}
