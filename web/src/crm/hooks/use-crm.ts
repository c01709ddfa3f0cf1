import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface DuplicateMatch {
  id: string;
  name: string;
  rules: string[];
}

export interface ConvertPreview {
  lead: { id: string; name: string; company: string | null; email: string | null; isConverted: boolean };
  accounts: DuplicateMatch[];
  contacts: DuplicateMatch[];
}

export interface ConvertResult {
  contactId: string;
  accountId: string | null;
  dealId: string | null;
}

export interface ConvertInput {
  deal?: Record<string, unknown>;
  accountId?: string;
  contactId?: string;
  newAccount?: boolean;
}

interface PicklistValue {
  code: string;
  labels: { es: string; en: string };
  hidden?: boolean;
}

export interface FieldMeta {
  apiName: string;
  type: string;
  /** In the caller's language. */
  label: string;
  /** The caller cannot write it (system, computed, read-only for their profile). */
  readOnly: boolean;
  options: { values?: PicklistValue[] };
}

export interface ModuleMeta {
  apiName: string;
  fields: FieldMeta[];
  displayFields?: string[];
}

export type ApiRecord = Record<string, unknown> & { id: string };

export function useConvertPreview(leadId: string) {
  return useQuery({
    queryKey: ['crm', 'convert', leadId],
    queryFn: () => api.get<ConvertPreview>(`/records/leads/${encodeURIComponent(leadId)}/convert`),
  });
}

export function useConvertLead(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ConvertInput) => api.post<ConvertResult>(`/records/leads/${encodeURIComponent(leadId)}/convert`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['records'] }),
  });
}

export function useModule(module: string) {
  return useQuery({
    queryKey: ['modules', module],
    queryFn: () => api.get<ModuleMeta>(`/modules/${encodeURIComponent(module)}`),
    staleTime: 60_000,
  });
}

/** Several records by id (`enabled` false once they are gone, e.g. merged away). */
export function useRecords(module: string, ids: string[], enabled = true) {
  return useQuery({
    queryKey: ['records', module, 'many', ids],
    queryFn: () => Promise.all(ids.map(async (id) => (await api.get<{ data: ApiRecord }>(`/records/${module}/${id}`)).data)),
    enabled: enabled && ids.length > 0,
  });
}

export function useMergeRecords(module: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { masterId: string; otherIds: string[]; values: Record<string, string> }) =>
      api.post<{ data: ApiRecord }>(`/records/${encodeURIComponent(module)}/merge`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['records'] }),
  });
}
