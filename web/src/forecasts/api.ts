import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../app/api';
import type { Display, RecordData } from '../records/api';

/** The forecasts API as the screens use it (types follow server/src/forecasts/forecast.schemas.ts). */
export const CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export type Category = (typeof CATEGORIES)[number];
export type OpenCategory = Exclude<Category, 'closed'>;
export type CategoryAmounts = Record<Category, string>;

export interface ForecastRow {
  userId: string;
  name: string;
  kind: 'own' | 'report' | 'total';
  hasTeam: boolean;
  amounts: CategoryAmounts;
  quota: string | null;
  attainment: number | null;
  gap: string | null;
  projections: { commit: string; bestCase: string };
  change: CategoryAmounts | null;
  canSetQuota: boolean;
}

export interface Forecast {
  period: { label: string; kind: 'month' | 'quarter'; start: string; end: string; previous: string; next: string };
  currency: string;
  user: { id: string; name: string };
  snapshot: { takenOn: string; takenAt: string | null } | null;
  rows: ForecastRow[];
}

export interface ForecastQuery {
  period?: string;
  userId?: string;
  compareTo?: string;
}

export interface StageCategory {
  stage: string;
  labels: Record<string, string>;
  outcome: 'open' | 'won' | 'lost';
  probability: number | null;
  category: Category;
  defaultCategory: Category;
  fixed: boolean;
}

export interface Snapshot {
  takenOn: string;
  takenAt: string;
  periods: string[];
}

const queryString = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const forecastKeys = {
  all: ['forecasts'] as const,
  forecast: (query: ForecastQuery) => ['forecasts', 'forecast', query] as const,
  deals: (query: DealsQuery) => ['forecasts', 'deals', query] as const,
  snapshots: ['forecasts', 'snapshots'] as const,
  settings: ['forecasts', 'settings'] as const,
};

export function useForecast(query: ForecastQuery, enabled = true) {
  return useQuery({
    queryKey: forecastKeys.forecast(query),
    queryFn: () => api.get<Forecast>(`/forecasts${queryString({ ...query })}`),
    placeholderData: keepPreviousData,
    enabled,
    retry: false,
  });
}

export interface DealsQuery {
  period: string;
  userId: string;
  category: Category;
  scope: 'team' | 'own';
}

/** The deals behind a number, 50 at a time, with the total of the first page. */
export function useForecastDeals(query: DealsQuery | null) {
  return useInfiniteQuery({
    queryKey: forecastKeys.deals(query ?? ({} as DealsQuery)),
    enabled: query !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<{ data: RecordData[]; display: Display; nextCursor: string | null; total?: { value: number; exact: boolean } }>(
        `/forecasts/deals${queryString({ ...query!, cursor: pageParam })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useSnapshots() {
  return useQuery({ queryKey: forecastKeys.snapshots, queryFn: () => api.get<{ data: Snapshot[] }>('/forecasts/snapshots') });
}

export function useTakeSnapshot() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Snapshot & { users: number }>('/forecasts/snapshots'),
    onSuccess: () => client.invalidateQueries({ queryKey: forecastKeys.snapshots }),
  });
}

export function useSetQuota() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (quota: { userId: string; period: string; amount: string | null }) =>
      api.put<{ data: Array<{ userId: string; period: string; amount: string | null }> }>('/forecasts/quotas', { quotas: [quota] }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['forecasts', 'forecast'] }),
  });
}

export function useForecastSettings() {
  return useQuery({ queryKey: forecastKeys.settings, queryFn: () => api.get<{ stages: StageCategory[] }>('/forecasts/settings') });
}

export function useSaveForecastSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (stages: Record<string, OpenCategory>) => api.put<{ stages: StageCategory[] }>('/forecasts/settings', { stages }),
    onSuccess: (data) => {
      client.setQueryData(forecastKeys.settings, data);
      void client.invalidateQueries({ queryKey: forecastKeys.all });
    },
  });
}
