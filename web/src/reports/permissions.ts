/** Reports and dashboards need the profile key `reports` (read to see and run, create or edit to build), or an administrator. */
type Permissions = { isAdmin: boolean; modules: Record<string, Record<string, boolean>> };

export function canSeeReports(permissions: Permissions): boolean {
  const entry = permissions.modules.reports;
  return permissions.isAdmin || entry?.read === true || entry?.create === true || entry?.edit === true;
}

export function canBuildReports(permissions: Permissions): boolean {
  const entry = permissions.modules.reports;
  return permissions.isAdmin || entry?.create === true || entry?.edit === true;
}
