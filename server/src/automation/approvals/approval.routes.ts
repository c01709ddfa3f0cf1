import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  ApprovalProcess,
  CreateProcessBody,
  DecideBody,
  DelegateBody,
  DelegateResponse,
  InboxQuery,
  LinkDecideBody,
  LinkQuery,
  LinkView,
  ProcessQuery,
  RecordApprovalParams,
  RecordApprovals,
  Submission,
  SubmissionList,
  SubmitBody,
  UpdateProcessBody,
} from './approval.schemas.js';
import type { ApprovalService } from './approval.service.js';

const tags = ['Automation: approvals'];
const MANAGE = 'Administrators, or a profile that names `automation_approvals` or `automation` (read to list; create or edit to change).';
const LOCK =
  'While a submission is pending the record is locked: updates and deletes by anyone but an administrator get 409 `conflict` (reason `approval_pending`).';

export const approvalRoutes: FastifyPluginAsyncTypebox<{ approvals: ApprovalService }> = async (app, { approvals }) => {
  app.get(
    '/automation/approval-processes',
    {
      schema: {
        tags,
        summary: 'Approval processes',
        description: MANAGE,
        querystring: ProcessQuery,
        response: { 200: Type.Object({ data: Type.Array(ApprovalProcess) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await approvals.listProcesses(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/automation/approval-processes',
    {
      schema: {
        tags,
        summary: 'Create an approval process',
        description: `${MANAGE} ${LOCK}`,
        body: CreateProcessBody,
        response: { 201: ApprovalProcess, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await approvals.createProcess(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/approval-processes/:id',
    {
      schema: {
        tags,
        summary: 'An approval process',
        params: IdParams,
        response: { 200: ApprovalProcess, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => approvals.getProcess(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/approval-processes/:id',
    {
      schema: {
        tags,
        summary: 'Change an approval process',
        description: 'Send only what changes; `steps` replaces the list. Pending submissions keep the approvers already asked.',
        params: IdParams,
        body: UpdateProcessBody,
        response: { 200: ApprovalProcess, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => approvals.updateProcess(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/automation/approval-processes/:id',
    {
      schema: {
        tags,
        summary: 'Delete an approval process',
        description: 'Its submissions (pending ones too: their records are unlocked) and its execution log go with it.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await approvals.removeProcess(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/automation/approvals',
    {
      schema: {
        tags,
        summary: 'My approvals inbox',
        description:
          'Any signed-in user: the submissions waiting for the caller (as an approver or a delegate), oldest first, or those they submitted.',
        querystring: InboxQuery,
        response: { 200: SubmissionList, ...errorResponses(400, 401) },
      },
    },
    async (request) => approvals.inbox(requireAuth(request), request.query),
  );

  app.post(
    '/automation/approvals',
    {
      schema: {
        tags,
        summary: 'Submit a record for approval',
        description: `The caller must be able to change the record (404/403). 400 for a process that is not enabled or is for another module; 409 \`conflict\` when the record does not meet the criteria (reason \`criteria_not_met\`) or is already pending (\`approval_pending\`). ${LOCK}`,
        body: SubmitBody,
        response: { 201: Submission, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await approvals.submit(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/approvals/records/:module/:id',
    {
      schema: {
        tags,
        summary: 'A record’s approvals',
        description:
          'For the record page: its submissions with their history, whether it is locked, and the processes it may be submitted to.',
        params: RecordApprovalParams,
        response: { 200: RecordApprovals, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => approvals.ofRecord(requireAuth(request), request.params.module, request.params.id),
  );

  app.get(
    '/automation/approvals/:id',
    {
      schema: {
        tags,
        summary: 'An approval submission',
        description: 'Visible to its submitter, its approvers and delegates, and whoever can see the record.',
        params: IdParams,
        response: { 200: Submission, ...errorResponses(401, 404) },
      },
    },
    async (request) => approvals.get(requireAuth(request), request.params.id),
  );

  for (const action of ['approve', 'reject', 'recall'] as const) {
    app.post(
      `/automation/approvals/:id/${action}`,
      {
        schema: {
          tags,
          summary: { approve: 'Approve the current step', reject: 'Reject the submission', recall: 'Recall the submission' }[action],
          description:
            action === 'recall'
              ? 'Only the submitter or an administrator (403 otherwise); 409 `conflict` (reason `not_pending`) once decided.'
              : 'Only an approver of the current step or their delegate (403 otherwise); 409 `conflict` (reason `not_pending`) once decided. Approving the last step (all approvers of an "all" group) approves the submission and runs the process’s approval actions; rejecting runs its rejection actions.',
          params: IdParams,
          body: Type.Optional(DecideBody),
          response: { 200: Submission, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => approvals[action](requireAuth(request), request.params.id, request.body?.comment),
    );
  }

  app.get(
    '/automation/approval-delegates/me',
    {
      schema: {
        tags,
        summary: 'My approval delegate',
        response: { 200: DelegateResponse, ...errorResponses(401) },
      },
    },
    async (request) => approvals.getDelegate(requireAuth(request)),
  );

  app.put(
    '/automation/approval-delegates/me',
    {
      schema: {
        tags,
        summary: 'Set my approval delegate',
        description:
          'Between the two dates (inclusive, organization’s time zone), steps routed to the caller also go to the delegate, who may decide for them (the history says so).',
        body: DelegateBody,
        response: { 200: DelegateResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => approvals.setDelegate(requireAuth(request), request.body),
  );

  app.delete(
    '/automation/approval-delegates/me',
    { schema: { tags, summary: 'Remove my approval delegate', response: { 204: NoContent, ...errorResponses(401) } } },
    async (request, reply) => {
      await approvals.removeDelegate(requireAuth(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/public/approvals/link',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The approval behind an e-mail’s one-click link',
        description: 'No sign-in: the token (from `/approval?token=…`) names one approver and one step; 404 for an unknown token.',
        querystring: LinkQuery,
        response: { 200: LinkView, ...errorResponses(400, 404) },
      },
    },
    async (request) => approvals.linkView(request.query.token),
  );

  app.post(
    '/public/approvals/link',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Approve or reject from an e-mail’s link',
        description:
          'Decides as the person the link was sent to, once: 409 `conflict` when the link was used or the step is no longer waiting, 410 `gone` when it expired.',
        body: LinkDecideBody,
        response: { 200: LinkView, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request) => approvals.linkDecide(request.body),
  );
};
