import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

export const Trigger = Type.Union(
  [Type.Literal('create'), Type.Literal('edit'), Type.Literal('create_or_edit'), Type.Literal('field_update'), Type.Literal('delete')],
  {
    description:
      'create: a record is created; edit: a record is changed; create_or_edit: either; field_update: `triggerField` changed; delete: a record goes to the recycle bin.',
  },
);
export type Trigger = Static<typeof Trigger>;

const Recipient = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('user'), Type.Literal('contact')], {
  description:
    "owner: the record's owner; manager: the users in the parent role of the owner's role; user: `userId`; contact: the record's own e-mail (leads, contacts) or its contact's (`contact_id`), unless they opted out.",
});

export const FieldUpdateAction = Type.Object(
  {
    type: Type.Literal('field_update'),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        description:
          'Which record: `record` (default) the rule’s record itself, or the API name of a lookup field of the rule’s module (account_id on a deal, contact_id on a case): the record it points to.',
      }),
    ),
    field: Type.String({ minLength: 1, maxLength: 63, description: 'API name of a writable field of the target record’s module.' }),
    value: Type.Unknown({ description: 'The new value, as the record API takes it (null empties the field).' }),
  },
  {
    additionalProperties: false,
    description: 'Sets a field of the record, or of the record a lookup points to, as the rule’s owner (checked like any edit).',
  },
);

export const TaskAction = Type.Object(
  {
    type: Type.Literal('task'),
    subject: Type.String({ minLength: 1, maxLength: 255, description: 'The task’s subject; merge fields ({{first_name}}) allowed.' }),
    dueInDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'Due this many days after it is created.' })),
    priority: Type.Optional(Type.Union([Type.Literal('high'), Type.Literal('normal'), Type.Literal('low')])),
    assignTo: Type.Union([Type.Literal('owner'), Type.Literal('user')], { description: "owner: the record's owner; user: `userId`." }),
    userId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'Creates a task related to the record.' },
);

export const EmailAction = Type.Object(
  {
    type: Type.Literal('email'),
    templateId: Type.Optional(Type.String({ format: 'uuid', description: 'An e-mail template of the organization (merge fields).' })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Without a template: the subject (merge fields).' })),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 20000, description: 'Without a template: the text (merge fields).' })),
    to: Recipient,
    userId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'An e-mail notification from a template, or a subject and body, with merge fields.' },
);

export const WebhookHeader = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'An HTTP header name (token characters). Refused: connection headers (Connection, Transfer-Encoding…) and those Clave sets (Content-Length, Host, Content-Type, Idempotency-Key, X-Clave-*).',
    }),
    value: Type.String({ maxLength: 2000, description: 'Sent as it is (no merge fields); no line breaks.' }),
  },
  { additionalProperties: false },
);

export const WebhookAction = Type.Object(
  {
    type: Type.Literal('webhook'),
    webhookId: Type.String({
      format: 'uuid',
      description:
        'A webhook of the organization (Settings › Webhooks): its URL and signing secret; deliveries are signed, retried and logged.',
    }),
    method: Type.Optional(
      Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE'), Type.Literal('GET')], {
        description: 'HTTP method (default POST). GET and DELETE send no body.',
      }),
    ),
    headers: Type.Optional(Type.Array(WebhookHeader, { maxItems: 20, description: 'Extra request headers, names unique.' })),
    contentType: Type.Optional(
      Type.Union([Type.Literal('application/json'), Type.Literal('application/x-www-form-urlencoded'), Type.Literal('text/plain')], {
        description: 'The body’s type (default application/json). Another type needs a body template.',
      }),
    ),
    bodyTemplate: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20000,
        description:
          'The body, with merge fields ({{record.last_name}} or {{last_name}}, {{record.id}}, {{owner.name}}, {{owner.email}}, {{me.name}}, {{rule.name}}, {{trigger}}); values are JSON-escaped for JSON and URL-encoded for forms. Without it: the standard JSON envelope {id, event, createdAt, orgId, data: {rule, executionId, trigger, module, record}}.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Calls a registered webhook with the rule, the trigger and the record, or a request of its own (method, headers, body template).',
  },
);

export const CustomFunctionAction = Type.Object(
  {
    type: Type.Literal('custom_function'),
    functionId: Type.String({ format: 'uuid', description: 'A custom function of the organization (Settings › Custom functions).' }),
  },
  { additionalProperties: false, description: 'Runs a custom function with the record and its changes as input, as the function’s owner.' },
);

export const Action = Type.Union([FieldUpdateAction, TaskAction, EmailAction, WebhookAction, CustomFunctionAction]);
export type Action = Static<typeof Action>;

