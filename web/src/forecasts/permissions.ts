type Permissions = { isAdmin: boolean; modules: Record<string, Record<string, boolean>> };

/** Forecasts need the profile key `forecasts` (read or edit), named explicitly, or an administrator. */
export function canSeeForecasts(permissions: Permissions): boolean {
  const entry = permissions.modules.forecasts;
  return permissions.isAdmin || entry?.read === true || entry?.edit === true;
}
