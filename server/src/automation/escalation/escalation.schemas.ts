import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

export const EscalationLevel = Type.Object(
  {
    afterMinutes: Type.Integer({
      minimum: 0,
      maximum: 525_600,
      description:
        'Business minutes (the organization’s business hours and holidays) after the SLA due time for level 1, after the previous level for the others.',
    }),
    target: Type.Union(
      [
        Type.Object(
          { type: Type.Literal('manager') },
          {
            additionalProperties: false,
            description:
              'The owner’s manager: the active users of the role above the owner’s (level 2: two roles up, and so on; a role with nobody active is passed).',
          },
        ),
        Type.Object({ type: Type.Literal('user'), userId: Uuid }, { additionalProperties: false, description: 'A named user.' }),
      ],
      { description: 'Who is told.' },
    ),
    notifyOwner: Type.Optional(Type.Boolean({ description: 'Tell the case owner too (default false).' })),
    reassign: Type.Optional(
      Type.Boolean({
        description:
          'Make the person escalated to the case’s owner (default false): the named user, or the first of the managers found. Not when nobody was found and the administrators are told instead.',
      }),
    ),
    setFields: Type.Optional(
      Type.Array(
        Type.Object(
          {
            field: Type.String({ minLength: 1, maxLength: 63, description: 'API name of a writable field of cases (priority…).' }),
            value: Type.Unknown({ description: 'The new value, as the record API takes it (a picklist code: high).' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 5,
          description: 'Fields the level sets on the case (priority → high…), through the records service, as the rule’s creator.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EscalationLevel = Static<typeof EscalationLevel>;

const Criteria = Type.Unknown({
  description: 'Which cases: a filter of the list-view filter language on cases; null or absent: every case.',
});
const Levels = Type.Array(EscalationLevel, { minItems: 1, maxItems: 5, description: 'Level 1, 2…, each escalating once per case.' });

export const CreateEscalationRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    active: Type.Optional(Type.Boolean({ description: 'Default true. At most one rule is active.' })),
    criteria: Type.Optional(Criteria),
    levels: Levels,
  },
  { additionalProperties: false },
);
export type CreateEscalationRuleBody = Static<typeof CreateEscalationRuleBody>;

export const UpdateEscalationRuleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    active: Type.Optional(Type.Boolean()),
    criteria: Type.Optional(Criteria),
    levels: Type.Optional(Levels),
  },
  { additionalProperties: false },
);
export type UpdateEscalationRuleBody = Static<typeof UpdateEscalationRuleBody>;

export const EscalationRule = Type.Object({
  id: Uuid,
  name: Type.String(),
  active: Type.Boolean(),
  criteria: Criteria,
  levels: Type.Array(EscalationLevel),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EscalationRule = Static<typeof EscalationRule>;

export const CaseEscalation = Type.Object({
  caseId: Uuid,
  level: Type.Integer({ minimum: 1 }),
  ruleId: Uuid,
  dueAt: Type.String({ format: 'date-time', description: 'When the level fell due.' }),
  escalatedAt: Timestamp,
  escalatedTo: Type.Array(Uuid, { description: 'The users told (empty when nobody active was found).' }),
});
export type CaseEscalation = Static<typeof CaseEscalation>;

export const CaseEscalationQuery = Type.Object({ caseId: Type.Optional(Uuid) });
