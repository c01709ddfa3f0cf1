import type { AuthContext } from '../../platform/auth/auth-context.js';
import { canModuleAction, viewOf, type OrgMetadata } from '../../records/index.js';

/** The fields a computation reads: module API name → field API names (an empty list: the module's records only). */
export type FieldInputs = Readonly<Record<string, readonly string[]>>;

/**
 * The caller may not see some of `inputs`: a module their profile may not read (or one missing or hidden), or a
 * field hidden from them (their profile's field permissions or an administrator's). Hidden fields never leave the
 * server, not even added up, so a figure built from one is withheld. Base columns that are not catalog fields
 * (id, owner, creation time) are never hidden.
 */
export function inputsHidden(auth: AuthContext, metadata: OrgMetadata, inputs: FieldInputs): boolean {
  for (const [apiName, fields] of Object.entries(inputs)) {
    const module = metadata.modules.get(apiName);
    if (!module || module.hidden || !canModuleAction(auth, apiName, 'read')) return true;
    if (fields.length === 0) continue;
    const view = viewOf(auth, metadata, module);
    const known = new Set(module.fields.map((field) => field.apiName));
    if (fields.some((field) => known.has(field) && !view.byName.has(field))) return true;
  }
  return false;
}

/** A field of a module is visible to the caller (a module or field the catalog lacks: false). */
export function fieldVisible(auth: AuthContext, metadata: OrgMetadata, module: string, field: string): boolean {
  return (
    !inputsHidden(auth, metadata, { [module]: [field] }) && Boolean(metadata.modules.get(module)?.fields.some((f) => f.apiName === field))
  );
}
