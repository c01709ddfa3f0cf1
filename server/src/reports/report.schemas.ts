import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../platform/http/common.schemas.js';

const FieldPath = Type.String({
  minLength: 1,
  maxLength: 127,
  description: 'A field API name of the module, or a path through a lookup or user field: `account_id.tier`, `owner_id.role`.',
});
const Filter = Type.Unknown({ description: 'A filter in the list-view language ({and|or|field, op, value}); fields may be paths.' });

export const RELATIVE_RANGES = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'next_month',
  'this_quarter',
  'last_quarter',
  'next_quarter',
  'this_fiscal_quarter',
  'last_fiscal_quarter',
  'this_fiscal_year',
  'last_fiscal_year',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'next_30_days',
  'next_90_days',
] as const;
export type RelativeRange = (typeof RELATIVE_RANGES)[number];

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A day, YYYY-MM-DD.' });
export const PeriodRange = Type.Union(
  [
    Type.Enum(RELATIVE_RANGES, { description: 'A range relative to today in the organization’s time zone and fiscal year.' }),
    Type.Object({ from: IsoDate, to: IsoDate }, { additionalProperties: false, description: 'Days from and to, both included.' }),
  ],
  { description: 'A relative range or {from, to} (days of the organization’s time zone).' },
);
export type PeriodRange = Static<typeof PeriodRange>;

export const BUCKETS = ['day', 'week', 'month', 'quarter', 'year', 'fiscal_quarter', 'fiscal_year'] as const;
export type Bucket = (typeof BUCKETS)[number];

const Grouping = Type.Object(
  {
    field: FieldPath,
    bucket: Type.Optional(
      Type.Enum(BUCKETS, { description: 'Date and date-time fields: the bucket (days of the organization’s time zone).' }),
    ),
  },
  { additionalProperties: false },
);

export const AGGREGATE_FNS = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];
const KEY_PATTERN = '^[a-z][a-z0-9_]{0,62}$';

const Aggregate = Type.Object(
  {
    key: Type.String({ pattern: KEY_PATTERN, description: 'Name of the value in results and formulas (`won_amount`).' }),
    fn: Type.Enum(AGGREGATE_FNS),
    field: Type.Optional(FieldPath),
    label: Type.Optional(Type.String({ maxLength: 120 })),
    filter: Type.Optional(Filter),
  },
  { additionalProperties: false, description: 'An aggregate; with `filter`, over the records matching it only.' },
);

const Formula = Type.Object(
  {
    key: Type.String({ pattern: KEY_PATTERN }),
    label: Type.Optional(Type.String({ maxLength: 120 })),
    expression: Type.String({
      minLength: 1,
      maxLength: 500,
      description: '+ - * / ( ), numbers and aggregate keys (`won / closed`); a division by zero is null.',
    }),
    format: Type.Optional(Type.Union([Type.Literal('number'), Type.Literal('percent'), Type.Literal('currency')])),
  },
  { additionalProperties: false },
);

export const CHART_TYPES = ['bar', 'stacked_bar', 'line', 'area', 'pie', 'donut', 'funnel', 'kpi'] as const;
const Chart = Type.Object(
  {
    type: Type.Enum(CHART_TYPES),
    value: Type.Optional(Type.String({ maxLength: 63, description: 'The aggregate or formula key the chart shows.' })),
  },
  { additionalProperties: false, description: 'How the report is drawn; kpi: one number compared with the previous period.' },
);

