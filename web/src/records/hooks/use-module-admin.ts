import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { Field, FieldOptions, FieldType, Labels, ModuleDetail } from '../api';
import { recordsKeys } from './use-records';

export interface NewField {
  label: string;
  labels?: Labels;
  type: FieldType;
  required?: boolean;
  unique?: boolean;
  defaultValue?: unknown;
  helpText?: string;
  options?: FieldOptions;
  section?: string;
}

/** Administrators: add custom fields and modules, rename and hide fields. Metadata queries refresh after each change. */
export function useModuleAdmin(module?: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: recordsKeys.modules });
  return {
    createField: useMutation({
      mutationFn: (field: NewField) => api.post<Field>(`/modules/${module}/fields`, field),
      onSuccess: refresh,
    }),
    updateField: useMutation({
      mutationFn: ({
        apiName,
        patch,
      }: {
        apiName: string;
        patch: { labels?: Labels; hidden?: boolean; required?: boolean; searchable?: boolean };
      }) => api.patch<Field>(`/modules/${module}/fields/${apiName}`, patch),
      onSuccess: refresh,
    }),
    createModule: useMutation({
      mutationFn: (input: { singular: string; plural: string }) => api.post<ModuleDetail>('/modules', input),
      onSuccess: refresh,
    }),
  };
}
