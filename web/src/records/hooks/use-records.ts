import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { recordsApi, type FilterNode, type QueryInput, type SavedView, type SortEntry } from '../api';

export const recordsKeys = {
  modules: ['modules'] as const,
  module: (module: string) => ['modules', module] as const,
  list: (module: string) => ['records', module] as const,
  record: (module: string, id: string) => ['records', module, 'one', id] as const,
  timeline: (module: string, id: string) => ['records', module, 'timeline', id] as const,
  views: (module: string) => ['views', module] as const,
  users: ['directory', 'users'] as const,
};

/** The modules the caller can read, in menu order. */
export function useModules() {
  return useQuery({ queryKey: recordsKeys.modules, queryFn: recordsApi.modules, staleTime: 60_000 });
}

/** One module: fields, layout, related lists. */
export function useModule(module: string) {
  return useQuery({ queryKey: recordsKeys.module(module), queryFn: () => recordsApi.module(module), staleTime: 30_000 });
}

/** The org's active users, for user pickers and names. */
export function useDirectoryUsers() {
  return useQuery({ queryKey: recordsKeys.users, queryFn: recordsApi.users, staleTime: 60_000 });
}

export interface ListParams {
  filter?: FilterNode;
  sort?: SortEntry[];
  fields?: string[];
}

/** A list of records, 50 at a time, with the total of the first page. */
export function useRecordList(module: string, params: ListParams, enabled = true) {
  return useInfiniteQuery({
    queryKey: [...recordsKeys.list(module), 'list', params],
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const input: QueryInput = { limit: 50, count: !pageParam, ...params };
      if (pageParam) input.cursor = pageParam;
      return recordsApi.query(module, input);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A plain query (related lists, board, calendar). */
export function useRecordQuery(module: string, input: QueryInput, enabled = true) {
  return useQuery({
    queryKey: [...recordsKeys.list(module), 'query', input],
    queryFn: () => recordsApi.query(module, input),
    enabled,
  });
}

export function useRecord(module: string, id: string) {
  return useQuery({ queryKey: recordsKeys.record(module, id), queryFn: () => recordsApi.get(module, id) });
}

export function useTimeline(module: string, id: string) {
  return useQuery({ queryKey: recordsKeys.timeline(module, id), queryFn: () => recordsApi.timeline(module, id) });
}

export function useCreateRecord(module: string) {
  const client = useQueryClient();
  return useMutation({
    // allowDuplicates: the person saw the possible duplicates and creates the record anyway.
    mutationFn: (input: { values: Record<string, unknown>; allowDuplicates?: boolean }) =>
      recordsApi.create(module, input.values, input.allowDuplicates),
    onSuccess: () => client.invalidateQueries({ queryKey: recordsKeys.list(module) }),
  });
}

export function useUpdateRecord(module: string, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (values: Record<string, unknown>) => recordsApi.update(module, id, values),
    onSuccess: (answer) => {
      client.setQueryData(recordsKeys.record(module, id), answer);
      void client.invalidateQueries({ queryKey: recordsKeys.timeline(module, id) });
      void client.invalidateQueries({ queryKey: [...recordsKeys.list(module), 'list'] });
    },
  });
}

export function useDeleteRecord(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => recordsApi.remove(module, id),
    onSuccess: () => client.invalidateQueries({ queryKey: recordsKeys.list(module) }),
  });
}

export function useMassUpdate(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: string[]; values: Record<string, unknown> }) => recordsApi.massUpdate(module, body),
    onSettled: () => client.invalidateQueries({ queryKey: recordsKeys.list(module) }),
  });
}

export function useMassDelete(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => recordsApi.massDelete(module, { ids }),
    onSettled: () => client.invalidateQueries({ queryKey: recordsKeys.list(module) }),
  });
}

export function useSavedViews(module: string) {
  return useQuery({ queryKey: recordsKeys.views(module), queryFn: () => recordsApi.views(module) });
}

export function useSaveView(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; view: Omit<SavedView, 'id' | 'ownerId' | 'module'> }) =>
      input.id ? recordsApi.updateView(input.id, input.view) : recordsApi.createView({ ...input.view, module }),
    onSuccess: () => client.invalidateQueries({ queryKey: recordsKeys.views(module) }),
  });
}

export function useDeleteView(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => recordsApi.deleteView(id),
    onSuccess: () => client.invalidateQueries({ queryKey: recordsKeys.views(module) }),
  });
}
