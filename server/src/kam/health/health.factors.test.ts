import { describe, expect, it } from 'vitest';
import { HEALTH_FACTORS } from '../settings/kam-settings.rules.js';
import { bandOf, explainFactor, scoreOf, type HealthConfig, type HealthInputs } from './health.factors.js';

/** Default weights: nps 20, touch_cadence 20, cases_past_sla 15, renewal_risk 15, outcomes 10, revenue 10, relationship 10. */
const config: HealthConfig = { weights: { ...HEALTH_FACTORS }, cadenceDays: { strategic: 14, key: 30 } };

/** An account perfect on every factor: each test spoils one thing. */
const perfect: HealthInputs = {
  accountId: 'a',
  tier: 'key',
  npsAnswers: 2,
  npsPromoters: 2,
  npsDetractors: 0,
  daysSinceTouch: 5,
  slaCases: 2,
  slaPast: 0,
  activeContracts: 1,
  endingContracts: 0,
  nextEndDate: null,
  daysToEnd: null,
  renewalDeals: 0,
  goals: 1,
  goalsOnTrack: 1,
  revenueRecent: '100.00',
  revenuePrevious: '100.00',
  decisionMaker: true,
  champion: true,
};

const factor = (input: Partial<HealthInputs>, id: string, weights: Record<string, number> = config.weights) =>
  scoreOf({ ...perfect, ...input }, { ...config, weights }).factors.find((f) => f.id === id)!;
const score = (input: Partial<HealthInputs>, weights: Record<string, number> = config.weights) =>
  scoreOf({ ...perfect, ...input }, { ...config, weights });

