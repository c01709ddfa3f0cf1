import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';

/** Modules with a score field in the standard catalog. */
export const SCORED_MODULES = ['leads', 'contacts', 'accounts', 'deals'] as const;

export const TOUCHPOINT_EVENTS = [
  'any',
  'email_sent',
  'email_answered',
  'message_answered',
  'call_answered',
  'call_received',
  'meeting_held',
] as const;
export type TouchpointEvent = (typeof TOUCHPOINT_EVENTS)[number];

export interface FieldRule {
  id?: string;
  criteria: FilterNode | null;
  points: number;
}

export interface TouchpointRule {
  id?: string;
  event: TouchpointEvent;
  points: number;
}

export interface ScoringRule {
  id: string;
  module: string;
  name: string;
  active: boolean;
  fieldRules: Array<FieldRule & { id: string }>;
  touchpointRules: Array<TouchpointRule & { id: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface ScoringRuleInput {
  module?: string;
  name: string;
  active: boolean;
  fieldRules: FieldRule[];
  touchpointRules: TouchpointRule[];
}

export interface ScoreBreakdown {
  module: string;
  id: string;
  score: number | null;
  total: number;
  items: Array<{
    ruleId: string;
    ruleName: string;
    entryId: string;
    kind: 'field' | 'touchpoint';
    criteria?: FilterNode;
    event?: TouchpointEvent;
    points: number;
    count: number;
    total: number;
  }>;
}

const key = ['automation', 'scoring-rules'] as const;
const PATH = '/automation/scoring-rules';

export function useScoringRules() {
  return useQuery({ queryKey: key, queryFn: async () => (await api.get<{ data: ScoringRule[] }>(PATH)).data });
}

export function useSaveScoringRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id?: string; rule: ScoringRuleInput }) =>
      id
        ? api.patch<ScoringRule>(`${PATH}/${id}`, {
            name: rule.name,
            active: rule.active,
            fieldRules: rule.fieldRules,
            touchpointRules: rule.touchpointRules,
          })
        : api.post<ScoringRule>(PATH, rule),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteScoringRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PATH}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useRecalculateScores() {
  return useMutation({
    mutationFn: (module: string) => api.post<{ module: string; jobId: string | null }>(`${PATH}/recalculate`, { module }),
  });
}

/** A record's score and what gave it (only fetched when asked: the popover opens). */
export function useScoreBreakdown(module: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['automation', 'scores', module, id],
    queryFn: () => api.get<ScoreBreakdown>(`/automation/scores/${module}/${id}`),
    enabled,
  });
}
