/** Surveys need the profile key `kam_surveys` (read or create), named explicitly, or an administrator. */
export function canSeeSurveys(permissions: { isAdmin: boolean; modules: Record<string, Record<string, boolean>> }): boolean {
  const entry = permissions.modules.kam_surveys;
  return permissions.isAdmin || entry?.read === true || entry?.create === true;
}