describe('health score factors', () => {
  it('scores 100 with every factor perfect, each contributing 0 points', () => {
    const result = score({});
    expect(result.score).toBe(100);
    expect(result.band).toBe('healthy');
    expect(result.factors.map((f) => [f.id, f.value, f.weight, f.points])).toEqual([
      ['nps', 1, 20, 0],
      ['touch_cadence', 1, 20, 0],
      ['cases_past_sla', 1, 15, 0],
      ['renewal_risk', 1, 15, 0],
      ['outcomes_on_track', 1, 10, 0],
      ['revenue_trend', 1, 10, 0],
      ['relationship_coverage', 1, 10, 0],
    ]);
  });

  it('NPS: (NPS ÷ 100 + 1) ÷ 2 of the answers', () => {
    // 4 answers, 1 promoter, 2 detractors: NPS −25 → value 0.375 → −20 × 0.625 = −12.5 → score 87.5 → 88.
    const input = { npsAnswers: 4, npsPromoters: 1, npsDetractors: 2 };
    const nps = factor(input, 'nps');
    expect([nps.value, nps.points]).toEqual([0.375, -12.5]);
    expect(score(input).score).toBe(88);
    expect(explainFactor('en', nps, 'EUR')).toBe('−12.5: NPS −25 from 4 answers in the last 12 months');
    expect(explainFactor('es', nps, 'EUR')).toBe('−12,5: NPS −25 con 4 respuestas en los últimos 12 meses');
  });

  it('touch cadence: full up to the cadence, then falling to 0 at twice the cadence; never touched is 0', () => {
    // 47 days, cadence 30 (tier key): 1 − 17/30 = 0.4333 → −20 × 17/30 = −11.33 → score 88.67 → 89.
    const late = factor({ daysSinceTouch: 47 }, 'touch_cadence');
    expect(late.value).toBe(0.4333);
    expect(late.points).toBe(-11.3);
    expect(score({ daysSinceTouch: 47 }).score).toBe(89);
    expect(explainFactor('en', late, 'EUR')).toBe('−11.3: no touchpoint for 47 days, cadence 30');
    expect(explainFactor('es', late, 'EUR')).toBe('−11,3: sin interacciones desde hace 47 días (cadencia 30)');
    expect(factor({ daysSinceTouch: 30 }, 'touch_cadence').value).toBe(1);
    expect(factor({ daysSinceTouch: 60 }, 'touch_cadence').points).toBe(-20);
    expect(factor({ daysSinceTouch: 90 }, 'touch_cadence').value).toBe(0);
    // Strategic: cadence 14; no tier: 60.
    expect(factor({ daysSinceTouch: 21, tier: 'strategic' }, 'touch_cadence').value).toBe(0.5);
    expect(factor({ daysSinceTouch: 59, tier: null }, 'touch_cadence').value).toBe(1);
    const never = factor({ daysSinceTouch: null }, 'touch_cadence');
    expect([never.value, never.points]).toEqual([0, -20]);
    expect(explainFactor('en', never, 'EUR')).toBe('−20: no touchpoint ever, cadence 30');
    expect(explainFactor('en', factor({ daysSinceTouch: 5 }, 'touch_cadence'), 'EUR')).toBe('0: last touchpoint 5 days ago, cadence 30');
  });

  it('cases past SLA: share of the cases with an SLA that are not past it', () => {
    // 1 of 4 past: 0.75 → −15 × 0.25 = −3.75 → score 96.25 → 96.
    const cases = factor({ slaCases: 4, slaPast: 1 }, 'cases_past_sla');
    expect([cases.value, cases.points]).toEqual([0.75, -3.8]);
    expect(score({ slaCases: 4, slaPast: 1 }).score).toBe(96);
    expect(explainFactor('en', cases, 'EUR')).toBe('−3.8: 1 of 4 cases past their SLA (open or resolved in the last 90 days)');
    expect(explainFactor('es', cases, 'EUR')).toBe('−3,8: 1 de 4 casos fuera de SLA (abiertos o resueltos en los últimos 90 días)');
  });

  it('renewal risk: 0 when a contract ends within 90 days with no renewal deal', () => {
    const risky = factor({ endingContracts: 1, nextEndDate: '2026-08-31', daysToEnd: 77 }, 'renewal_risk');
    expect([risky.value, risky.points]).toEqual([0, -15]);
    expect(explainFactor('en', risky, 'EUR')).toBe('−15: a contract ends on 2026-08-31 (in 77 days) with no renewal deal');
    expect(explainFactor('es', risky, 'EUR')).toBe('−15: un contrato vence el 2026-08-31 (en 77 días) sin oportunidad de renovación');
    expect(factor({ endingContracts: 1, nextEndDate: '2026-08-31', daysToEnd: 77, renewalDeals: 1 }, 'renewal_risk').value).toBe(1);
    expect(score({ endingContracts: 1, renewalDeals: 0 }).score).toBe(85);
  });

  it('outcomes on track, revenue trend and relationship coverage', () => {
    expect(factor({ goals: 2, goalsOnTrack: 1 }, 'outcomes_on_track').points).toBe(-5);
    const revenue = factor({ revenueRecent: '8000.00', revenuePrevious: '10000.00' }, 'revenue_trend');
    expect([revenue.value, revenue.points]).toEqual([0.8, -2]);
    expect(explainFactor('en', revenue, 'EUR')).toBe('−2: won revenue €8,000.00 in the last 12 months vs €10,000.00 the 12 before (−20%)');
    expect(explainFactor('es', revenue, 'EUR')).toBe(
      '−2: ingresos ganados 8000,00\u00a0€ en los últimos 12 meses frente a 10.000,00\u00a0€ en los 12 anteriores (−20 %)', // a no-break space before €
    );
    // Growth caps at 1; revenue only in the last 12 months is 1.
    expect(factor({ revenueRecent: '150.00' }, 'revenue_trend').value).toBe(1);
    expect(factor({ revenuePrevious: '0.00' }, 'revenue_trend').value).toBe(1);
    const coverage = factor({ champion: false }, 'relationship_coverage');
    expect([coverage.value, coverage.points]).toEqual([0.5, -5]);
    expect(explainFactor('en', coverage, 'EUR')).toBe('−5: no champion mapped');
    const none = factor({ champion: false, decisionMaker: false }, 'relationship_coverage');
    expect(explainFactor('es', none, 'EUR')).toBe('−10: ni decisor ni promotor identificados');
  });

  it('spreads a missing factor’s weight over the others pro rata', () => {
    // No NPS answer: the other weights add up to 80 and are scaled by 100/80; no relationship mapped: −12.5.
    const result = score({ npsAnswers: 0, npsPromoters: 0, decisionMaker: false, champion: false });
    const nps = result.factors.find((f) => f.id === 'nps')!;
    expect([nps.value, nps.weight, nps.points]).toEqual([null, 0, 0]);
    expect(explainFactor('en', nps, 'EUR')).toBe('no data: no NPS answers in the last 12 months; its weight goes to the other factors');
    expect(explainFactor('es', nps, 'EUR')).toBe(
      'sin datos: sin respuestas NPS en los últimos 12 meses; su peso se reparte entre los demás factores',
    );
    expect(result.factors.map((f) => f.weight)).toEqual([0, 25, 18.8, 18.8, 12.5, 12.5, 12.5]);
    expect(result.factors.find((f) => f.id === 'relationship_coverage')!.points).toBe(-12.5);
    expect(result.score).toBe(88); // 87.5

    // Only touch (47 days, cadence 30) and relationship (half) have data: weights 20 + 10 → 66.67 and 33.33;
    // 66.67 × 0.4333 + 33.33 × 0.5 = 28.89 + 16.67 = 45.56 → 46, critical.
    const sparse = score({
      npsAnswers: 0,
      npsPromoters: 0,
      daysSinceTouch: 47,
      slaCases: 0,
      activeContracts: 0,
      goals: 0,
      goalsOnTrack: 0,
      revenueRecent: '0.00',
      revenuePrevious: '0.00',
      champion: false,
    });
    expect(sparse.factors.filter((f) => f.value !== null).map((f) => [f.id, f.weight, f.points])).toEqual([
      ['touch_cadence', 66.7, -37.8],
      ['relationship_coverage', 33.3, -16.7],
    ]);
    expect([sparse.score, sparse.band]).toEqual([46, 'critical']);
  });

  it('follows the weights of the settings (scaled to 100) and has no score when no weighted factor has data', () => {
    // relationship weighs 0: the other six add up to 90; never touched → −20 × 100/90 = −22.2 → 77.8 → 78.
    const weights = { ...HEALTH_FACTORS, relationship_coverage: 0 };
    const result = score({ daysSinceTouch: null, champion: false }, weights);
    expect(result.factors.find((f) => f.id === 'touch_cadence')!.points).toBe(-22.2);
    expect(result.factors.find((f) => f.id === 'relationship_coverage')!.points).toBe(0);
    expect(result.score).toBe(78);
    const zero = Object.fromEntries(Object.keys(HEALTH_FACTORS).map((id) => [id, 0]));
    expect(score({}, zero)).toMatchObject({ score: null, band: null });
  });

  it('bands: healthy ≥ 75, at risk 50–74, critical < 50', () => {
    expect([bandOf(100), bandOf(75), bandOf(74), bandOf(50), bandOf(49), bandOf(0)]).toEqual([
      'healthy',
      'healthy',
      'at_risk',
      'at_risk',
      'critical',
      'critical',
    ]);
    const risk = { endingContracts: 1, decisionMaker: false, champion: false }; // −15 −10
    expect([score(risk).score, score(risk).band]).toEqual([75, 'healthy']);
    const oneCase = { ...risk, slaCases: 15, slaPast: 1 }; // −1
    expect([score(oneCase).score, score(oneCase).band]).toEqual([74, 'at_risk']);
    const fifty = { endingContracts: 1, daysSinceTouch: null, goalsOnTrack: 0, champion: false }; // −15 −20 −10 −5
    expect([score(fifty).score, score(fifty).band]).toEqual([50, 'at_risk']);
    const fortyNine = { ...fifty, slaCases: 15, slaPast: 1 };
    expect([score(fortyNine).score, score(fortyNine).band]).toEqual([49, 'critical']);
  });
});
