import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';

export interface EscalationLevel {
  afterMinutes: number;
  target: { type: 'manager' } | { type: 'user'; userId: string };
  notifyOwner?: boolean;
  /** Make the person escalated to the case's owner. */
  reassign?: boolean;
  /** Fields of the case the level sets (priority → high…). */
  setFields?: Array<{ field: string; value: unknown }>;
}

export interface EscalationRule {
  id: string;
  name: string;
  active: boolean;
  criteria: FilterNode | null;
  levels: EscalationLevel[];
  createdAt: string;
  updatedAt: string;
}

export interface EscalationRuleInput {
  name: string;
  active: boolean;
  criteria: FilterNode | null;
  levels: EscalationLevel[];
}

const key = ['automation', 'escalation-rules'] as const;
const PATH = '/automation/escalation-rules';

export function useEscalationRules() {
  return useQuery({ queryKey: key, queryFn: async () => (await api.get<{ data: EscalationRule[] }>(PATH)).data });
}

export function useSaveEscalationRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id?: string; rule: EscalationRuleInput }) =>
      id ? api.patch<EscalationRule>(`${PATH}/${id}`, rule) : api.post<EscalationRule>(PATH, rule),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteEscalationRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PATH}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
