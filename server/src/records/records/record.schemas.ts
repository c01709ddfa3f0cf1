import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';

export const ModuleParams = Type.Object({
  module: Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: 'The module’s API name (leads, deals, projects_c…).' }),
});
export const RecordParams = Type.Object({ module: ModuleParams.properties.module, id: Uuid });

export const RecordObject = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A record: `id` and its fields by API name. Lookups and users hold ids; money and decimals are strings ("1250.00"); dates YYYY-MM-DD; date-times ISO 8601. Fields the caller may not see are absent.',
});

export const Display = Type.Record(Type.String(), Type.String(), {
  description: 'Names of the records and users the records point at, by id.',
});

export const CreateQuery = Type.Object({
  allowDuplicates: Type.Optional(
    Type.Boolean({
      description: 'Create even when the record matches a duplicate rule (the header X-Allow-Duplicates: true does the same).',
    }),
  ),
});

export const RecordResponse = Type.Object({ data: RecordObject, display: Display });

export const Total = Type.Object(
  {
    value: Type.Integer({ description: 'How many records match.' }),
    exact: Type.Boolean({ description: 'False when the number is an estimate (beyond 10,000 matches).' }),
  },
  { description: 'Present when `count` was asked for.' },
);

export const RecordList = Type.Object({
  data: Type.Array(RecordObject),
  display: Display,
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  total: Type.Optional(Total),
});

export const SortEntry = Type.Object(
  { field: Type.String(), direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])) },
  { additionalProperties: false },
);

export const QueryBody = Type.Object(
  {
    filter: Type.Optional(
      Type.Unknown({
        description:
          'Nested {"and": […]} / {"or": […]} around conditions {field, op, value}. Ops: eq, neq, lt, lte, gt, gte, between, in, nin, contains, starts_with, is_empty, is_not_empty (by type). Related fields as "account_id.name"; "$me" stands for the caller in user fields.',
      }),
    ),
    sort: Type.Optional(
      Type.Array(SortEntry, { maxItems: 3, description: 'Up to three keys; empty values come last. Default: newest first.' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 4000 })),
    fields: Type.Optional(
      Type.Array(Type.String(), { maxItems: 200, description: 'Only these fields (default: every field the caller can see).' }),
    ),
    count: Type.Optional(Type.Boolean({ description: 'Also answer `total`.' })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 4000 })),
  sort: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated fields, "-" for descending: "-amount,name".' })),
  fields: Type.Optional(Type.String({ maxLength: 4000, description: 'Comma-separated fields to answer.' })),
  count: Type.Optional(Type.Boolean()),
});

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 4000 })),
});

export const RecordValues = Type.Record(Type.String(), Type.Unknown(), { description: 'Field values by API name.' });

export const BulkBody = Type.Object(
  {
    records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }),
    mode: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('upsert')]),
    key: Type.Optional(Type.String({ description: 'The field that finds existing records (default id): email, product_code…' })),
  },
  { additionalProperties: false },
);

export const DuplicateMatchSchema = Type.Object({
  id: Uuid,
  name: Type.String({ description: 'The record’s name.' }),
  rules: Type.Array(Type.String(), { description: 'The duplicate rules that matched: email, phone, name_company.' }),
});

const FieldErrorSchema = Type.Object({
  field: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  reason: Type.Optional(Type.String()),
  matches: Type.Optional(Type.Array(DuplicateMatchSchema, { description: 'reason `duplicate`: the records it duplicates.' })),
});

export const BulkResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position in `records`.' }),
      status: Type.Union([
        Type.Literal('created'),
        Type.Literal('updated'),
        Type.Literal('unchanged'),
        Type.Literal('deleted'),
        Type.Literal('error'),
      ]),
      id: Type.Optional(Uuid),
      errors: Type.Optional(Type.Array(FieldErrorSchema)),
    }),
  ),
});

export const TimelineList = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Uuid,
      kind: Type.String({ description: 'created, updated, deleted, restored, note, email, converted…' }),
      actorId: Type.Union([Uuid, Type.Null()]),
      at: Type.String({ format: 'date-time' }),
      data: Type.Record(Type.String(), Type.Unknown(), { description: 'For updates: `changes` {field: {from, to}}.' }),
    }),
  ),
  display: Display,
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const MassIds = Type.Array(Uuid, { minItems: 1, maxItems: 1000, description: 'The records (at most 1000).' });
const MassFilter = Type.Unknown({ description: 'Instead of ids: the live records matching this filter (at most 1000).' });

export const MassUpdateBody = Type.Object(
  {
    ids: Type.Optional(MassIds),
    filter: Type.Optional(MassFilter),
    values: Type.Record(Type.String(), Type.Unknown(), { description: 'Field values set on every record; `owner_id` changes the owner.' }),
  },
  { additionalProperties: false },
);

export const MassDeleteBody = Type.Object(
  { ids: Type.Optional(MassIds), filter: Type.Optional(MassFilter) },
  { additionalProperties: false },
);
