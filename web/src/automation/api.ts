import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../app/api';
import type { FilterNode } from '../records/api';

/** Workflow rules and their execution log (server: automation/workflow, docs/automation.md). */
export type Trigger = 'create' | 'edit' | 'create_or_edit' | 'field_update' | 'delete';
export const TRIGGERS: readonly Trigger[] = ['create', 'edit', 'create_or_edit', 'field_update', 'delete'];

export type Recipient = 'owner' | 'manager' | 'user' | 'contact';

export type WebhookMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
export const WEBHOOK_METHODS: readonly WebhookMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'];
export type WebhookContentType = 'application/json' | 'application/x-www-form-urlencoded' | 'text/plain';
export const WEBHOOK_CONTENT_TYPES: readonly WebhookContentType[] = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];
export interface WebhookHeader {
  name: string;
  value: string;
}

/** `target`: `record` (or absent) the rule's record; else a lookup field of the module, whose record is written. */
export type Action =
  | { type: 'field_update'; target?: string; field: string; value: unknown }
  | { type: 'task'; subject: string; assignTo: 'owner' | 'user'; userId?: string; dueInDays?: number; priority?: 'high' | 'normal' | 'low' }
  | { type: 'email'; to: Recipient; userId?: string; templateId?: string; subject?: string; body?: string }
  | {
      type: 'webhook';
      webhookId: string;
      method?: WebhookMethod;
      headers?: WebhookHeader[];
      contentType?: WebhookContentType;
      bodyTemplate?: string;
    }
  | { type: 'custom_function'; functionId: string };
export type ActionType = Action['type'];
export const ACTION_TYPES: readonly ActionType[] = ['field_update', 'task', 'email', 'webhook', 'custom_function'];

export type ScheduleWhen = { after: number } | { field: string; days: number; time: string };
export interface ScheduledActions {
  when: ScheduleWhen;
  actions: Action[];
}

export interface WorkflowRule {
  id: string;
  name: string;
  description: string | null;
  module: string;
  trigger: Trigger;
  triggerField: string | null;
  criteria: FilterNode | null;
  actions: Action[];
  scheduled: ScheduledActions[];
  enabled: boolean;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export type RuleInput = Omit<WorkflowRule, 'id' | 'ownerId' | 'createdAt' | 'updatedAt'>;

export interface ActionOutcome {
  type: string;
  status: string;
  detail?: Record<string, unknown>;
  durationMs?: number;
  error?: string;
}

export interface Execution {
  id: string;
  ruleId: string;
  module: string;
  recordId: string;
  /** The record's name, null when deleted since or not readable by this user. */
  recordName: string | null;
  trigger: string;
  depth: number;
  matched: boolean | null;
  status: 'running' | 'done' | 'failed' | 'skipped' | 'stopped';
  reason: string | null;
  actions: ActionOutcome[];
  durationMs: number | null;
  error: string | null;
  createdAt: string;
}

export interface TestResult {
  matched: boolean;
  actions: ActionOutcome[];
  scheduled: ActionOutcome[];
}

export interface EmailTemplate {
  id: string;
  name: string;
  module: string | null;
}

const keys = {
  rules: ['automation', 'workflow-rules'] as const,
  executions: (ruleId: string) => ['automation', 'executions', ruleId] as const,
  templates: ['automation', 'email-templates'] as const,
};

export function useWorkflowRules() {
  return useQuery({
    queryKey: keys.rules,
    queryFn: async () => (await api.get<{ data: WorkflowRule[] }>('/automation/workflow-rules')).data,
  });
}

export function useSaveRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id?: string; rule: RuleInput }) =>
      id ? api.patch<WorkflowRule>(`/automation/workflow-rules/${id}`, rule) : api.post<WorkflowRule>('/automation/workflow-rules', rule),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.rules }),
  });
}

export function useSetRuleEnabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api.post<WorkflowRule>(`/automation/workflow-rules/${id}/${enabled ? 'enable' : 'disable'}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.rules }),
  });
}

export function useDeleteRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/automation/workflow-rules/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.rules }),
  });
}

export function useCreateExampleRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: 'high_priority_lead') => api.post<WorkflowRule>(`/automation/workflow-rules/examples/${name}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.rules }),
  });
}

export function useTestRule() {
  return useMutation({
    mutationFn: ({ id, recordId }: { id: string; recordId: string }) =>
      api.post<TestResult>(`/automation/workflow-rules/${id}/test`, { recordId }),
  });
}

/** The execution log of a rule, newest first, 50 at a time. */
export function useRuleExecutions(ruleId: string) {
  return useInfiniteQuery({
    queryKey: keys.executions(ruleId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<{ data: Execution[]; nextCursor: string | null }>(
        `/automation/executions?ruleId=${ruleId}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useEmailTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: async () => (await api.get<{ data: EmailTemplate[] }>('/email-templates')).data,
    staleTime: 60_000,
  });
}
