import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { Action, Criteria } from '../workflow/workflow.schemas.js';

const Filter = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
  description: 'A filter in the list-view language ({"and": [{"field", "op", "value"}…]}); null: every record.',
});

export const StateEscalation = Type.Object(
  {
    notify: Type.Union([Type.Literal('owner'), Type.Literal('owner_manager'), Type.Literal('user')], {
      description:
        "Who hears (in-app notification) that a record stayed too long: the record's owner, the owner's manager (the active users of the role above), or `userId`. Nobody found: the administrators.",
    }),
    userId: Type.Optional(Uuid),
    actions: Type.Optional(
      Type.Array(Action, { maxItems: 10, description: 'Workflow actions run once when the time limit passes (logged as executions).' }),
    ),
  },
  { additionalProperties: false },
);
export type StateEscalation = Static<typeof StateEscalation>;

export const BlueprintState = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 100, description: 'A value (code) of the picklist field.' }),
    position: Type.Optional(
      Type.Object(
        { x: Type.Number({ minimum: -100000, maximum: 100000 }), y: Type.Number({ minimum: -100000, maximum: 100000 }) },
        { additionalProperties: false, description: 'Where the editor draws the state.' },
      ),
    ),
    timeLimitHours: Type.Optional(
      Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 8760 }), Type.Null()], {
        description: 'How long a record may stay in this state before its escalation runs (once per entry).',
      }),
    ),
    escalation: Type.Optional(Type.Union([StateEscalation, Type.Null()])),
  },
  { additionalProperties: false },
);
export type BlueprintState = Static<typeof BlueprintState>;

const Who = Type.Object(
  {
    owner: Type.Optional(Type.Boolean({ description: "The record's owner." })),
    users: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
    roles: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
    groups: Type.Optional(Type.Array(Uuid, { maxItems: 100, description: 'Members of these groups (nested groups included).' })),
  },
  {
    additionalProperties: false,
    description: 'Who may take the transition. Empty: anyone who can edit the record. Administrators always may.',
  },
);

const Ask = Type.Union([Type.Literal('none'), Type.Literal('optional'), Type.Literal('required')]);

export const BlueprintTransition = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,40}$', description: 'Chosen by the client; unique in the Blueprint.' }),
    name: Type.String({ minLength: 1, maxLength: 120, description: 'The button the record page shows.' }),
    from: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, description: 'States it leaves.' }),
    to: Type.String({ minLength: 1, maxLength: 100, description: 'The state it leads to.' }),
    before: Type.Optional(
      Type.Object(
        {
          who: Type.Optional(Who),
          criteria: Type.Optional(Filter),
        },
        { additionalProperties: false },
      ),
    ),
    during: Type.Optional(
      Type.Object(
        {
          requiredFields: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
              maxItems: 20,
              description: 'Fields the person must fill in (checked like a record edit) to take the transition.',
            }),
          ),
          note: Type.Optional(Ask),
          attachment: Type.Optional(Ask),
        },
        { additionalProperties: false },
      ),
    ),
    after: Type.Optional(
      Type.Array(Action, {
        maxItems: 10,
        description: 'Workflow actions run after the transition (as the Blueprint’s owner, logged as executions).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type BlueprintTransition = Static<typeof BlueprintTransition>;

export const BlueprintDefinition = Type.Object(
  {
    states: Type.Array(BlueprintState, { minItems: 1, maxItems: 50 }),
    transitions: Type.Array(BlueprintTransition, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type BlueprintDefinition = Static<typeof BlueprintDefinition>;

const BlueprintFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  module: Type.String({ minLength: 1, maxLength: 63, description: 'API name of the module (leads, deals…).' }),
  field: Type.String({ minLength: 1, maxLength: 63, description: 'API name of a picklist field of the module.' }),
  criteria: Type.Optional(Criteria),
  definition: BlueprintDefinition,
  enabled: Type.Optional(
    Type.Boolean({ description: 'Default false. At most one enabled Blueprint per field (409 `conflict`, reason `blueprint_enabled`).' }),
  ),
};

export const CreateBlueprintBody = Type.Object(BlueprintFields, { additionalProperties: false });
export type CreateBlueprintBody = Static<typeof CreateBlueprintBody>;
export const UpdateBlueprintBody = Type.Partial(CreateBlueprintBody, { additionalProperties: false, minProperties: 1 });
export type UpdateBlueprintBody = Static<typeof UpdateBlueprintBody>;

export const Blueprint = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  module: Type.String(),
  field: Type.String(),
  criteria: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  enabled: Type.Boolean(),
  owner: Type.Object({ id: Uuid, name: Type.String() }, { description: 'Whose name the actions act in (the creator).' }),
  definition: BlueprintDefinition,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Blueprint = Static<typeof Blueprint>;

export const BlueprintList = Type.Object({ items: Type.Array(Blueprint) });

export const BlueprintExample = Type.Object({
  key: Type.String({ description: 'What POST /automation/blueprints/examples/{key} installs.' }),
  name: Type.String(),
  description: Type.String(),
  module: Type.String(),
  field: Type.String(),
  definition: BlueprintDefinition,
});
export const BlueprintExampleList = Type.Object({ items: Type.Array(BlueprintExample) });
export const ExampleParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 63 }) });

export const RecordParams = Type.Object({ module: Type.String({ minLength: 1, maxLength: 63 }), id: Uuid });
export const TransitionParams = Type.Object({
  module: Type.String({ minLength: 1, maxLength: 63 }),
  id: Uuid,
  transitionId: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }),
});

export const TransitionBody = Type.Object(
  {
    values: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'The required fields’ values, as the record API takes them.' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
    attachmentId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

const Label = Type.String({ description: 'In the caller’s language.' });

export const RecordBlueprint = Type.Object({
  blueprint: Type.Union([Type.Object({ id: Uuid, name: Type.String(), field: Type.String(), fieldLabel: Label }), Type.Null()]),
  state: Type.Union([
    Type.Object({
      value: Type.String(),
      label: Label,
      enteredAt: Timestamp,
      dueAt: Type.Union([Timestamp, Type.Null()]),
      overdue: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  transitions: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      to: Type.String(),
      toLabel: Label,
      requiredFields: Type.Array(
        Type.Object({
          apiName: Type.String(),
          label: Label,
          type: Type.String({ description: 'The field type (text, picklist, currency…).' }),
          required: Type.Literal(true),
          options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), label: Label }), { description: 'A picklist’s values.' })),
        }),
      ),
      note: Ask,
      attachment: Ask,
    }),
    { description: 'Only those the caller may take now (who, criteria, and edit permission on the record).' },
  ),
  history: Type.Array(
    Type.Object({
      id: Uuid,
      transitionName: Type.String(),
      from: Type.Union([Type.String(), Type.Null()]),
      fromLabel: Type.Union([Type.String(), Type.Null()]),
      to: Type.String(),
      toLabel: Label,
      user: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
      note: Type.Union([Type.String(), Type.Null()]),
      at: Timestamp,
    }),
    { description: 'Transitions taken on this record, newest first.' },
  ),
});
export type RecordBlueprint = Static<typeof RecordBlueprint>;
