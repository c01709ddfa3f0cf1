import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';

export type TargetType = 'user' | 'round_robin' | 'least_loaded';

export interface AssignmentTarget {
  type: TargetType;
  userId?: string;
  userIds?: string[];
  roleId?: string;
  groupId?: string;
}

export interface AssignmentEntry {
  id?: string;
  criteria: FilterNode | null;
  target: AssignmentTarget;
  followUpTask: { subject: string; dueInDays?: number } | null;
}

export interface AssignmentRule {
  id: string;
  module: string;
  name: string;
  active: boolean;
  entries: Array<AssignmentEntry & { id: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface AssignmentRuleInput {
  module?: string;
  name: string;
  active: boolean;
  entries: AssignmentEntry[];
}

const key = ['automation', 'assignment-rules'] as const;
const PATH = '/automation/assignment-rules';

export function useAssignmentRules() {
  return useQuery({ queryKey: key, queryFn: async () => (await api.get<{ data: AssignmentRule[] }>(PATH)).data });
}

export function useSaveAssignmentRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id?: string; rule: AssignmentRuleInput }) =>
      id
        ? api.patch<AssignmentRule>(`${PATH}/${id}`, { name: rule.name, active: rule.active, entries: rule.entries })
        : api.post<AssignmentRule>(PATH, rule),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteAssignmentRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PATH}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
