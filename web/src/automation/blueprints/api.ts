import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';
import { recordsKeys } from '../../records/hooks/use-records';
import type { Action } from '../api';
import { normalizeDefinition, type StoredDefinition } from './definition';

/** Blueprints: processes drawn as a state machine on a picklist field (server: automation/blueprints, docs/automation.md). */
export type NoteMode = 'none' | 'optional' | 'required';
export const NOTE_MODES: readonly NoteMode[] = ['none', 'optional', 'required'];
export type EscalationNotify = 'owner' | 'owner_manager' | 'user';
export const ESCALATION_NOTIFY: readonly EscalationNotify[] = ['owner', 'owner_manager', 'user'];

export interface BlueprintState {
  /** A value (code) of the Blueprint's picklist. */
  value: string;
  position: { x: number; y: number };
  timeLimitHours?: number | null;
  escalation?: { notify: EscalationNotify; userId?: string; actions?: Action[] } | null;
}

export interface TransitionWho {
  owner: boolean;
  users: string[];
  roles: string[];
  groups: string[];
}

export interface BlueprintTransition {
  /** Chosen by the client: `^[a-z0-9_-]{1,40}$`, unique in the Blueprint. */
  id: string;
  name: string;
  from: string[];
  to: string;
  before: { who: TransitionWho; criteria: FilterNode | null };
  during: { requiredFields: string[]; note: NoteMode; attachment: NoteMode };
  after: Action[];
}

export interface BlueprintDefinition {
  states: BlueprintState[];
  transitions: BlueprintTransition[];
}

export interface BlueprintInput {
  name: string;
  description?: string | null;
  module: string;
  field: string;
  criteria?: FilterNode | null;
  definition: BlueprintDefinition;
  enabled?: boolean;
}

export interface Blueprint {
  id: string;
  name: string;
  description: string | null;
  module: string;
  field: string;
  criteria: FilterNode | null;
  enabled: boolean;
  owner: { id: string; name: string };
  definition: BlueprintDefinition;
  createdAt: string;
  updatedAt: string;
}

export interface BlueprintExample {
  key: string;
  name: string;
  description?: string | null;
  module: string;
  field: string;
  definition?: BlueprintDefinition;
}

export interface OfferedTransition {
  id: string;
  name: string;
  to: string;
  toLabel: string;
  requiredFields: Array<{
    apiName: string;
    label: string;
    type: string;
    required: true;
    options?: Array<{ value: string; label: string }>;
  }>;
  note: NoteMode;
  attachment: NoteMode;
}

export interface RecordBlueprint {
  blueprint: { id: string; name: string; field: string; fieldLabel: string } | null;
  state: { value: string; label: string; enteredAt: string; dueAt: string | null; overdue: boolean } | null;
  transitions: OfferedTransition[];
  history: Array<{
    id: string;
    transitionName: string;
    from: string | null;
    fromLabel: string | null;
    to: string;
    toLabel: string;
    user: { id: string; name: string } | null;
    note: string | null;
    at: string;
  }>;
}

const BASE = '/automation/blueprints';

/** A Blueprint as the UI works with it: its definition with every optional part filled in. */
const normalized = (blueprint: Blueprint): Blueprint => ({
  ...blueprint,
  definition: normalizeDefinition(blueprint.definition as unknown as StoredDefinition),
});
const keys = {
  all: ['automation', 'blueprints'] as const,
  one: (id: string) => ['automation', 'blueprints', 'one', id] as const,
  examples: ['automation', 'blueprints', 'examples'] as const,
  record: (module: string, id: string) => ['automation', 'blueprint-records', module, id] as const,
};

export function useBlueprints() {
  return useQuery({ queryKey: keys.all, queryFn: async () => (await api.get<{ items: Blueprint[] }>(BASE)).items.map(normalized) });
}

export function useBlueprint(id: string) {
  return useQuery({ queryKey: keys.one(id), queryFn: async () => normalized(await api.get<Blueprint>(`${BASE}/${id}`)) });
}

export function useBlueprintExamples(enabled: boolean) {
  return useQuery({
    queryKey: keys.examples,
    enabled,
    // The answer is a list either bare or wrapped, like the other lists of this API.
    queryFn: async () => {
      const answer = await api.get<{ items: BlueprintExample[] } | BlueprintExample[]>(`${BASE}/examples`);
      return Array.isArray(answer) ? answer : answer.items;
    },
  });
}

/** Create (no id) or change a Blueprint; every Blueprint view is read again afterwards. */
export function useSaveBlueprint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: Partial<BlueprintInput> }) =>
      normalized(await (id ? api.patch<Blueprint>(`${BASE}/${id}`, input) : api.post<Blueprint>(BASE, input))),
    onSuccess: (saved) => {
      client.setQueryData(keys.one(saved.id), saved);
      return client.invalidateQueries({ queryKey: keys.all });
    },
  });
}

export function useSetBlueprintEnabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api.post<Blueprint>(`${BASE}/${id}/${enabled ? 'enable' : 'disable'}`, {}),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useDeleteBlueprint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${BASE}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useInstallBlueprintExample() {
  const client = useQueryClient();
  return useMutation({
    // The answer is the installed Blueprint, bare or under `blueprint`; its `enabled` says whether it already runs.
    mutationFn: async (key: string) => {
      const answer = await api.post<Blueprint | { blueprint: Blueprint }>(`${BASE}/examples/${encodeURIComponent(key)}`, {});
      return 'blueprint' in answer ? answer.blueprint : answer;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

/** The Blueprint that governs a record, its state, the transitions open to the caller and the history. */
export function useRecordBlueprint(module: string, id: string) {
  return useQuery({
    queryKey: keys.record(module, id),
    queryFn: () => api.get<RecordBlueprint>(`/automation/blueprint-records/${module}/${id}`),
  });
}

/** Take a transition; afterwards the panel shows the answer and the record, its timeline and lists are read again. */
export function useTakeTransition(module: string, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      transitionId,
      body,
    }: {
      transitionId: string;
      body: { values?: Record<string, unknown>; note?: string; attachmentId?: string };
    }) => api.post<RecordBlueprint>(`/automation/blueprint-records/${module}/${id}/transitions/${encodeURIComponent(transitionId)}`, body),
    onSuccess: (answer) => {
      client.setQueryData(keys.record(module, id), answer);
      return client.invalidateQueries({ queryKey: recordsKeys.list(module) });
    },
  });
}

/** After a 409 (someone else moved the record) the panel is read again. */
export function useRefreshRecordBlueprint(module: string, id: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: keys.record(module, id) });
}