export const ScheduleWhen = Type.Union([
  Type.Object(
    {
      after: Type.Integer({ minimum: 1, maximum: 525600, description: 'Minutes after the trigger.' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      field: Type.String({ minLength: 1, maxLength: 63, description: 'A date or date-time field of the module.' }),
      days: Type.Integer({ minimum: -3650, maximum: 3650, description: 'Days after (positive) or before (negative) the field’s date.' }),
      time: Type.String({
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: 'Time of day (HH:MM) in the organization’s time zone.',
      }),
    },
    { additionalProperties: false },
  ),
]);

export const ScheduledActions = Type.Object(
  {
    when: ScheduleWhen,
    actions: Type.Array(Action, { minItems: 1, maxItems: 10 }),
  },
  {
    additionalProperties: false,
    description: 'Actions that wait: a delay after the trigger, or relative to a date field. When due, the criteria are checked again.',
  },
);
export type ScheduledActions = Static<typeof ScheduledActions>;

export const Criteria = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
  description: 'A filter in the list-view language ({"and": [{"field", "op", "value"}…]}); null: every record.',
});

export const CreateRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    module: Type.String({ minLength: 1, maxLength: 63, description: 'API name of the module (leads, deals…).' }),
    trigger: Trigger,
    triggerField: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 63 }), Type.Null()])),
    criteria: Type.Optional(Criteria),
    actions: Type.Optional(Type.Array(Action, { maxItems: 10, description: 'Instant actions, in order.' })),
    scheduled: Type.Optional(Type.Array(ScheduledActions, { maxItems: 5 })),
    enabled: Type.Optional(Type.Boolean()),
    ownerId: Type.Optional(Type.String({ format: 'uuid', description: 'Whose name the actions act in (default: the creator).' })),
  },
  { additionalProperties: false },
);
export type CreateRuleBody = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Partial(CreateRuleBody, { additionalProperties: false, minProperties: 1 });
export type UpdateRuleBody = Static<typeof UpdateRuleBody>;

export const Rule = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  module: Type.String(),
  trigger: Trigger,
  triggerField: Type.Union([Type.String(), Type.Null()]),
  criteria: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  actions: Type.Array(Type.Unknown()),
  scheduled: Type.Array(Type.Unknown()),
  enabled: Type.Boolean(),
  ownerId: Uuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const RuleList = Type.Object({ data: Type.Array(Rule) });

export const ActionOutcome = Type.Object(
  {
    type: Type.String({ description: 'field_update, task, email, webhook, or schedule.' }),
    status: Type.String({
      description: 'done, queued (e-mail waiting to be sent), sent, failed, scheduled, skipped; in a test run: would (what would happen).',
    }),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    durationMs: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const Execution = Type.Object({
  id: Uuid,
  ruleId: Uuid,
  module: Type.String(),
  recordId: Uuid,
  recordName: Type.Union([Type.String(), Type.Null()], {
    description: 'The record’s name (its display fields) as the caller sees it; null when deleted since or not readable by the caller.',
  }),
  trigger: Type.String({ description: 'The trigger (create, edit, field_update, delete), or scheduled.' }),
  depth: Type.Integer({ description: 'Rule-caused writes before this one in the chain (0: a person’s change).' }),
  matched: Type.Union([Type.Boolean(), Type.Null()], { description: 'The criteria result (null when not evaluated).' }),
  status: Type.Union([
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
    Type.Literal('skipped'),
    Type.Literal('stopped'),
  ]),
  reason: Type.Union([Type.String(), Type.Null()]),
  actions: Type.Array(ActionOutcome),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

export const ExecutionQuery = Type.Object(
  {
    ruleId: Type.Optional(Uuid),
    recordId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export const ExecutionPage = Type.Object({
  data: Type.Array(Execution),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const TestRuleBody = Type.Object({ recordId: Uuid }, { additionalProperties: false });

export const TestResult = Type.Object({
  matched: Type.Boolean({ description: 'Whether the record meets the criteria now.' }),
  actions: Type.Array(ActionOutcome, { description: 'What the instant actions would do (nothing was done).' }),
  scheduled: Type.Array(ActionOutcome, { description: 'When the scheduled actions would fall due.' }),
});

export const AutomationStats = Type.Object(
  {
    evaluation: Type.Object({
      events: Type.Integer({ description: 'Record events counted (those of a module with workflow rules).' }),
      batches: Type.Integer({ description: 'Batches they came in.' }),
      medianMicros: Type.Union([Type.Integer(), Type.Null()], { description: 'Median per-event cost, µs (null: no event yet).' }),
      p95Micros: Type.Union([Type.Integer(), Type.Null()], { description: '95th percentile per-event cost, µs.' }),
    }),
  },
  { description: 'Rule evaluation on this server node.' },
);
