import { useQuery } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface ModuleSummary {
  apiName: string;
  label: string;
  pluralLabel: string;
}

export const modulesQueryKey = ['settings', 'modules'] as const;

/** The organization's modules with their labels in the user's language (GET /modules). */
export function useModules() {
  return useQuery({
    queryKey: modulesQueryKey,
    queryFn: async () => (await api.get<{ data: ModuleSummary[] }>('/modules')).data,
    staleTime: 60_000,
  });
}

/** The label of a module by API name (the API name itself while loading or when unknown). */
export function moduleLabeler(modules: ModuleSummary[] | undefined): (apiName: string) => string {
  const labels = new Map((modules ?? []).map((module) => [module.apiName, module.pluralLabel]));
  return (apiName) => labels.get(apiName) ?? apiName;
}

export interface ModuleField {
  apiName: string;
  label: string;
  type: string;
  options: { target?: string; returnType?: string } & Record<string, unknown>;
}

/** One module's fields as the caller sees them (GET /modules/{module}); idle without a module. */
export function useModuleFields(apiName: string | undefined) {
  return useQuery({
    queryKey: [...modulesQueryKey, apiName, 'fields'],
    queryFn: async () => (await api.get<{ fields: ModuleField[] }>(`/modules/${encodeURIComponent(apiName!)}`)).fields,
    enabled: Boolean(apiName),
    staleTime: 60_000,
  });
}
