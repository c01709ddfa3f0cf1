import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import type { FilterNode } from '../../records/api';
import type { Action } from '../api';

/** Approval processes, submissions and delegation (server: automation/approvals, docs/automation.md). */
export type ApprovalTrigger = 'create' | 'edit' | 'create_or_edit' | 'manual';
export const APPROVAL_TRIGGERS: readonly ApprovalTrigger[] = ['create', 'edit', 'create_or_edit', 'manual'];

export type Approvers =
  { type: 'user'; userId: string } | { type: 'manager'; levels: number } | { type: 'group'; groupId: string; mode: 'any' | 'all' };

export interface ApprovalStep {
  name: string;
  approvers: Approvers;
  criteria?: FilterNode | null;
}

export interface ApprovalProcessInput {
  name: string;
  description: string | null;
  module: string;
  trigger: ApprovalTrigger;
  criteria: FilterNode | null;
  steps: ApprovalStep[];
  onApprove: Action[];
  onReject: Action[];
  enabled: boolean;
}

export interface ApprovalProcess extends ApprovalProcessInput {
  id: string;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export type SubmissionStatus = 'pending' | 'approved' | 'rejected' | 'recalled';

export interface Submission {
  id: string;
  processId: string;
  processName: string;
  module: string;
  recordId: string;
  recordName: string;
  status: SubmissionStatus;
  step: number;
  stepName: string;
  stepCount: number;
  submittedBy: string;
  submittedByName: string;
  submittedAt: string;
  decidedAt: string | null;
  approvers: Array<{
    userId: string;
    name: string;
    delegateId: string | null;
    delegateName: string | null;
    decision: 'approve' | 'reject' | null;
  }>;
  decisions: Array<{
    id: string;
    step: number;
    userId: string | null;
    userName: string | null;
    decision: 'submit' | 'approve' | 'reject' | 'recall' | 'skip';
    comment: string | null;
    delegatedFrom: string | null;
    delegatedFromName: string | null;
    at: string;
  }>;
  canDecide: boolean;
  canRecall: boolean;
}

export interface RecordApprovals {
  locked: boolean;
  submissions: Submission[];
  manualProcesses: Array<{ id: string; name: string }>;
}

export interface Delegate {
  delegateId: string;
  delegateName: string;
  startsOn: string;
  endsOn: string;
}

export interface LinkView {
  processName: string;
  stepName: string;
  recordName: string;
  module: string;
  recordId: string;
  submittedByName: string;
  approverName: string;
  status: SubmissionStatus;
  open: boolean;
}

const PROCESSES = '/automation/approval-processes';
const APPROVALS = '/automation/approvals';
const processesKey = ['automation', 'approval-processes'] as const;
const approvalsKey = ['automation', 'approvals'] as const;

export function useApprovalProcesses() {
  return useQuery({ queryKey: processesKey, queryFn: async () => (await api.get<{ data: ApprovalProcess[] }>(PROCESSES)).data });
}

export function useSaveApprovalProcess() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, process }: { id?: string; process: ApprovalProcessInput }) =>
      id ? api.patch<ApprovalProcess>(`${PROCESSES}/${id}`, process) : api.post<ApprovalProcess>(PROCESSES, process),
    onSuccess: () => client.invalidateQueries({ queryKey: processesKey }),
  });
}

export function useDeleteApprovalProcess() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${PROCESSES}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: processesKey }),
  });
}

/** The caller's inbox: waiting for them (pending) or submitted by them; refreshed every minute for the nav badge. */
export function useApprovalInbox(mine: 'pending' | 'submitted' = 'pending') {
  return useQuery({
    queryKey: [...approvalsKey, 'inbox', mine],
    queryFn: () => api.get<{ data: Submission[]; pendingCount: number }>(`${APPROVALS}?mine=${mine}`),
    refetchInterval: 60_000,
  });
}

export function useRecordApprovals(module: string, id: string) {
  return useQuery({
    queryKey: [...approvalsKey, 'record', module, id],
    queryFn: () => api.get<RecordApprovals>(`${APPROVALS}/records/${module}/${id}`),
  });
}

/** Approve, reject, recall or submit: afterwards every approvals view and the record itself are read again. */
export function useApprovalAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (
      input:
        | { action: 'approve' | 'reject' | 'recall'; id: string; comment?: string }
        | { action: 'submit'; module: string; recordId: string; processId: string; comment?: string },
    ) =>
      input.action === 'submit'
        ? api.post<Submission>(APPROVALS, {
            module: input.module,
            recordId: input.recordId,
            processId: input.processId,
            ...(input.comment ? { comment: input.comment } : {}),
          })
        : api.post<Submission>(`${APPROVALS}/${input.id}/${input.action}`, input.comment ? { comment: input.comment } : {}),
    onSuccess: () =>
      Promise.all([client.invalidateQueries({ queryKey: approvalsKey }), client.invalidateQueries({ queryKey: ['records'] })]),
  });
}

const delegateKey = ['automation', 'approval-delegate'] as const;

export function useMyDelegate() {
  return useQuery({
    queryKey: delegateKey,
    queryFn: async () => (await api.get<{ delegate: Delegate | null }>('/automation/approval-delegates/me')).delegate,
  });
}

export function useSaveDelegate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { delegateId: string; startsOn: string; endsOn: string } | null) =>
      body ? api.put('/automation/approval-delegates/me', body) : api.delete('/automation/approval-delegates/me'),
    onSuccess: () => client.invalidateQueries({ queryKey: delegateKey }),
  });
}

export function useApprovalLink(token: string) {
  return useQuery({
    queryKey: ['approval-link', token],
    queryFn: () => api.get<LinkView>(`/public/approvals/link?token=${encodeURIComponent(token)}`),
    retry: false,
  });
}

export function useDecideByLink() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { token: string; decision: 'approve' | 'reject'; comment?: string }) =>
      api.post<LinkView>('/public/approvals/link', body),
    onSuccess: (view, body) => client.setQueryData(['approval-link', body.token], view),
  });
}

/** Whether the record is pending approval and so locked for the caller (administrators may still change it). */
export function useRecordLocked(module: string, id: string, isAdmin: boolean): boolean {
  const approvals = useRecordApprovals(module, id);
  return !isAdmin && approvals.data?.locked === true;
}
