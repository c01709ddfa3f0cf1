import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

const uuid = (description: string) => Type.String({ format: 'uuid', description });

export const AssignmentTarget = Type.Object(
  {
    type: Type.Union([Type.Literal('user'), Type.Literal('round_robin'), Type.Literal('least_loaded')], {
      description:
        'user: always `userId`; round_robin: the users of the pool in turn; least_loaded: the user of the pool who owns the fewest open records of the module.',
    }),
    userId: Type.Optional(Uuid),
    userIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'Pool: these users.' })),
    roleId: Type.Optional(uuid('Pool: the users who have this role.')),
    groupId: Type.Optional(uuid('Pool: the members of this group (users, users of member roles and of member groups).')),
  },
  {
    additionalProperties: false,
    description:
      'Who gets the record. round_robin and least_loaded take exactly one pool: userIds, roleId or groupId. Inactive users are skipped.',
  },
);
export type AssignmentTarget = Static<typeof AssignmentTarget>;

export const FollowUpTask = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 255, description: 'Subject of the task created for the assignee.' }),
    dueInDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 365, description: 'Due date: days after the creation (none if absent).' }),
    ),
  },
  { additionalProperties: false },
);

const Criteria = Type.Unknown({
  description: 'A filter of the list-view filter language on the values being created; null or absent: every record.',
});

export const AssignmentEntryInput = Type.Object(
  {
    id: Type.Optional(uuid('Keep an entry’s id when editing, so its round robin turn goes on.')),
    criteria: Type.Optional(Criteria),
    target: AssignmentTarget,
    followUpTask: Type.Optional(Type.Union([FollowUpTask, Type.Null()])),
  },
  { additionalProperties: false },
);
export type AssignmentEntryInput = Static<typeof AssignmentEntryInput>;

export const AssignmentEntry = Type.Object({
  id: Uuid,
  criteria: Criteria,
  target: AssignmentTarget,
  followUpTask: Type.Union([FollowUpTask, Type.Null()]),
});
export type AssignmentEntry = Static<typeof AssignmentEntry>;

const Entries = Type.Array(AssignmentEntryInput, {
  minItems: 1,
  maxItems: 50,
  description: 'Tried in order: the first entry whose criteria the new record matches (and whose target has an active user) assigns it.',
});

export const CreateAssignmentRuleBody = Type.Object(
  {
    module: Type.String({ minLength: 1, maxLength: 63, description: 'API name of the module (leads, deals, cases…).' }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    active: Type.Optional(Type.Boolean({ description: 'Default true. A module has at most one active rule.' })),
    entries: Entries,
  },
  { additionalProperties: false },
);
export type CreateAssignmentRuleBody = Static<typeof CreateAssignmentRuleBody>;

export const UpdateAssignmentRuleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    active: Type.Optional(Type.Boolean()),
    entries: Type.Optional(Entries),
  },
  { additionalProperties: false },
);
export type UpdateAssignmentRuleBody = Static<typeof UpdateAssignmentRuleBody>;

export const AssignmentRule = Type.Object({
  id: Uuid,
  module: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  entries: Type.Array(AssignmentEntry),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AssignmentRule = Static<typeof AssignmentRule>;

export const AssignmentRuleQuery = Type.Object({ module: Type.Optional(Type.String({ maxLength: 63 })) });
