import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { Action, Criteria } from '../workflow/workflow.schemas.js';

export const ApprovalTrigger = Type.Union(
  [Type.Literal('create'), Type.Literal('edit'), Type.Literal('create_or_edit'), Type.Literal('manual')],
  {
    description:
      'create / edit / create_or_edit: a record that meets the criteria is submitted after the change commits (after the workflow rules); an edit submits only when it changed a field the criteria name. manual: only the “Submit for approval” button (or POST /automation/approvals).',
  },
);
export type ApprovalTrigger = Static<typeof ApprovalTrigger>;

export const Approvers = Type.Union(
  [
    Type.Object({ type: Type.Literal('user'), userId: Uuid }, { additionalProperties: false, description: 'One named user.' }),
    Type.Object(
      {
        type: Type.Literal('manager'),
        levels: Type.Integer({
          minimum: 1,
          maximum: 10,
          description:
            'The submitter’s manager: the active users of the role this many levels above the submitter’s (empty roles are passed).',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('group'),
        groupId: Uuid,
        mode: Type.Union([Type.Literal('any'), Type.Literal('all')], {
          description: 'any: the first member who approves decides the step; all: every member must approve.',
        }),
      },
      { additionalProperties: false, description: 'The active members of a group (nested groups and member roles included).' },
    ),
  ],
  { description: 'Who decides the step. With nobody to ask (no manager, an empty group), the administrators decide.' },
);
export type Approvers = Static<typeof Approvers>;

export const ApprovalStep = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    approvers: Approvers,
    criteria: Type.Optional(
      Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
        description: 'The step runs only for records meeting this filter when it is reached; otherwise it is skipped.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApprovalStep = Static<typeof ApprovalStep>;

const ProcessFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  module: Type.String({ minLength: 1, maxLength: 63, description: 'API name of the module (deals, quotes…).' }),
  trigger: ApprovalTrigger,
  criteria: Type.Optional(Criteria),
  steps: Type.Array(ApprovalStep, { minItems: 1, maxItems: 10, description: 'Decided in order.' }),
  onApprove: Type.Optional(Type.Array(Action, { maxItems: 10, description: 'Workflow actions run on final approval.' })),
  onReject: Type.Optional(Type.Array(Action, { maxItems: 10, description: 'Workflow actions run on rejection.' })),
  enabled: Type.Optional(Type.Boolean()),
  ownerId: Type.Optional(Type.String({ format: 'uuid', description: 'Whose name the actions act in (default: the creator).' })),
};

export const CreateProcessBody = Type.Object(ProcessFields, { additionalProperties: false });
export type CreateProcessBody = Static<typeof CreateProcessBody>;
export const UpdateProcessBody = Type.Partial(CreateProcessBody, { additionalProperties: false, minProperties: 1 });
export type UpdateProcessBody = Static<typeof UpdateProcessBody>;

export const ApprovalProcess = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  module: Type.String(),
  trigger: ApprovalTrigger,
  criteria: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  steps: Type.Array(ApprovalStep),
  onApprove: Type.Array(Type.Unknown()),
  onReject: Type.Array(Type.Unknown()),
  enabled: Type.Boolean(),
  ownerId: Uuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ApprovalProcess = Static<typeof ApprovalProcess>;

export const ProcessQuery = Type.Object({ module: Type.Optional(Type.String({ maxLength: 63 })) }, { additionalProperties: false });

const Status = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('recalled')]);

export const Decision = Type.Object({
  id: Uuid,
  step: Type.Integer({ description: 'The step (0-based) it belongs to.' }),
  userId: Type.Union([Uuid, Type.Null()]),
  userName: Type.Union([Type.String(), Type.Null()]),
  decision: Type.Union(
    [Type.Literal('submit'), Type.Literal('approve'), Type.Literal('reject'), Type.Literal('recall'), Type.Literal('skip')],
    { description: 'skip: the record did not meet the step’s criteria.' },
  ),
  comment: Type.Union([Type.String(), Type.Null()]),
  delegatedFrom: Type.Union([Uuid, Type.Null()], { description: 'The approver a delegate decided for.' }),
  delegatedFromName: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp,
});