export const ReportDefinition = Type.Object(
  {
    module: Type.String({ minLength: 1, maxLength: 63, description: 'API name of the module, standard or custom.' }),
    type: Type.Union([Type.Literal('tabular'), Type.Literal('summary'), Type.Literal('matrix')]),
    columns: Type.Optional(Type.Array(FieldPath, { maxItems: 50, description: 'Tabular: the fields shown.' })),
    filter: Type.Optional(Filter),
    period: Type.Optional(
      Type.Object(
        { field: FieldPath, range: PeriodRange },
        { additionalProperties: false, description: 'Only records whose date field falls in the range.' },
      ),
    ),
    groupBy: Type.Optional(
      Type.Array(Grouping, { maxItems: 3, description: 'Summary: 0–3 levels (none: the grand totals alone); matrix: the rows (1–2).' }),
    ),
    columnGroupBy: Type.Optional(Type.Array(Grouping, { maxItems: 2, description: 'Matrix: 1–2 levels across.' })),
    aggregates: Type.Optional(Type.Array(Aggregate, { maxItems: 20, description: 'Default: count.' })),
    formulas: Type.Optional(Type.Array(Formula, { maxItems: 10 })),
    sort: Type.Optional(
      Type.Array(
        Type.Object(
          {
            by: Type.String({ minLength: 1, maxLength: 127, description: 'A column (tabular), a grouped field or an aggregate key.' }),
            direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
          },
          { additionalProperties: false },
        ),
        { maxItems: 5 },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Tabular rows (default 1,000).' })),
    chart: Type.Optional(Chart),
  },
  { additionalProperties: false, description: 'What a report reads and how it groups, aggregates and draws it.' },
);
export type ReportDefinition = Static<typeof ReportDefinition>;

export const SharedWith = Type.Object(
  {
    roles: Type.Array(Uuid, { maxItems: 200 }),
    groups: Type.Array(Uuid, { maxItems: 200 }),
    everyone: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'Who else sees and runs the report (as themselves): roles, groups, everyone.' },
);
export type SharedWith = Static<typeof SharedWith>;

export const Report = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  folder: Type.Union([Type.String(), Type.Null()]),
  definition: ReportDefinition,
  ownerId: Uuid,
  sharedWith: Type.Object({ roles: Type.Array(Uuid), groups: Type.Array(Uuid), everyone: Type.Boolean() }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const ReportList = Type.Object({ data: Type.Array(Report) });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Folder = Type.Union([Type.String({ maxLength: 120 }), Type.Null()], { description: 'A folder name to file the report under.' });

export const CreateReportBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    folder: Type.Optional(Folder),
    definition: ReportDefinition,
    sharedWith: Type.Optional(SharedWith),
  },
  { additionalProperties: false },
);
export type CreateReportBody = Static<typeof CreateReportBody>;

export const UpdateReportBody = Type.Partial(CreateReportBody, { additionalProperties: false });
export type UpdateReportBody = Static<typeof UpdateReportBody>;

export const ReportListQuery = Type.Object({ folder: Type.Optional(Type.String({ maxLength: 120 })) }, { additionalProperties: false });

export const RunSavedBody = Type.Object(
  { period: Type.Optional(PeriodRange) },
  { additionalProperties: false, description: 'A period overrides the range of the report’s period field (a dashboard’s).' },
);
export const RunDefinitionBody = Type.Object(
  { definition: ReportDefinition, period: Type.Optional(PeriodRange) },
  { additionalProperties: false },
);

const Values = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()]), {
  description: 'Aggregate and formula values by key (numbers; min and max of dates are ISO texts).',
});
const Keys = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Raw values by grouped field (ids, codes, "2026-03"…; null: empty).',
});
const Labels = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), { description: 'What people read, by grouped field.' });

export type ResultValue = number | string | null;
export interface ResultGroup {
  keys: Record<string, unknown>;
  labels: Record<string, string | null>;
  values: Record<string, ResultValue>;
  children?: ResultGroup[];
}
// Summary groups nest up to 3 levels (subtotals per level).
const Leaf = Type.Object({ keys: Keys, labels: Labels, values: Values });
const Middle = Type.Object({ keys: Keys, labels: Labels, values: Values, children: Type.Optional(Type.Array(Leaf)) });
const Group = Type.Object({ keys: Keys, labels: Labels, values: Values, children: Type.Optional(Type.Array(Middle)) });

export const RunResult = Type.Object(
  {
    columns: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        type: Type.String({ description: 'The field type, or `number` for aggregates and formulas.' }),
        format: Type.Optional(Type.String({ description: 'number, percent or currency.' })),
        kind: Type.Optional(Type.String({ description: 'column, group, aggregate or formula.' })),
      }),
    ),
    rows: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Tabular: one per record.' })),
    display: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Tabular: names of the users, records and roles rows point at, by id.' }),
    ),
    groups: Type.Optional(Type.Array(Group)),
    columnKeys: Type.Optional(Type.Array(Type.Object({ keys: Keys, labels: Labels, values: Type.Optional(Values) }))),
    cells: Type.Optional(Type.Array(Type.Object({ row: Keys, column: Keys, values: Values }))),
    totals: Type.Optional(Values),
    previous: Type.Optional(Values),
    currency: Type.String({ description: 'The organization’s currency: sums of currency fields are converted to it.' }),
    truncated: Type.Boolean(),
    durationMs: Type.Number(),
  },
  { description: 'A report’s result.' },
);

export const DrillDownBody = Type.Object(
  {
    period: Type.Optional(PeriodRange),
    keys: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The group’s keys (row and column keys of a cell), as a run gave them.',
    }),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export const DrillDownDefinitionBody = Type.Object(
  {
    definition: ReportDefinition,
    period: Type.Optional(PeriodRange),
    keys: Type.Record(Type.String(), Type.Unknown()),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export const DrillDownPage = Type.Object({
  data: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Records, as GET /records/{module} gives them.' }),
  display: Type.Record(Type.String(), Type.String()),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const GalleryList = Type.Object({
  data: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), description: Type.String(), definition: ReportDefinition })),
});
