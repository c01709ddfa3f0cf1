import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface CustomFunction {
  id: string;
  name: string;
  description: string | null;
  code: string;
  allowedHosts: string[];
  timeoutMs: number;
  memoryMb: number;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export interface CustomFunctionInput {
  name: string;
  description: string | null;
  code: string;
  allowedHosts: string[];
  timeoutMs: number;
  memoryMb: number;
}

export interface FunctionRun {
  id: string;
  trigger?: string;
  recordId?: string | null;
  status: 'done' | 'failed';
  result: unknown;
  error: string | null;
  logs: string[];
  durationMs: number;
  memoryBytes: number | null;
  createdAt?: string;
}

const key = ['automation', 'functions'] as const;
const PATH = '/automation/functions';

export function useFunctions() {
  return useQuery({ queryKey: key, queryFn: async () => (await api.get<{ data: CustomFunction[] }>(PATH)).data });
}

export function useSaveFunction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, fn }: { id?: string; fn: CustomFunctionInput }) =>
      id ? api.patch<CustomFunction>(`${PATH}/${id}`, fn) : api.post<CustomFunction>(PATH, fn),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteFunction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PATH}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useTestFunction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, module, recordId }: { id: string; module?: string; recordId?: string }) =>
      api.post<FunctionRun>(`${PATH}/${id}/test`, module && recordId ? { module, recordId } : {}),
    onSuccess: (_run, { id }) => client.invalidateQueries({ queryKey: [...key, id, 'runs'] }),
  });
}

export function useFunctionRuns(id: string | null) {
  return useQuery({
    queryKey: [...key, id, 'runs'],
    enabled: id !== null,
    queryFn: async () => (await api.get<{ data: FunctionRun[] }>(`${PATH}/${id}/runs`)).data,
  });
}
