/** Surveys need the profile key `kam_surveys` (read or create), named explicitly, or an administrator. */
export function canSeeSurveys(permissions: { isAdmin: boolean; modules: Record<string, Record<string, boolean>> }): boolean {
  const entry = permissions.modules.kam_surveys;
  return permissions.isAdmin || entry?.read === true || entry?.create === true;
}

/** Building, sending, closing surveys and recording answers: `kam_surveys.create`, or an administrator. */
export function canManageSurveys(permissions: { isAdmin: boolean; modules: Record<string, Record<string, boolean>> }): boolean {
  return permissions.isAdmin || permissions.modules.kam_surveys?.create === true;
}

/** The cockpit counts what the caller may see of accounts: anyone who can read accounts. */
export function canSeeCockpit(permissions: { isAdmin: boolean; modules: Record<string, Record<string, boolean>> }): boolean {
  if (permissions.isAdmin) return true;
  const own = permissions.modules.accounts;
  if (own && 'read' in own) return own.read === true;
  return permissions.modules['*']?.read === true;
}
