import { Type } from 'typebox';
import { Timestamp } from '../../platform/http/common.schemas.js';

const Money = Type.String({
  pattern: '^\\d{1,13}(\\.\\d{1,2})?$',
  description: 'An amount in the organization’s currency, as a decimal string.',
});

export const KamSettings = Type.Object({
  acquisitionCost: Type.Union([Money, Type.Null()], { description: 'What winning a new customer costs on average.' }),
  cadenceDays: Type.Record(Type.String(), Type.Integer(), {
    description: 'Days between touches expected per account tier (accounts.tier codes), e.g. {"strategic": 14, "key": 30}.',
  }),
  targets: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), {
    description: 'Target per KPI id: ratios 0–1, scores −100…100 (health 0–100), counts, days and hours ≥ 0, currency (clv) as a string.',
  }),
  healthWeights: Type.Record(Type.String(), Type.Number(), {
    description: 'Weight per health factor id (0–100; the defaults are filled in for factors not set).',
  }),
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});

export const PutKamSettingsBody = Type.Object(
  {
    acquisitionCost: Type.Optional(Type.Union([Money, Type.Null()])),
    cadenceDays: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    targets: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]))),
    healthWeights: Type.Optional(Type.Record(Type.String(), Type.Number())),
  },
  { additionalProperties: false, description: 'Each part given replaces the stored one; parts left out stay.' },
);
