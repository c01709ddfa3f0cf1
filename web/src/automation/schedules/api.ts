import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';

export type Frequency = 'once' | 'daily' | 'weekly' | 'monthly';

export interface ScheduleAction {
  type: 'field_update' | 'task' | 'email';
  [key: string]: unknown;
}

export interface Schedule {
  id: string;
  name: string;
  enabled: boolean;
  frequency: Frequency;
  date: string | null;
  time: string;
  weekdays: number[];
  monthDay: number | null;
  module: string | null;
  criteria: FilterNode | null;
  functionId: string | null;
  actions: ScheduleAction[];
  ownerId: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
}

export type ScheduleInput = Omit<Schedule, 'id' | 'ownerId' | 'nextRunAt' | 'lastRunAt'>;

export interface ScheduleRun {
  id: string;
  dueAt: string;
  manual: boolean;
  status: 'running' | 'done' | 'failed';
  matched: number;
  succeeded: number;
  failed: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const key = ['automation', 'schedules'] as const;
const PATH = '/automation/schedules';

export function useSchedules() {
  return useQuery({ queryKey: key, queryFn: async () => (await api.get<{ data: Schedule[] }>(PATH)).data });
}

export function useSaveSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, schedule }: { id?: string; schedule: ScheduleInput }) =>
      id ? api.patch<Schedule>(`${PATH}/${id}`, schedule) : api.post<Schedule>(PATH, schedule),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PATH}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useRunSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<{ runId: string }>(`${PATH}/${id}/run`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useScheduleRuns(id: string | null) {
  return useQuery({
    queryKey: [...key, id, 'runs'],
    enabled: id !== null,
    refetchInterval: 5000,
    queryFn: async () => (await api.get<{ data: ScheduleRun[] }>(`${PATH}/${id}/runs`)).data,
  });
}
