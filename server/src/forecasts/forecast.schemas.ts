import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../platform/http/common.schemas.js';

const Money = (description: string) =>
  Type.String({ description: `${description} A decimal string in the organization's currency ("1250.00").` });
const periodText = (extra = '') =>
  Type.String({
    minLength: 4,
    maxLength: 10,
    description: `A fiscal month (\`2026-07\`) or fiscal quarter (\`2026-Q3\`) of the organization, in its time zone.${extra}`,
  });
const category = (description = 'A forecast category: pipeline, best_case, commit, closed (won) or omitted (lost, or set aside).') =>
  Type.Union(
    [Type.Literal('pipeline'), Type.Literal('best_case'), Type.Literal('commit'), Type.Literal('closed'), Type.Literal('omitted')],
    {
      description,
    },
  );
const OpenCategory = Type.Union([Type.Literal('pipeline'), Type.Literal('best_case'), Type.Literal('commit'), Type.Literal('omitted')], {
  description: 'What an open stage counts as.',
});
const dateText = (description = 'A date, YYYY-MM-DD.') => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

export const CategoryAmounts = Type.Object(
  {
    pipeline: Money('Open deals with little certainty.'),
    best_case: Money('Open deals that may close.'),
    commit: Money('Open deals the owner commits to.'),
    closed: Money('Won deals.'),
    omitted: Money('Lost deals, and open deals set aside.'),
  },
  { description: 'Deal amounts per forecast category, converted to the organization’s currency.' },
);

export const ForecastQuery = Type.Object({
  period: Type.Optional(periodText(' Default: the current fiscal quarter.')),
  userId: Type.Optional(
    Type.String({ format: 'uuid', description: 'Whose forecast: the caller (default) or someone below them in the role hierarchy.' }),
  ),
  compareTo: Type.Optional(dateText('The date of a snapshot (GET /forecasts/snapshots): each row gets its change since.')),
});

export const ForecastRow = Type.Object({
  userId: Uuid,
  name: Type.String({ description: 'The user’s name.' }),
  kind: Type.Union([Type.Literal('own'), Type.Literal('report'), Type.Literal('total')], {
    description: 'own: the user’s own deals; report: a direct report with everyone below them; total: the user and their whole team.',
  }),
  hasTeam: Type.Boolean({ description: 'The row’s user has people below them: their forecast opens with `userId`.' }),
  amounts: CategoryAmounts,
  quota: Type.Union([Money('The quota of the period (own rows have none).'), Type.Null()]),
  attainment: Type.Union([Type.Number({ description: 'closed ÷ quota (0.75 = 75 %).' }), Type.Null()], {
    description: 'Null without a quota.',
  }),
  gap: Type.Union([Money('quota − closed (negative beyond the quota).'), Type.Null()]),
  projections: Type.Object({
    commit: Money('closed + commit.'),
    bestCase: Money('closed + commit + best case.'),
  }),
  change: Type.Union([CategoryAmounts, Type.Null()], { description: 'Current − snapshot per category; null without `compareTo`.' }),
  canSetQuota: Type.Boolean({ description: 'The caller may set this row’s quota (PUT /forecasts/quotas).' }),
});

export const ForecastResponse = Type.Object({
  period: Type.Object({
    label: Type.String(),
    kind: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
    start: dateText(),
    end: dateText('The last day (inclusive).'),
    previous: Type.String({ description: 'The period before.' }),
    next: Type.String({ description: 'The period after.' }),
  }),
  currency: Type.String({ description: 'The organization’s currency (ISO 4217).' }),
  user: Type.Object({ id: Uuid, name: Type.String() }),
  snapshot: Type.Union([Type.Object({ takenOn: dateText(), takenAt: Type.Union([Timestamp, Type.Null()]) }), Type.Null()], {
    description: 'The snapshot compared with.',
  }),
  rows: Type.Array(ForecastRow, { description: 'The user’s own deals, one row per direct report (with their team), then the total.' }),
});

export const ForecastDealsQuery = Type.Object({
  period: periodText(),
  category: category(),
  userId: Type.Optional(Type.String({ format: 'uuid', description: 'Whose forecast (default: the caller).' })),
  scope: Type.Optional(
    Type.Union([Type.Literal('team'), Type.Literal('own')], {
      description: 'team (default): the user and everyone below; own: the user alone.',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Deals per page (default 50).' })),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'The `nextCursor` of the previous page.' })),
});

export const QuotaInput = Type.Object(
  {
    userId: Uuid,
    period: periodText(),
    amount: Type.Union([Type.String({ maxLength: 20 }), Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'The quota in the organization’s currency (0 or more, 2 decimals); null removes it.',
    }),
  },
  { additionalProperties: false },
);

export const SetQuotasBody = Type.Object(
  { quotas: Type.Array(QuotaInput, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false, description: 'All or nothing: one refused quota refuses them all.' },
);

export const QuotasResponse = Type.Object({
  data: Type.Array(Type.Object({ userId: Uuid, period: Type.String(), amount: Type.Union([Type.String(), Type.Null()]) })),
});

export const StageCategory = Type.Object({
  stage: Type.String({ description: 'The stage code.' }),
  labels: Type.Record(Type.String(), Type.String(), { description: 'The stage’s label by language.' }),
  outcome: Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')]),
  probability: Type.Union([Type.Number(), Type.Null()]),
  category: category(),
  defaultCategory: category('Without a choice: won closed, lost omitted, ≥ 70 % commit, ≥ 40 % best case, else pipeline.'),
  fixed: Type.Boolean({ description: 'Won and lost stages cannot be mapped.' }),
});

export const ForecastSettings = Type.Object({
  stages: Type.Array(StageCategory, { description: 'The deal stages in picklist order with their forecast category.' }),
});

export const SetForecastSettingsBody = Type.Object(
  {
    stages: Type.Record(Type.String(), OpenCategory, {
      description: 'Open stage code → category. Replaces every earlier choice; stages left out take their default.',
    }),
  },
  { additionalProperties: false },
);
export type SetForecastSettingsBody = Static<typeof SetForecastSettingsBody>;

export const SnapshotSummary = Type.Object({
  takenOn: dateText('The organization’s local date of the snapshot (the `compareTo` value).'),
  takenAt: Timestamp,
  periods: Type.Array(Type.String(), { description: 'The periods it holds (the current and next fiscal month and quarter).' }),
});

export const SnapshotList = Type.Object({ data: Type.Array(SnapshotSummary) });

export const SnapshotTaken = Type.Object({
  ...SnapshotSummary.properties,
  users: Type.Integer({ description: 'Users whose figures were stored.' }),
});
