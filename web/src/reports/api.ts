import { api } from '../app/api';
import type { FilterNode, RecordData, Display } from '../records/api';

/** The reports API as the screens use it (types follow server/src/reports: the report definition and run result). */

export type ReportType = 'tabular' | 'summary' | 'matrix';
export type DateBucket = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'fiscal_quarter' | 'fiscal_year';
export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';
export type ChartType = 'bar' | 'stacked_bar' | 'line' | 'area' | 'pie' | 'donut' | 'funnel' | 'kpi';
export type ValueFormat = 'number' | 'percent' | 'currency';

export const RELATIVE_RANGES = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'next_month',
  'this_quarter',
  'last_quarter',
  'next_quarter',
  'this_fiscal_quarter',
  'last_fiscal_quarter',
  'this_fiscal_year',
  'last_fiscal_year',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'next_30_days',
  'next_90_days',
] as const;
export type RelativeRange = (typeof RELATIVE_RANGES)[number];
export type PeriodRange = RelativeRange | { from: string; to: string };

export const DATE_BUCKETS: DateBucket[] = ['day', 'week', 'month', 'quarter', 'year', 'fiscal_quarter', 'fiscal_year'];
export const AGGREGATE_FNS: AggregateFn[] = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'];
export const CHART_TYPES: ChartType[] = ['bar', 'stacked_bar', 'line', 'area', 'pie', 'donut', 'funnel', 'kpi'];

export interface Grouping {
  field: string;
  bucket?: DateBucket;
}
export interface Aggregate {
  key: string;
  fn: AggregateFn;
  field?: string;
  label?: string;
  filter?: FilterNode;
}
export interface Formula {
  key: string;
  label?: string;
  expression: string;
  format?: ValueFormat;
}
export interface ReportDefinition {
  module: string;
  type: ReportType;
  columns?: string[];
  filter?: FilterNode;
  period?: { field: string; range: PeriodRange };
  groupBy?: Grouping[];
  columnGroupBy?: Grouping[];
  aggregates?: Aggregate[];
  formulas?: Formula[];
  sort?: Array<{ by: string; direction?: 'asc' | 'desc' }>;
  limit?: number;
  chart?: { type: ChartType; value?: string };
}

export interface SharedWith {
  roles: string[];
  groups: string[];
  everyone?: boolean;
}

export interface Report {
  id: string;
  name: string;
  description: string | null;
  folder: string | null;
  definition: ReportDefinition;
  ownerId: string;
  sharedWith: SharedWith;
  createdAt: string;
  updatedAt: string;
}
export interface ReportInput {
  name: string;
  description?: string | null;
  folder?: string | null;
  definition: ReportDefinition;
  sharedWith?: SharedWith;
}

export interface GalleryEntry {
  key: string;
  name: string;
  description: string;
  definition: ReportDefinition;
}

export type GroupKeys = Record<string, string | number | boolean | null>;
export interface ResultColumn {
  key: string;
  label: string;
  /** The field type, or `number` for aggregates and formulas. */
  type?: string;
  format?: string;
  kind?: 'column' | 'group' | 'aggregate' | 'formula';
}
export interface ResultGroup {
  keys: GroupKeys;
  labels: Record<string, string | null>;
  values: Record<string, number | string | null>;
  children?: ResultGroup[];
}
export interface RunResult {
  columns: ResultColumn[];
  rows?: Array<Record<string, unknown> & { id: string }>;
  /** Tabular: names of the users, records and roles that rows point at, by id. */
  display?: Record<string, string>;
  groups?: ResultGroup[];
  columnKeys?: Array<{ keys: GroupKeys; labels: Record<string, string | null> }>;
  cells?: Array<{ row: GroupKeys; column: GroupKeys; values: Record<string, number | string | null> }>;
  totals?: Record<string, number | string | null>;
  previous?: Record<string, number | string | null>;
  currency: string;
  truncated: boolean;
  durationMs: number;
}

export interface DrillPage {
  data: RecordData[];
  display?: Display;
  nextCursor: string | null;
}

export interface Widget {
  id?: string;
  reportId: string;
  title?: string | null;
  chart?: { type: ChartType; value?: string } | null;
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Dashboard {
  id: string;
  name: string;
  ownerId: string;
  sharedWith: SharedWith;
  period: PeriodRange | null;
  widgets: Array<Widget & { id: string }>;
  createdAt: string;
  updatedAt: string;
}
export interface DashboardInput {
  name?: string;
  sharedWith?: SharedWith;
  period?: PeriodRange | null;
  widgets?: Widget[];
}
export type WidgetRun = { id: string; result: RunResult } | { id: string; error: { code: string; message: string } };

export type Frequency = 'daily' | 'weekly' | 'monthly';
export type ScheduleFormat = 'csv' | 'xlsx' | 'pdf';
export interface ScheduleInput {
  frequency: Frequency;
  time: string;
  weekday?: number;
  monthDay?: number;
  format: ScheduleFormat;
  recipients: { users: string[]; roles: string[]; groups: string[] };
}
/** A report mailed on a schedule (server/src/reports/schedules). */
export interface Schedule extends ScheduleInput {
  id: string;
  reportId: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastError: string | null;
}

export const reportsApi = {
  list: () => api.get<{ data: Report[] }>('/reports').then((answer) => answer.data),
  get: (id: string) => api.get<Report>(`/reports/${id}`),
  create: (input: ReportInput) => api.post<Report>('/reports', input),
  update: (id: string, input: Partial<ReportInput>) => api.patch<Report>(`/reports/${id}`, input),
  remove: (id: string) => api.delete(`/reports/${id}`),
  gallery: () => api.get<{ data: GalleryEntry[] }>('/reports/gallery').then((answer) => answer.data),
  preview: (definition: ReportDefinition, period?: PeriodRange) =>
    api.post<RunResult>('/reports/run', { definition, ...(period ? { period } : {}) }),
  run: (id: string, period?: PeriodRange) => api.post<RunResult>(`/reports/${id}/run`, period ? { period } : {}),
  records: (source: { id: string } | { definition: ReportDefinition }, keys: GroupKeys, cursor?: string) =>
    'id' in source
      ? api.post<DrillPage>(`/reports/${source.id}/records`, { keys, limit: 50, ...(cursor ? { cursor } : {}) })
      : api.post<DrillPage>('/reports/records', { definition: source.definition, keys, limit: 50, ...(cursor ? { cursor } : {}) }),
  schedules: (id: string) => api.get<{ data: Schedule[] }>(`/reports/${id}/schedules`).then((answer) => answer.data),
  createSchedule: (id: string, input: ScheduleInput) => api.post<Schedule>(`/reports/${id}/schedules`, input),
  removeSchedule: (id: string) => api.delete(`/report-schedules/${id}`),
  dashboards: () => api.get<{ data: Dashboard[] }>('/dashboards').then((answer) => answer.data),
  dashboard: (id: string) => api.get<Dashboard>(`/dashboards/${id}`),
  createDashboard: (input: DashboardInput & { name: string }) => api.post<Dashboard>('/dashboards', input),
  updateDashboard: (id: string, input: DashboardInput) => api.patch<Dashboard>(`/dashboards/${id}`, input),
  removeDashboard: (id: string) => api.delete(`/dashboards/${id}`),
  runDashboard: (id: string, period?: PeriodRange | null) =>
    api.post<{ widgets: WidgetRun[] }>(`/dashboards/${id}/run`, period === undefined ? {} : { period }),
};
