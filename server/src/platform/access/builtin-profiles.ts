import type { ModulePermissions } from '../../db/platform-schema.js';

/**
 * Module permissions are keyed by module API name; the '*' entry applies to
 * every module the profile does not name (modules added later included).
 */
export const ADMINISTRATOR_PERMISSIONS: ModulePermissions = {
  '*': { create: true, read: true, edit: true, delete: true, import: true, export: true },
};

export const STANDARD_PERMISSIONS: ModulePermissions = {
  '*': { create: true, read: true, edit: true, delete: true, import: false, export: false },
};

export const BUILTIN_PROFILES = [
  {
    builtin: 'administrator',
    name: 'Administrator',
    description: 'Full access, including Settings.',
    permissions: ADMINISTRATOR_PERMISSIONS,
  },
  {
    builtin: 'standard',
    name: 'Standard',
    description: 'Works with records; no import, export or Settings.',
    permissions: STANDARD_PERMISSIONS,
  },
] as const;
