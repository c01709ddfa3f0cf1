import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { reportsApi, type DashboardInput, type PeriodRange, type ReportDefinition, type ReportInput, type ScheduleInput } from '../api';

export const reportsKeys = {
  all: ['reports'] as const,
  list: ['reports', 'list'] as const,
  one: (id: string) => ['reports', 'one', id] as const,
  gallery: ['reports', 'gallery'] as const,
  run: (id: string, period?: PeriodRange) => ['reports', 'run', id, period ?? null] as const,
  preview: (definition: ReportDefinition) => ['reports', 'preview', definition] as const,
  schedules: (id: string) => ['reports', 'schedules', id] as const,
  dashboards: ['dashboards'] as const,
  dashboard: (id: string) => ['dashboards', 'one', id] as const,
  dashboardRun: (id: string, period: PeriodRange | null | undefined) => ['dashboards', 'run', id, period ?? null] as const,
};

export function useReports() {
  return useQuery({ queryKey: reportsKeys.list, queryFn: reportsApi.list });
}

export function useReport(id: string | undefined) {
  return useQuery({ queryKey: reportsKeys.one(id ?? ''), queryFn: () => reportsApi.get(id!), enabled: !!id });
}

export function useGallery(enabled = true) {
  return useQuery({ queryKey: reportsKeys.gallery, queryFn: reportsApi.gallery, staleTime: 5 * 60_000, enabled });
}

/** The live preview of an unsaved definition; the previous result stays on screen while the next one loads. */
export function usePreview(definition: ReportDefinition | null) {
  return useQuery({
    queryKey: reportsKeys.preview(definition ?? ({} as ReportDefinition)),
    queryFn: () => reportsApi.preview(definition!),
    enabled: definition !== null,
    placeholderData: keepPreviousData,
  });
}

export function useRunReport(id: string, period?: PeriodRange) {
  return useQuery({ queryKey: reportsKeys.run(id, period), queryFn: () => reportsApi.run(id, period), placeholderData: keepPreviousData });
}

export function useSaveReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: ReportInput }) => (id ? reportsApi.update(id, input) : reportsApi.create(input)),
    onSuccess: (report) => {
      client.setQueryData(reportsKeys.one(report.id), report);
      void client.invalidateQueries({ queryKey: reportsKeys.all });
    },
  });
}

export function useDeleteReport() {
  const client = useQueryClient();
  return useMutation({ mutationFn: reportsApi.remove, onSuccess: () => client.invalidateQueries({ queryKey: reportsKeys.all }) });
}

export function useSchedules(id: string, enabled: boolean) {
  return useQuery({ queryKey: reportsKeys.schedules(id), queryFn: () => reportsApi.schedules(id), enabled });
}

export function useCreateSchedule(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ScheduleInput) => reportsApi.createSchedule(id, input),
    onSuccess: () => client.invalidateQueries({ queryKey: reportsKeys.schedules(id) }),
  });
}

export function useDeleteSchedule(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: reportsApi.removeSchedule,
    onSuccess: () => client.invalidateQueries({ queryKey: reportsKeys.schedules(id) }),
  });
}

export function useDashboards() {
  return useQuery({ queryKey: reportsKeys.dashboards, queryFn: reportsApi.dashboards });
}

export function useDashboard(id: string) {
  return useQuery({ queryKey: reportsKeys.dashboard(id), queryFn: () => reportsApi.dashboard(id) });
}

/** Every widget's result; `refetch` refreshes them in place. */
export function useDashboardRun(id: string, period: PeriodRange | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: reportsKeys.dashboardRun(id, period),
    queryFn: () => reportsApi.runDashboard(id, period),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useSaveDashboard() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: DashboardInput }) =>
      id ? reportsApi.updateDashboard(id, input) : reportsApi.createDashboard({ name: '', ...input }),
    onSuccess: (dashboard) => {
      client.setQueryData(reportsKeys.dashboard(dashboard.id), dashboard);
      void client.invalidateQueries({ queryKey: reportsKeys.dashboards });
    },
  });
}

export function useDeleteDashboard() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: reportsApi.removeDashboard,
    onSuccess: () => client.invalidateQueries({ queryKey: reportsKeys.dashboards }),
  });
}
