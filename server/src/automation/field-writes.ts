import { badRequest } from '../platform/http/app-error.js';
import { COMPUTED_TYPES, parseFieldValue, type FieldMeta, type ModuleMeta } from '../records/index.js';

/**
 * A field that automation may set on records of `module` (workflow field updates, escalation levels): visible, not
 * set by the system, not computed. A 400 naming `path` otherwise.
 */
export function writableField(module: ModuleMeta, name: string, path: string): FieldMeta {
  const field = module.fields.find((candidate) => candidate.apiName === name && !candidate.hidden);
  if (!field) throw badRequest(`The module ${module.apiName} has no field "${name}".`, path);
  if (field.isSystem || COMPUTED_TYPES.has(field.type) || field.apiName === 'id')
    throw badRequest(`The field "${name}" is set by the system: a rule cannot write it.`, path);
  return field;
}

/**
 * The value is one the field takes, as the record API would parse it (picklist codes, numbers, dates…); a 400
 * naming `path` otherwise. Whether a lookup or user id exists, required fields and validation rules are checked
 * when the write happens.
 */
export function checkFieldValue(field: FieldMeta, value: unknown, path: string): void {
  const parsed = parseFieldValue(field, value);
  if (!parsed.ok) throw badRequest(`The value for "${field.apiName}" ${parsed.message}.`, path);
}
