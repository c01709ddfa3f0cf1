import type { Trx } from '../../db/database.js';
import { formatFieldValue, type ModuleMeta } from '../../records/index.js';
import { findPerson, findRecordNames } from './workflow.repository.js';
import type { RunContext } from './workflow.actions.js';

/**
 * Merge values of the record as people read them (picklists by label, lookups and users by name; the names only for
 * the fields in `used`) and `me.*` = the rule's owner: e-mails, task subjects and webhook bodies.
 */
export async function mergeValues(trx: Trx, run: RunContext, used: string[]): Promise<Map<string, string>> {
  const language = run.actor.language === 'en' ? 'en' : 'es';
  const values = new Map<string, string>([
    ['me.name', run.actor.name],
    ['me.email', run.actor.email],
  ]);
  for (const field of run.module.fields) {
    const raw = run.record[field.apiName];
    if (raw === null || raw === undefined) {
      values.set(field.apiName, '');
      continue;
    }
    const value = formatFieldValue(field, raw);
    if (field.type === 'picklist')
      values.set(field.apiName, field.options.values?.find((v) => v.code === value)?.labels[language] ?? String(value));
    else if (Array.isArray(value)) values.set(field.apiName, value.join(', '));
    else values.set(field.apiName, String(value));
    if (!used.includes(field.apiName)) continue;
    if (field.type === 'user') {
      const person = await findPerson(trx, run.orgId, String(raw));
      values.set(field.apiName, person?.name ?? '');
    } else if (field.type === 'lookup' && field.options.target) {
      const target = run.metadata.modules.get(field.options.target);
      if (target) {
        const names = await findRecordNames(trx, { schema: run.schema, table: target.table, displayFields: target.displayFields }, [
          String(raw),
        ]);
        values.set(field.apiName, names.get(String(raw)) ?? '');
      }
    }
  }
  return values;
}

/** The names besides the module's fields that a webhook body template may use. */
const WEBHOOK_NAMES = ['record.id', 'owner.name', 'owner.email', 'me.name', 'me.email', 'rule.id', 'rule.name', 'trigger', 'module'];

/**
 * Every merge field a webhook body template of `module` may hold: `{{last_name}}` (as people read it, like e-mails),
 * `{{record.last_name}}` (the API value: picklist code, lookup id, ISO date), and WEBHOOK_NAMES.
 */
export function webhookMergeNames(module: ModuleMeta): Set<string> {
  return new Set([...WEBHOOK_NAMES, ...module.fields.flatMap((field) => [field.apiName, `record.${field.apiName}`])]);
}

/** The values of the merge fields `used` in a webhook body template, unescaped. */
export async function webhookMergeValues(trx: Trx, run: RunContext, used: string[]): Promise<Map<string, string>> {
  const values = await mergeValues(trx, run, used);
  values.set('record.id', run.record.id);
  values.set('rule.id', run.rule.id);
  values.set('rule.name', run.rule.name);
  values.set('trigger', run.trigger);
  values.set('module', run.module.apiName);
  for (const field of run.module.fields) {
    const value = formatFieldValue(field, run.record[field.apiName]);
    values.set(`record.${field.apiName}`, value === null ? '' : Array.isArray(value) ? value.join(',') : String(value));
  }
  if (used.includes('owner.name') || used.includes('owner.email')) {
    const owner = run.record.owner_id ? await findPerson(trx, run.orgId, String(run.record.owner_id)) : undefined;
    values.set('owner.name', owner?.name ?? '');
    values.set('owner.email', owner?.email ?? '');
  }
  return values;
}
