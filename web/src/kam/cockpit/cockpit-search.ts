import { searchText } from '../../app/search-params';

/** What the cockpit's URL holds, so a view can be shared: period, scope, tier and the KPI opened. */
export interface CockpitSearch {
  period?: string;
  scope?: string;
  tier?: string;
  kpi?: string;
}

/**
 * The cockpit's search parameters as text. The address holds them plain (`?period=2026`, which the router reads
 * as a number); links written before with a quoted period (`?period=%222026%22`) read the same.
 */
export function validateCockpitSearch(search: Record<string, unknown>): CockpitSearch {
  const out: CockpitSearch = {};
  for (const key of ['period', 'scope', 'tier', 'kpi'] as const) {
    const value = searchText(search[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
