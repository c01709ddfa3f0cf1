import { api } from '../app/api';

/** What the records API answers (GET /modules, /modules/:module, /records/…). */

export type FieldType =
  | 'text'
  | 'long_text'
  | 'email'
  | 'phone'
  | 'url'
  | 'integer'
  | 'decimal'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'picklist'
  | 'multi_select'
  | 'lookup'
  | 'user'
  | 'auto_number'
  | 'formula'
  | 'rollup';

export interface Labels {
  es: string;
  en: string;
}

export interface PicklistValue {
  code: string;
  labels: Labels;
  hidden?: boolean;
  probability?: number;
  outcome?: 'open' | 'won' | 'lost';
}

export interface FieldOptions {
  values?: PicklistValue[];
  target?: string;
  targetField?: string;
  scale?: number;
  returnType?: FieldType;
  [key: string]: unknown;
}

export interface Field {
  id: string;
  apiName: string;
  type: FieldType;
  label: string;
  labels: Labels;
  isStandard: boolean;
  isSystem: boolean;
  readOnly: boolean;
  required: boolean;
  unique: boolean;
  hidden?: boolean;
  defaultValue: unknown;
  helpText: string | null;
  options: FieldOptions;
  /** The global search looks at it. */
  searchable: boolean;
}

export interface ModulePermissions {
  create: boolean;
  read: boolean;
  edit: boolean;
  delete: boolean;
  import: boolean;
  export: boolean;
}

export interface ModuleSummary {
  id: string;
  apiName: string;
  label: string;
  pluralLabel: string;
  labels: { es: { singular: string; plural: string }; en: { singular: string; plural: string } };
  isStandard: boolean;
  position: number;
  permissions: ModulePermissions;
}

export interface LayoutSection {
  key: string;
  label: string;
  labels: Labels;
  fields: string[];
}

export interface ModuleDetail extends ModuleSummary {
  displayFields: string[];
  fields: Field[];
  layout: LayoutSection[];
  relatedLists: Array<{ module: string; field: string; label: string }>;
  hiddenFields?: Array<{ apiName: string; type: FieldType; label: string; isStandard: boolean }>;
}

export type RecordData = Record<string, unknown> & { id: string };
export type Display = Record<string, string>;

export type FilterOp =
  'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'in' | 'nin' | 'contains' | 'starts_with' | 'is_empty' | 'is_not_empty';

export interface Condition {
  field: string;
  op: FilterOp;
  value?: unknown;
}
export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | Condition;

export interface SortEntry {
  field: string;
  direction?: 'asc' | 'desc';
}

export interface QueryInput {
  filter?: FilterNode;
  sort?: SortEntry[];
  limit?: number;
  cursor?: string;
  fields?: string[];
  count?: boolean;
}

export interface RecordList {
  data: RecordData[];
  display: Display;
  nextCursor: string | null;
  total?: { value: number; exact: boolean };
}

export interface RecordResponse {
  data: RecordData;
  display: Display;
}

export interface TimelineEntry {
  id: string;
  kind: string;
  actorId: string | null;
  at: string;
  data: { changes?: Record<string, { from: unknown; to: unknown }>; [key: string]: unknown };
}

export interface TimelineList {
  data: TimelineEntry[];
  display: Display;
  nextCursor: string | null;
}

export interface BatchResult {
  index: number;
  status: 'created' | 'updated' | 'unchanged' | 'deleted' | 'error';
  id?: string;
  errors?: Array<{ field: string | null; message: string; reason?: string }>;
}

export interface SavedView {
  id: string;
  module: string;
  name: string;
  ownerId: string;
  shared: boolean;
  filter: FilterNode | null;
  sort: SortEntry[] | null;
  columns: string[] | null;
}

export interface DirectoryUser {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

export const recordsApi = {
  modules: async () => (await api.get<{ data: ModuleSummary[] }>('/modules')).data,
  module: (module: string) => api.get<ModuleDetail>(`/modules/${module}`),
  query: (module: string, input: QueryInput) => api.post<RecordList>(`/records/${module}/query`, input),
  get: (module: string, id: string) => api.get<RecordResponse>(`/records/${module}/${id}`),
  create: (module: string, values: Record<string, unknown>, allowDuplicates = false) =>
    api.post<RecordResponse>(`/records/${module}${allowDuplicates ? '?allowDuplicates=true' : ''}`, values),
  update: (module: string, id: string, values: Record<string, unknown>) => api.patch<RecordResponse>(`/records/${module}/${id}`, values),
  remove: (module: string, id: string) => api.delete(`/records/${module}/${id}`),
  timeline: (module: string, id: string) => api.get<TimelineList>(`/records/${module}/${id}/timeline`),
  massUpdate: (module: string, body: { ids?: string[]; filter?: FilterNode; values: Record<string, unknown> }) =>
    api.post<{ data: BatchResult[] }>(`/records/${module}/mass-update`, body),
  massDelete: (module: string, body: { ids?: string[]; filter?: FilterNode }) =>
    api.post<{ data: BatchResult[] }>(`/records/${module}/mass-delete`, body),
  views: async (module: string) => (await api.get<{ data: SavedView[] }>(`/views?module=${encodeURIComponent(module)}`)).data,
  createView: (view: Omit<SavedView, 'id' | 'ownerId'>) => api.post<SavedView>('/views', view),
  updateView: (id: string, patch: Partial<Omit<SavedView, 'id' | 'ownerId' | 'module'>>) => api.patch<SavedView>(`/views/${id}`, patch),
  deleteView: (id: string) => api.delete(`/views/${id}`),
  users: async () => (await api.get<{ data: DirectoryUser[] }>('/users?active=true')).data,
};
