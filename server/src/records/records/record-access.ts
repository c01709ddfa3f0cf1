import type { AuthContext } from '../../platform/auth/auth-context.js';
import {
  assertModuleAction,
  canModuleAction,
  fieldAccess,
  type ModuleAction,
  type RecordScope,
} from '../../platform/access/access.service.js';
import { notFound } from '../../platform/http/app-error.js';
import { COMPUTED_TYPES } from '../metadata/field-types.js';
import type { FieldMeta, ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';
import type { FilterScope } from './record-filter.js';

/**
 * One caller's view of one module: the fields they may see and write. Fields
 * an administrator hid and fields the caller's profile hides are absent, so
 * nothing built from this view (lists, filters, sort, export, search,
 * timeline) can reveal them.
 */
export interface ModuleView {
  metadata: OrgMetadata;
  module: ModuleMeta;
  visible: FieldMeta[];
  byName: Map<string, FieldMeta>;
  /** Visible fields the caller may not write (profile read-only, system or computed). */
  readOnly: Set<string>;
}

/** The module by API name; an unknown or hidden module is a 404, like a record the caller may not see. */
export function getModule(metadata: OrgMetadata, apiName: string): ModuleMeta {
  const module = metadata.modules.get(apiName);
  if (!module || module.hidden) throw notFound('The module');
  return module;
}

export function viewOf(auth: AuthContext, metadata: OrgMetadata, module: ModuleMeta): ModuleView {
  const access = fieldAccess(auth, module.apiName);
  const visible = module.fields.filter((field) => !field.hidden && !access.hidden.has(field.apiName));
  const readOnly = new Set(
    visible
      .filter((field) => field.isSystem || COMPUTED_TYPES.has(field.type) || access.readOnly.has(field.apiName))
      .map((field) => field.apiName),
  );
  return { metadata, module, visible, byName: new Map(visible.map((field) => [field.apiName, field])), readOnly };
}

/** Checks the profile allows `action` on the module (403) and returns the caller's view of it. */
export function moduleView(auth: AuthContext, metadata: OrgMetadata, apiName: string, action: ModuleAction): ModuleView {
  const module = getModule(metadata, apiName);
  assertModuleAction(auth, module.apiName, action);
  return viewOf(auth, metadata, module);
}

/** The filter compiler's view of the caller: visible fields of any module and owner scopes of related ones. */
export function filterScopeFor(auth: AuthContext, metadata: OrgMetadata, scopes: (module: string) => RecordScope): FilterScope {
  const views = new Map<string, ModuleView>();
  return {
    metadata,
    userId: auth.userId,
    visibleFields(module) {
      let view = views.get(module.apiName);
      if (!view) views.set(module.apiName, (view = viewOf(auth, metadata, module)));
      return view.visible;
    },
    canRead: (module) => !module.hidden && canModuleAction(auth, module.apiName, 'read'),
    relatedOwnerIds(module) {
      const scope = scopes(module.apiName).read;
      return scope.all ? null : scope.ownerIds;
    },
  };
}

/** A view that sees every field (validation rules and server-side work run with it). */
export function fullFilterScope(metadata: OrgMetadata): FilterScope {
  return {
    metadata,
    userId: '00000000-0000-0000-0000-000000000000',
    visibleFields: (module) => module.fields,
    canRead: () => true,
    relatedOwnerIds: () => null,
  };
}