export const StepApprover = Type.Object({
  userId: Uuid,
  name: Type.String(),
  delegateId: Type.Union([Uuid, Type.Null()]),
  delegateName: Type.Union([Type.String(), Type.Null()]),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject'), Type.Null()]),
});

export const Submission = Type.Object({
  id: Uuid,
  processId: Uuid,
  processName: Type.String(),
  module: Type.String(),
  recordId: Uuid,
  recordName: Type.String({ description: 'The record’s display name (empty when it is gone).' }),
  status: Status,
  step: Type.Integer({ description: 'The current step (0-based); while pending, the one waiting.' }),
  stepName: Type.String(),
  stepCount: Type.Integer(),
  submittedBy: Uuid,
  submittedByName: Type.String(),
  submittedAt: Timestamp,
  decidedAt: Type.Union([Timestamp, Type.Null()]),
  approvers: Type.Array(StepApprover, { description: 'Who decides the current step.' }),
  decisions: Type.Array(Decision, { description: 'The history, oldest first.' }),
  canDecide: Type.Boolean({ description: 'Whether the caller may approve or reject now (an approver of the step, or their delegate).' }),
  canRecall: Type.Boolean({ description: 'Whether the caller may recall it (the submitter, or an administrator, while pending).' }),
});
export type Submission = Static<typeof Submission>;

export const InboxQuery = Type.Object(
  {
    mine: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('submitted')], {
        description:
          'pending (default): waiting for the caller’s decision (as an approver or a delegate); submitted: those the caller submitted.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const SubmissionList = Type.Object({ data: Type.Array(Submission), pendingCount: Type.Integer() });

export const SubmitBody = Type.Object(
  {
    module: Type.String({ minLength: 1, maxLength: 63 }),
    recordId: Uuid,
    processId: Uuid,
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

export const DecideBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000, description: 'Why (shown in the history and on the record’s timeline).' })) },
  { additionalProperties: false },
);

export const RecordApprovalParams = Type.Object({ module: Type.String({ minLength: 1, maxLength: 63 }), id: Uuid });

export const RecordApprovals = Type.Object({
  locked: Type.Boolean({ description: 'A submission is pending: only administrators may change or delete the record.' }),
  submissions: Type.Array(Submission, { description: 'Newest first.' }),
  manualProcesses: Type.Array(Type.Object({ id: Uuid, name: Type.String() }), {
    description:
      'What the “Submit for approval” button offers: enabled manual processes, and automatic ones whose last submission of this record was rejected or recalled, whose criteria the record meets, when nothing is pending and the caller may change the record.',
  }),
});

export const Delegate = Type.Object({
  delegateId: Uuid,
  delegateName: Type.String(),
  startsOn: Type.String({ format: 'date', description: 'First day (YYYY-MM-DD), organization’s time zone.' }),
  endsOn: Type.String({ format: 'date', description: 'Last day, inclusive.' }),
});

export const DelegateBody = Type.Object(
  {
    delegateId: Uuid,
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date' }),
  },
  { additionalProperties: false },
);
export type DelegateBody = Static<typeof DelegateBody>;

export const DelegateResponse = Type.Object({ delegate: Type.Union([Delegate, Type.Null()]) });

export const LinkQuery = Type.Object({ token: Type.String({ minLength: 40, maxLength: 200 }) }, { additionalProperties: false });

export const LinkView = Type.Object({
  processName: Type.String(),
  stepName: Type.String(),
  recordName: Type.String(),
  module: Type.String(),
  recordId: Uuid,
  submittedByName: Type.String(),
  approverName: Type.String({ description: 'Who the link decides as.' }),
  status: Status,
  open: Type.Boolean({ description: 'Whether the link can still decide (the step is waiting for this person).' }),
});

export const LinkDecideBody = Type.Object(
  {
    token: Type.String({ minLength: 40, maxLength: 200 }),
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type LinkDecideBody = Static<typeof LinkDecideBody>;
