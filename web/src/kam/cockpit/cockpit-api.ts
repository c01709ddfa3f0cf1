import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../app/api';

/** The KPI engine's API as the cockpit uses it (server/src/kam/kpis/kpi.schemas.ts). */
export type KpiUnit = 'currency' | 'ratio' | 'score' | 'count' | 'days' | 'hours';
export type KpiValue = number | string | null;
export interface Kpi {
  id: string;
  unit: KpiUnit;
  value: KpiValue;
  previous: KpiValue;
  target: KpiValue;
  series: Array<{ period: string; value: KpiValue }>;
  details?: Record<string, number | string | null>;
  /** The caller's profile hides some of the KPI's data: no value, no records. */
  restricted?: boolean;
}
export interface KpiList {
  period: string;
  scope: string;
  kpis: Kpi[];
}
export interface KpiRecordsPage {
  module: string;
  period: string;
  total: number;
  counted: number;
  data: Array<{ id: string; display: string | null; counted: boolean; value: string | null }>;
  nextCursor: string | null;
}
export interface AcquisitionCurve {
  period: string;
  from: string;
  to: string;
  buckets: Array<{ touchpoints: number; label: string; leads: number; converted: number; rate: number | null; hidden: boolean }>;
  fallsAfter: number | null;
  byChannel: Array<{ channel: string; leads: number; converted: number; rate: number | null }>;
}
export interface OrgCalendar {
  timeZone: string;
  fiscalYearStartMonth: number;
  currency: string;
}

export interface CockpitQuery {
  period: string;
  scope: string;
  tier?: string;
}

const params = (query: CockpitQuery, extra: Record<string, string | undefined> = {}) => {
  const search = new URLSearchParams();
  search.set('period', query.period);
  if (query.scope && query.scope !== 'org') search.set('scope', query.scope);
  if (query.tier) search.set('tier', query.tier);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) search.set(key, value);
  return search.toString();
};

export const cockpitKeys = {
  kpis: (query: CockpitQuery, ids?: string) => ['kam', 'kpis', query, ids ?? 'all'] as const,
  records: (id: string, query: CockpitQuery) => ['kam', 'kpi-records', id, query] as const,
  curve: (query: CockpitQuery) => ['kam', 'acquisition-curve', query] as const,
};

export function useKpis(query: CockpitQuery | null, ids?: string[]) {
  const idList = ids?.join(',');
  return useQuery({
    queryKey: cockpitKeys.kpis(query ?? { period: '', scope: 'org' }, idList),
    queryFn: () => api.get<KpiList>(`/kam/kpis?${params(query!, { ids: idList })}`),
    enabled: query !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useKpiRecords(id: string | null, query: CockpitQuery | null) {
  return useInfiniteQuery({
    queryKey: cockpitKeys.records(id ?? '', query ?? { period: '', scope: 'org' }),
    queryFn: ({ pageParam }) =>
      api.get<KpiRecordsPage>(`/kam/kpis/${encodeURIComponent(id!)}/records?${params(query!, { limit: '25', cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: id !== null && query !== null && id !== 'enps',
    retry: false,
  });
}

export function useAcquisitionCurve(query: CockpitQuery | null) {
  return useQuery({
    queryKey: cockpitKeys.curve(query ?? { period: '', scope: 'org' }),
    // The curve has no tier filter (it is about leads).
    queryFn: () => api.get<AcquisitionCurve>(`/kam/acquisition-curve?${params({ period: query!.period, scope: query!.scope })}`),
    enabled: query !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The organization's calendar and currency (periods are fiscal and in its time zone). */
export function useOrgCalendar() {
  return useQuery({
    queryKey: ['kam', 'org-calendar'],
    queryFn: () => api.get<OrgCalendar>('/organization'),
    staleTime: 5 * 60_000,
  });
}

export function useScopeUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['kam', 'scope-users'],
    queryFn: async () => (await api.get<{ data: Array<{ id: string; name: string }> }>('/users?active=true')).data,
    enabled,
    staleTime: 60_000,
  });
}

export function useScopeRoles(enabled: boolean) {
  return useQuery({
    queryKey: ['kam', 'scope-roles'],
    queryFn: async () => (await api.get<{ data: Array<{ id: string; name: string; parentId: string | null }> }>('/roles')).data,
    enabled,
    staleTime: 60_000,
  });
}
