import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { TOUCHPOINT_EVENT_NAMES } from './scoring.events.js';

const uuid = (description: string) => Type.String({ format: 'uuid', description });
const Points = Type.Integer({
  minimum: -1000,
  maximum: 1000,
  description: 'Points added to the score (negative: taken off), from -1000 to 1000.',
});

const Criteria = Type.Unknown({
  description:
    'A filter of the list-view filter language on the record (related fields too, e.g. `account_id.tier`). It may not use the score itself.',
});

export const TouchpointEventName = Type.Union(
  TOUCHPOINT_EVENT_NAMES.map((name) => Type.Literal(name)),
  {
    description:
      'any: every touchpoint; email_sent: outbound e-mail; email_answered: inbound e-mail; message_answered: inbound message or social; call_answered: phone or cold call of at least a minute; call_received: inbound call; meeting_held: face to face or video.',
  },
);

export const FieldRuleInput = Type.Object(
  {
    id: Type.Optional(uuid('Keep an entry’s id when editing.')),
    criteria: Criteria,
    points: Points,
  },
  { additionalProperties: false, description: 'Points while the record matches the criteria.' },
);
export type FieldRuleInput = Static<typeof FieldRuleInput>;

export const TouchpointRuleInput = Type.Object(
  {
    id: Type.Optional(uuid('Keep an entry’s id when editing.')),
    event: TouchpointEventName,
    points: Points,
  },
  {
    additionalProperties: false,
    description: 'Points for each touchpoint of the record that is this event (each touchpoint counts once).',
  },
);
export type TouchpointRuleInput = Static<typeof TouchpointRuleInput>;

export const FieldRule = Type.Object({ id: Uuid, criteria: Criteria, points: Type.Integer() });
export type FieldRule = Static<typeof FieldRule>;
export const TouchpointRule = Type.Object({ id: Uuid, event: TouchpointEventName, points: Type.Integer() });
export type TouchpointRule = Static<typeof TouchpointRule>;

const FieldRules = Type.Array(FieldRuleInput, {
  maxItems: 50,
  description: 'Field rules: each gives its points while the record matches.',
});
const TouchpointRules = Type.Array(TouchpointRuleInput, {
  maxItems: 20,
  description: 'Touchpoint rules (leads, contacts, accounts and deals): points per touchpoint of the record.',
});

export const CreateScoringRuleBody = Type.Object(
  {
    module: Type.String({
      minLength: 1,
      maxLength: 63,
      description: 'API name of a module with a score field (leads, contacts, accounts, deals).',
    }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    active: Type.Optional(Type.Boolean({ description: 'Default true. Several rules of a module may be active: their points add up.' })),
    fieldRules: Type.Optional(FieldRules),
    touchpointRules: Type.Optional(TouchpointRules),
  },
  { additionalProperties: false },
);
export type CreateScoringRuleBody = Static<typeof CreateScoringRuleBody>;

export const UpdateScoringRuleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    active: Type.Optional(Type.Boolean()),
    fieldRules: Type.Optional(FieldRules),
    touchpointRules: Type.Optional(TouchpointRules),
  },
  { additionalProperties: false },
);
export type UpdateScoringRuleBody = Static<typeof UpdateScoringRuleBody>;

export const ScoringRule = Type.Object({
  id: Uuid,
  module: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  fieldRules: Type.Array(FieldRule),
  touchpointRules: Type.Array(TouchpointRule),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ScoringRule = Static<typeof ScoringRule>;

export const ScoringRuleQuery = Type.Object({ module: Type.Optional(Type.String({ maxLength: 63 })) });

export const RecalculateBody = Type.Object(
  { module: Type.String({ minLength: 1, maxLength: 63, description: 'The module whose records are scored again.' }) },
  { additionalProperties: false },
);

export const Recalculation = Type.Object({
  module: Type.String(),
  jobId: Type.Union([Type.String(), Type.Null()], { description: 'The first chunk’s job (null: one is already queued).' }),
});

export const BreakdownItem = Type.Object({
  ruleId: Uuid,
  ruleName: Type.String(),
  entryId: Uuid,
  kind: Type.Union([Type.Literal('field'), Type.Literal('touchpoint')]),
  criteria: Type.Optional(Criteria),
  event: Type.Optional(TouchpointEventName),
  points: Type.Integer({ description: 'The entry’s points.' }),
  count: Type.Integer({ description: 'Touchpoints counted (1 for a matching field rule).' }),
  total: Type.Integer({ description: 'What the entry gives: points × count.' }),
});
export type BreakdownItem = Static<typeof BreakdownItem>;

export const ScoreBreakdown = Type.Object({
  module: Type.String(),
  id: Uuid,
  score: Type.Union([Type.Integer(), Type.Null()], { description: 'The score field as stored (null: never scored).' }),
  total: Type.Integer({ description: 'What the active rules give now (the stored score catches up after commit).' }),
  items: Type.Array(BreakdownItem, { description: 'Each field rule the record matches and each touchpoint rule that counted.' }),
});

export const ScoreParams = Type.Object({ module: Type.String({ maxLength: 63 }), id: Uuid });

export const ScoringRun = Type.Object({
  id: Uuid,
  module: Type.String(),
  recordId: Uuid,
  trigger: Type.String({ description: 'create, edit, restore, touchpoint, recalculate.' }),
  depth: Type.Integer(),
  status: Type.Union([Type.Literal('done'), Type.Literal('unchanged'), Type.Literal('stopped')]),
  scoreBefore: Type.Union([Type.Integer(), Type.Null()]),
  scoreAfter: Type.Union([Type.Integer(), Type.Null()]),
  breakdown: Type.Array(BreakdownItem),
  reason: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Timestamp,
});
export type ScoringRun = Static<typeof ScoringRun>;

export const ScoringRunQuery = Type.Object({
  module: Type.Optional(Type.String({ maxLength: 63 })),
  recordId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
