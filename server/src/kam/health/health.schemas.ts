import { Type } from 'typebox';
import { IdParams } from '../../platform/http/common.schemas.js';
import { HEALTH_FACTOR_IDS } from './health.factors.js';

export const AccountHealthParams = IdParams;

const Band = Type.Union([Type.Literal('healthy'), Type.Literal('at_risk'), Type.Literal('critical')], {
  description: 'healthy ≥ 75, at_risk 50–74, critical < 50.',
});

export const AccountHealthResponse = Type.Object({
  accountId: Type.String(),
  score: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()], {
    description: 'Health 0–100 (null only when every factor with a weight lacks data).',
  }),
  band: Type.Union([Band, Type.Null()]),
  factors: Type.Array(
    Type.Object({
      id: Type.String({ description: `One of ${HEALTH_FACTOR_IDS.join(', ')}.` }),
      value: Type.Union([Type.Number(), Type.Null()], { description: '0–1; null when the account has no data for it.' }),
      weight: Type.Number({ description: 'The weight it carries in this score (missing factors’ weights spread pro rata; sums to 100).' }),
      points: Type.Number({ description: 'Its contribution relative to a perfect score (0 or negative).' }),
      explanation: Type.String({ description: 'In the caller’s language, e.g. "−12: no touchpoint for 47 days, cadence 30".' }),
      restricted: Type.Optional(
        Type.Boolean({
          description:
            'true when the caller’s profile hides a field the factor reads: the explanation then tells no count, amount or date (the score, which counts every record of the account, stays). Absent otherwise.',
        }),
      ),
    }),
  ),
  computedAt: Type.String({ format: 'date-time' }),
  history: Type.Array(Type.Object({ date: Type.String({ description: 'YYYY-MM-DD' }), score: Type.Integer(), band: Band }), {
    description: 'Daily snapshots of the last 90 days, oldest first.',
  }),
});
