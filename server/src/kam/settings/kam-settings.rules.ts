/** What KAM settings may hold: KPI ids with the range of their targets, health factors with default weights. */

type TargetRule = { kind: 'number'; min: number; max: number; integer?: boolean } | { kind: 'money' };

const ratio: TargetRule = { kind: 'number', min: 0, max: 1 };
const score: TargetRule = { kind: 'number', min: -100, max: 100 };
const nonNegative: TargetRule = { kind: 'number', min: 0, max: 1_000_000 };

/** Every KPI id of the cockpit (docs/kpis.md) and what a target for it may be. */
export const KPI_TARGETS: Record<string, TargetRule> = {
  clv: { kind: 'money' },
  referenceable_rate: ratio,
  nps: score,
  csat: ratio,
  outcomes_on_track: ratio,
  touchpoints: { kind: 'number', min: 0, max: 1_000_000, integer: true },
  days_since_last_touch: nonNegative,
  resolution_time_hours: nonNegative,
  referral_revenue_share: ratio,
  repeat_customer_share: ratio,
  new_to_repeat_ratio: nonNegative,
  sla_compliance: ratio,
  sow_growth: { kind: 'number', min: -1, max: 100 },
  acquisition_rate: ratio,
  upsell_rate: ratio,
  cross_sell_rate: ratio,
  renewal_rate: ratio,
  enps: score,
  churn_rate: ratio,
  revenue_churn: ratio,
  nrr: { kind: 'number', min: 0, max: 100 },
  grr: ratio,
  health_score: { kind: 'number', min: 0, max: 100 },
};

/**
 * The health score's factors (issue 4, KAM-11) and their default weights (sum 100). A stored weight
 * replaces the default; a factor that has no value for an account has its weight spread over the rest.
 */
export const HEALTH_FACTORS: Record<string, number> = {
  nps: 20, // NPS of the account's contacts
  touch_cadence: 20, // days since the last touch against the tier's cadence
  cases_past_sla: 15, // open or resolved-late cases past their SLA
  renewal_risk: 15, // a contract ending within 90 days with no renewal deal
  outcomes_on_track: 10, // account goals on track
  revenue_trend: 10, // won revenue against the previous period
  relationship_coverage: 10, // a decision maker and a champion mapped
};

export const CADENCE_RANGE = { min: 1, max: 365 };
