import type { AuthContext } from '../platform/auth/auth-context.js';
import { forbidden } from '../platform/http/app-error.js';

/**
 * Automation rules are settings, not records: administrators manage them, and so does a profile that names the
 * rule type's key (`read` lists them, `edit` or `create` changes them; the profile's '*' entry does not count).
 * Returns the check for one key; `noun` names the rules in the 403 message ("scoring rules").
 */
export function settingsPermission(key: string, noun: string) {
  return function assertAllowed(auth: AuthContext, action: 'read' | 'write'): void {
    if (auth.isAdmin) return;
    const entry = Object.hasOwn(auth.modulePermissions, key) ? auth.modulePermissions[key] : undefined;
    const write = entry?.edit === true || entry?.create === true;
    if (write || (action === 'read' && entry?.read === true)) return;
    throw forbidden(
      action === 'read' ? `Your profile does not allow you to see ${noun}.` : `Your profile does not allow you to manage ${noun}.`,
    );
  };
}
