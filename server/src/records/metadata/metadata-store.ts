import { afterCommit, type Database, type Executor, type Trx } from '../../db/database.js';
import type { Cluster } from '../../platform/events/cluster.js';
import type { FieldType } from './field-types.js';
import type { FieldMeta, FieldOptions, ModuleMeta, OrgMetadata } from './metadata.types.js';
import { listFieldRows, listModuleRows, listValidationRuleRows, type FieldRow, type ModuleRow } from './metadata.repository.js';

const CHANNEL = 'clave_metadata';

function toField(row: FieldRow): FieldMeta {
  return {
    id: row.id,
    apiName: row.api_name,
    type: row.type as FieldType,
    labels: row.labels,
    isStandard: row.is_standard,
    isSystem: row.is_system,
    required: row.required,
    unique: row.is_unique,
    defaultValue: row.default_value ?? null,
    hidden: row.hidden,
    position: row.position,
    helpText: row.help_text,
    options: row.options as FieldOptions,
  };
}

function toModule(row: ModuleRow, fields: FieldMeta[], rules: ModuleMeta['validationRules']): ModuleMeta {
  return {
    id: row.id,
    orgId: row.org_id,
    apiName: row.api_name,
    labels: row.labels,
    isStandard: row.is_standard,
    table: row.table_name,
    displayFields: row.display_fields,
    searchFields: row.search_fields,
    position: row.position,
    hidden: row.hidden,
    layout: row.layout,
    fields,
    validationRules: rules,
  };
}

/** Reads an organization's whole metadata (three queries), uncached: inside a transaction that changes it, use this. */
export async function loadOrgMetadata(executor: Executor, orgId: string, schema: string): Promise<OrgMetadata> {
  const [moduleRows, fieldRows, ruleRows] = await Promise.all([
    listModuleRows(executor, orgId),
    listFieldRows(executor, orgId),
    listValidationRuleRows(executor, orgId),
  ]);
  const modules = new Map<string, ModuleMeta>();
  for (const row of moduleRows) {
    const fields = fieldRows.filter((field) => field.module_id === row.id).map(toField);
    const rules = ruleRows
      .filter((rule) => rule.module_id === row.id)
      .map((rule) => ({ id: rule.id, name: rule.name, condition: rule.condition, message: rule.message, active: rule.active }));
    modules.set(row.api_name, toModule(row, fields, rules));
  }
  return { orgId, schema, modules };
}

export interface MetadataStore {
  /** The organization's metadata, from memory after the first read. Call it outside transactions. */
  get(orgId: string, schema: string): Promise<OrgMetadata>;
  /** Every node forgets the organization's metadata once `trx` commits: call it in the transaction that changes metadata. */
  invalidate(trx: Trx, orgId: string): Promise<void>;
}

/**
 * Metadata is read on every record request and changes rarely (an administrator
 * adds a field), so each node keeps it in memory and drops an organization's
 * copy when any node says it changed (a cluster message, delivered on commit,
 * to this node as well).
 */
export function createMetadataStore(database: Database, cluster: Cluster): MetadataStore {
  const cache = new Map<string, Promise<OrgMetadata>>();
  void cluster.subscribe(CHANNEL, (orgId) => cache.delete(orgId));
  // Messages sent while the listening connection was down are lost: start afresh.
  cluster.onReconnect(() => cache.clear());
  return {
    get(orgId, schema) {
      let entry = cache.get(orgId);
      if (!entry) {
        entry = loadOrgMetadata(database.db, orgId, schema);
        cache.set(orgId, entry);
        entry.catch(() => cache.delete(orgId));
      }
      return entry;
    },
    invalidate(trx, orgId) {
      // This node forgets at once on commit; the others when the message arrives.
      afterCommit(() => cache.delete(orgId));
      return cluster.publish(CHANNEL, orgId, trx);
    },
  };
}
