import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';
import { KPI_IDS } from './definitions/common.js';

const ScopeParam = Type.String({
  maxLength: 80,
  description:
    'org (default), manager:{userId} (the user and everyone below them), team:{roleId} (the role and the roles below) or account:{accountId}.',
});
const PeriodParam = Type.String({
  maxLength: 20,
  description: 'A month 2026-07, a fiscal quarter 2026-Q3 or a fiscal year 2026, in the organization’s time zone and fiscal year.',
});
const TierParam = Type.String({ maxLength: 63, description: 'Only accounts of this tier (an accounts.tier code).' });

export const KpiListQuery = Type.Object({
  scope: Type.Optional(ScopeParam),
  period: PeriodParam,
  tier: Type.Optional(TierParam),
  ids: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated KPI ids; all when absent.' })),
});

const KpiValue = Type.Union([Type.Number(), Type.String(), Type.Null()], {
  description: 'A number (ratio 0–1, score, count, days, hours), a decimal string (currency) or null (no value: nothing to divide by).',
});

export const KpiListResponse = Type.Object({
  period: Type.String({ description: 'The period asked for.' }),
  scope: Type.String(),
  kpis: Type.Array(
    Type.Object({
      id: Type.String({ description: `One of ${KPI_IDS.join(', ')}.` }),
      unit: Type.Union([
        Type.Literal('currency'),
        Type.Literal('ratio'),
        Type.Literal('score'),
        Type.Literal('count'),
        Type.Literal('days'),
        Type.Literal('hours'),
      ]),
      value: KpiValue,
      previous: KpiValue,
      target: KpiValue,
      series: Type.Array(Type.Object({ period: Type.String(), value: KpiValue }), { description: 'The last 8 periods, oldest first.' }),
      details: Type.Optional(
        Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()]), {
          description: 'Figures behind the value for the period asked (touchpoints: inbound, outbound, hoursSpent…).',
        }),
      ),
      restricted: Type.Optional(
        Type.Boolean({
          description:
            'true when the caller’s profile hides a field the KPI reads (or a module it counts): value, previous and the series are null, details are left out and its records are a 403. Absent otherwise.',
        }),
      ),
    }),
  ),
});

export const KpiIdParams = Type.Object({ id: Type.String({ maxLength: 40, description: 'A KPI id (see docs/kpis.md).' }) });

export const KpiRecordsQuery = Type.Object({
  scope: Type.Optional(ScopeParam),
  period: PeriodParam,
  tier: Type.Optional(TierParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 40, description: 'nextCursor of the previous page.' })),
});

export const KpiRecordsResponse = Type.Object({
  module: Type.String({ description: 'The module of the records (kam_survey_responses for survey answers).' }),
  period: Type.String(),
  total: Type.Integer({ description: 'Records behind the number.' }),
  counted: Type.Integer({ description: 'Of them, those in the numerator.' }),
  data: Type.Array(
    Type.Object({
      id: Uuid,
      display: Type.Union([Type.String(), Type.Null()]),
      counted: Type.Boolean({ description: 'In the numerator (always true for counts and medians).' }),
      value: Type.Union([Type.String(), Type.Null()], { description: 'The record’s own figure: an amount, an ACV, a score, hours, days.' }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const AcquisitionCurveQuery = Type.Object({
  scope: Type.Optional(ScopeParam),
  period: PeriodParam,
  channel: Type.Optional(Type.String({ maxLength: 63, description: 'Only leads first reached on this touchpoint channel.' })),
});

const Rate = Type.Union([Type.Number(), Type.Null()]);
export const AcquisitionCurveResponse = Type.Object({
  period: Type.String(),
  from: Type.String({ format: 'date', description: 'First day of the 12 months the curve covers.' }),
  to: Type.String({ format: 'date' }),
  buckets: Type.Array(
    Type.Object({
      touchpoints: Type.Integer({ description: 'Touchpoints before conversion (10 stands for 10 or more).' }),
      label: Type.String(),
      leads: Type.Integer(),
      converted: Type.Integer(),
      rate: Rate,
      hidden: Type.Boolean({ description: 'Fewer than 20 leads: no rate shown.' }),
    }),
  ),
  fallsAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'The number of touchpoints after which conversion falls.' }),
  byChannel: Type.Array(Type.Object({ channel: Type.String(), leads: Type.Integer(), converted: Type.Integer(), rate: Rate })),
});
