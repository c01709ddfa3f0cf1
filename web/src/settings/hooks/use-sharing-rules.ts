import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export const RULE_PARTIES = ['role', 'role_and_subordinates', 'group'] as const;
export type RuleParty = (typeof RULE_PARTIES)[number];
export type RuleAccess = 'read' | 'read_write';

export interface SharingRule {
  id: string;
  module: string;
  name: string;
  sourceType: RuleParty;
  sourceId: string;
  sourceName: string | null;
  targetType: RuleParty;
  targetId: string;
  targetName: string | null;
  access: RuleAccess;
}

export type SharingRuleInput = Pick<SharingRule, 'module' | 'name' | 'sourceType' | 'sourceId' | 'targetType' | 'targetId' | 'access'>;

export const sharingRulesQueryKey = ['settings', 'sharing-rules'] as const;

export function useSharingRules() {
  return useQuery({
    queryKey: sharingRulesQueryKey,
    queryFn: async () => (await api.get<{ data: SharingRule[] }>('/sharing-rules')).data,
  });
}

export function useCreateSharingRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: SharingRuleInput) => api.post<SharingRule>('/sharing-rules', rule),
    onSuccess: () => client.invalidateQueries({ queryKey: sharingRulesQueryKey }),
  });
}

export function useDeleteSharingRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/sharing-rules/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: sharingRulesQueryKey }),
  });
}
