import { badRequest } from '../../platform/http/app-error.js';
import { COMPUTED_TYPES } from '../../records/index.js';
import { isBaseColumn } from '../../records/index.js';
import type { OrgMetadata } from '../../records/index.js';

/** Target module → lead field → field of the target that receives its value. */
export interface ConversionMapping {
  contact: Record<string, string>;
  account: Record<string, string>;
  deal: Record<string, string>;
}

export const TARGET_MODULES = { contact: 'contacts', account: 'accounts', deal: 'deals' } as const;
export type ConversionTarget = keyof typeof TARGET_MODULES;

export const DEFAULT_MAPPING: ConversionMapping = {
  contact: {
    salutation: 'salutation',
    first_name: 'first_name',
    last_name: 'last_name',
    email: 'email',
    phone: 'phone',
    mobile: 'mobile',
    title: 'title',
    lead_source: 'lead_source',
  },
  account: {
    company: 'name',
    website: 'website',
    industry: 'industry',
    phone: 'phone',
    employees: 'employees',
    annual_revenue: 'annual_revenue',
    street: 'street',
    city: 'city',
    state: 'state',
    postal_code: 'postal_code',
    country: 'country',
  },
  deal: { lead_source: 'lead_source' },
};

/** Fields a conversion must fill in each target (deals get their name from the request or the lead). */
const REQUIRED_TARGETS: Record<ConversionTarget, string[]> = { contact: ['last_name'], account: ['name'], deal: [] };

/**
 * A mapping an administrator sent: lead fields and target fields exist, are
 * writable and of the same type (lookups to the same module, picklists…),
 * one lead field per target field, and the targets' required name fields are
 * filled. Each failure is a 400 naming `<target>.<leadField>`.
 */
export function validateMapping(metadata: OrgMetadata, mapping: ConversionMapping): ConversionMapping {
  const leads = metadata.modules.get('leads')!;
  const result: ConversionMapping = { contact: {}, account: {}, deal: {} };
  for (const target of Object.keys(TARGET_MODULES) as ConversionTarget[]) {
    const module = metadata.modules.get(TARGET_MODULES[target])!;
    const used = new Set<string>();
    for (const [leadName, targetName] of Object.entries(mapping[target])) {
      const at = `${target}.${leadName}`;
      const from = leads.fields.find((f) => f.apiName === leadName && !f.hidden);
      if (!from || from.isSystem || isBaseColumn(leadName))
        throw badRequest(`${leadName} is not a field of leads that can be carried over.`, at);
      const to = module.fields.find((f) => f.apiName === targetName && !f.hidden);
      if (!to || to.isSystem || COMPUTED_TYPES.has(to.type) || isBaseColumn(targetName))
        throw badRequest(`${targetName} is not a writable field of ${module.apiName}.`, at);
      if (from.type !== to.type || (from.type === 'lookup' && from.options.target !== to.options.target))
        throw badRequest(`${leadName} (${from.type}) cannot fill ${targetName} (${to.type}): the types differ.`, at);
      if (used.has(targetName)) throw badRequest(`${targetName} receives two lead fields.`, at);
      used.add(targetName);
      result[target][leadName] = targetName;
    }
    for (const required of REQUIRED_TARGETS[target])
      if (!used.has(required)) throw badRequest(`A lead field must fill ${module.apiName}.${required}.`, target);
  }
  return result;
}
