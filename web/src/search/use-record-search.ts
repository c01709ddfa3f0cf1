import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../app/api';

/** One record found by GET /api/v1/search. */
export interface SearchHit {
  module: string;
  moduleLabel: string;
  id: string;
  name: string;
  matchedField: string;
  snippet?: string;
  score: number;
}

/** The server needs 2 letters or digits; shorter texts are not sent. */
export const isSearchable = (q: string) => (q.trim().match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 2;

/** Where a record opens. */
export const recordPath = (hit: Pick<SearchHit, 'module' | 'id'>) => `/records/${hit.module}/${hit.id}`;

/** Records matching `q`, asked `delay` ms after the last keystroke (the palette types fast). */
export function useRecordSearch(q: string, options: { delay?: number; limit?: number } = {}) {
  const [debounced] = useDebouncedValue(q.trim(), options.delay ?? 200);
  const enabled = isSearchable(debounced);
  const query = useQuery({
    queryKey: ['search', debounced, options.limit ?? 20],
    queryFn: () =>
      api.get<{ data: SearchHit[] }>(`/search?q=${encodeURIComponent(debounced)}&limit=${options.limit ?? 20}`).then((r) => r.data),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  return {
    hits: enabled ? (query.data ?? []) : [],
    /** True while the typed text has not been searched yet. */
    pending: isSearchable(q) && (q.trim() !== debounced || query.isFetching),
    error: query.error,
    searched: enabled ? debounced : '',
  };
}
