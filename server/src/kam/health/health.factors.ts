/**
 * The health score of an account (KAM-11) from its raw figures: each factor's
 * value 0–1 (or null: no data), the weights of the KAM settings with a
 * missing factor's weight spread over the rest pro rata, the score 0–100, its
 * band, and each factor's explanation in Spanish or English. Pure functions:
 * the figures come from `health.repository.ts`. Formulas: docs/kpis.md, "Health score".
 */

export const HEALTH_FACTOR_IDS = [
  'nps',
  'touch_cadence',
  'cases_past_sla',
  'renewal_risk',
  'outcomes_on_track',
  'revenue_trend',
  'relationship_coverage',
] as const;
export type HealthFactorId = (typeof HEALTH_FACTOR_IDS)[number];
export type HealthBand = 'healthy' | 'at_risk' | 'critical';
export type HealthLanguage = 'es' | 'en';

/** Cadence (days) of an account without a tier, or of a tier the settings give none. */
export const NO_TIER_CADENCE_DAYS = 60;
/** Windows of the factors, in days. */
export const CASES_WINDOW_DAYS = 90;
export const RENEWAL_WINDOW_DAYS = 90;
export const GOALS_WINDOW_DAYS = 90;

/** One account's raw figures (today, in the organization's time zone). */
export interface HealthInputs {
  accountId: string;
  tier: string | null;
  /** NPS answers of the last 12 months about the account. */
  npsAnswers: number;
  npsPromoters: number;
  npsDetractors: number;
  /** Days from the local date of the last touchpoint to today; null when never touched. */
  daysSinceTouch: number | null;
  /** Cases with an SLA open now or resolved in the last 90 days, and those of them past their SLA. */
  slaCases: number;
  slaPast: number;
  /** Contracts active today; those ending within 90 days and not renewed, the first such end date. */
  activeContracts: number;
  endingContracts: number;
  nextEndDate: string | null;
  daysToEnd: number | null;
  /** Renewal deals of the account that are open (or won in the last 90 days). */
  renewalDeals: number;
  /** Goals in play and those on track. */
  goals: number;
  goalsOnTrack: number;
  /** Won revenue (organization currency, decimal strings) of the last 12 months and of the 12 before. */
  revenueRecent: string;
  revenuePrevious: string;
  decisionMaker: boolean;
  champion: boolean;
}

export type HealthFacts = Record<string, number | string | boolean | null>;

export interface HealthFactor {
  id: HealthFactorId;
  /** 0–1 (4 decimals), null when the account has no data for it. */
  value: number | null;
  /** The weight it carries in this score (after spreading missing factors' weights; sums to 100), 1 decimal. */
  weight: number;
  /** Its contribution relative to a perfect score (≤ 0), 1 decimal. */
  points: number;
  facts: HealthFacts;
}

export interface HealthScore {
  score: number | null;
  band: HealthBand | null;
  factors: HealthFactor[];
}

export interface HealthConfig {
  weights: Record<string, number>;
  cadenceDays: Record<string, number>;
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(Number((value * factor).toFixed(6))) / factor;
};

export function bandOf(score: number): HealthBand {
  if (score >= 75) return 'healthy';
  if (score >= 50) return 'at_risk';
  return 'critical';
}

export function cadenceOf(config: HealthConfig, tier: string | null): number {
  const days = tier ? config.cadenceDays[tier] : undefined;
  return typeof days === 'number' && days > 0 ? days : NO_TIER_CADENCE_DAYS;
}

/** Each factor's value 0–1 (null: no data) and the facts its explanation names. */
export function factorValues(
  input: HealthInputs,
  config: HealthConfig,
): Array<{ id: HealthFactorId; value: number | null; facts: HealthFacts }> {
  const cadence = cadenceOf(config, input.tier);
  const recent = Number(input.revenueRecent);
  const previous = Number(input.revenuePrevious);
  const nps = input.npsAnswers > 0 ? (100 * (input.npsPromoters - input.npsDetractors)) / input.npsAnswers : null;
  const days = input.daysSinceTouch;
  return [
    {
      id: 'nps',
      value: nps === null ? null : (nps / 100 + 1) / 2,
      facts: {
        answers: input.npsAnswers,
        promoters: input.npsPromoters,
        detractors: input.npsDetractors,
        nps: nps === null ? null : round(nps, 1),
      },
    },
    {
      id: 'touch_cadence',
      value: days === null ? 0 : days <= cadence ? 1 : Math.max(0, 1 - (days - cadence) / cadence),
      facts: { days, cadence },
    },
    {
      id: 'cases_past_sla',
      value: input.slaCases === 0 ? null : 1 - input.slaPast / input.slaCases,
      facts: { cases: input.slaCases, past: input.slaPast },
    },
    {
      id: 'renewal_risk',
      value: input.activeContracts === 0 ? null : input.endingContracts > 0 && input.renewalDeals === 0 ? 0 : 1,
      facts: {
        activeContracts: input.activeContracts,
        endingContracts: input.endingContracts,
        nextEndDate: input.nextEndDate,
        daysToEnd: input.daysToEnd,
        renewalDeals: input.renewalDeals,
      },
    },
    {
      id: 'outcomes_on_track',
      value: input.goals === 0 ? null : input.goalsOnTrack / input.goals,
      facts: { goals: input.goals, onTrack: input.goalsOnTrack },
    },
    {
      id: 'revenue_trend',
      value: recent === 0 && previous === 0 ? null : previous === 0 ? 1 : Math.min(1, recent / previous),
      facts: { recent: input.revenueRecent, previous: input.revenuePrevious },
    },
    {
      id: 'relationship_coverage',
      value: (input.decisionMaker ? 0.5 : 0) + (input.champion ? 0.5 : 0),
      facts: { decisionMaker: input.decisionMaker, champion: input.champion },
    },
  ];
}

/**
 * The score: Σ weightᵢ × valueᵢ over the factors with a value, the weights
 * scaled so that theirs add up to 100 (a missing factor's weight goes to the
 * others pro rata); rounded to a whole number. Null when no factor with a
 * weight has a value.
 */
export function scoreOf(input: HealthInputs, config: HealthConfig): HealthScore {
  const values = factorValues(input, config);
  const weightOf = (id: string) => Math.max(0, Number(config.weights[id] ?? 0));
  const total = values.reduce((sum, factor) => sum + (factor.value === null ? 0 : weightOf(factor.id)), 0);
  let exact = 0;
  const factors = values.map((factor): HealthFactor => {
    const used = factor.value === null || total === 0 ? 0 : (100 * weightOf(factor.id)) / total;
    const value = factor.value === null ? null : round(factor.value, 4);
    if (factor.value !== null) exact += used * factor.value;
    return {
      id: factor.id,
      value,
      weight: round(used, 1),
      points: factor.value === null ? 0 : -round(used * (1 - factor.value), 1) || 0,
      facts: factor.facts,
    };
  });
  if (total === 0) return { score: null, band: null, factors };
  const score = Math.min(100, Math.max(0, Math.round(Number(exact.toFixed(6)))));
  return { score, band: bandOf(score), factors };
}

// ——— explanations ———

function number(language: HealthLanguage, value: number, decimals = 1): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', { maximumFractionDigits: decimals }).format(value);
}

/** "−12", "−11.3" (en) / "−11,3" (es), "0". */
export function formatPoints(language: HealthLanguage, points: number): string {
  if (points === 0) return '0';
  return `${points < 0 ? '−' : '+'}${number(language, Math.abs(points))}`;
}

function money(language: HealthLanguage, amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${Number(amount).toFixed(2)} ${currency}`;
  }
}

const signed = (language: HealthLanguage, value: number) =>
  value > 0 ? `+${number(language, value)}` : value < 0 ? `−${number(language, -value)}` : '0';

/** The sentence after the points, in the reader's language. */
export function describeFactor(language: HealthLanguage, factor: HealthFactor, currency: string): string {
  const es = language === 'es';
  const f = factor.facts;
  switch (factor.id) {
    case 'nps':
      if (factor.value === null) return es ? 'sin respuestas NPS en los últimos 12 meses' : 'no NPS answers in the last 12 months';
      return es
        ? `NPS ${signed(language, Number(f.nps))} con ${f.answers} ${f.answers === 1 ? 'respuesta' : 'respuestas'} en los últimos 12 meses`
        : `NPS ${signed(language, Number(f.nps))} from ${f.answers} ${f.answers === 1 ? 'answer' : 'answers'} in the last 12 months`;
    case 'touch_cadence':
      if (f.days === null)
        return es ? `ninguna interacción registrada (cadencia ${f.cadence})` : `no touchpoint ever, cadence ${f.cadence}`;
      if (Number(f.days) > Number(f.cadence))
        return es
          ? `sin interacciones desde hace ${f.days} días (cadencia ${f.cadence})`
          : `no touchpoint for ${f.days} days, cadence ${f.cadence}`;
      return es
        ? `última interacción hace ${f.days} ${f.days === 1 ? 'día' : 'días'} (cadencia ${f.cadence})`
        : `last touchpoint ${f.days} ${f.days === 1 ? 'day' : 'days'} ago, cadence ${f.cadence}`;
    case 'cases_past_sla':
      if (factor.value === null)
        return es
          ? 'ningún caso con SLA abierto o resuelto en los últimos 90 días'
          : 'no case with an SLA open or resolved in the last 90 days';
      return es
        ? `${f.past} de ${f.cases} ${f.cases === 1 ? 'caso' : 'casos'} fuera de SLA (abiertos o resueltos en los últimos 90 días)`
        : `${f.past} of ${f.cases} ${f.cases === 1 ? 'case' : 'cases'} past their SLA (open or resolved in the last 90 days)`;
    case 'renewal_risk':
      if (factor.value === null) return es ? 'ningún contrato activo' : 'no active contract';
      if (Number(f.endingContracts) === 0) return es ? 'ningún contrato vence en los próximos 90 días' : 'no contract ends within 90 days';
      if (factor.value === 0)
        return es
          ? `un contrato vence el ${f.nextEndDate} (en ${f.daysToEnd} días) sin oportunidad de renovación`
          : `a contract ends on ${f.nextEndDate} (in ${f.daysToEnd} days) with no renewal deal`;
      return es
        ? `un contrato vence el ${f.nextEndDate} y hay una oportunidad de renovación`
        : `a contract ends on ${f.nextEndDate} and a renewal deal is open`;
    case 'outcomes_on_track':
      if (factor.value === null) return es ? 'ningún objetivo del cliente en curso' : 'no customer goal in play';
      return es
        ? `${f.onTrack} de ${f.goals} ${f.goals === 1 ? 'objetivo' : 'objetivos'} en camino`
        : `${f.onTrack} of ${f.goals} ${f.goals === 1 ? 'goal' : 'goals'} on track`;
    case 'revenue_trend': {
      if (factor.value === null) return es ? 'sin ingresos ganados en los últimos 24 meses' : 'no won revenue in the last 24 months';
      const recent = money(language, String(f.recent), currency);
      const previous = money(language, String(f.previous), currency);
      if (Number(f.previous) === 0)
        return es
          ? `ingresos ganados ${recent} en los últimos 12 meses, ninguno en los 12 anteriores`
          : `won revenue ${recent} in the last 12 months, none in the 12 before`;
      const change = round((100 * (Number(f.recent) - Number(f.previous))) / Number(f.previous), 0);
      return es
        ? `ingresos ganados ${recent} en los últimos 12 meses frente a ${previous} en los 12 anteriores (${signed(language, change)} %)`
        : `won revenue ${recent} in the last 12 months vs ${previous} the 12 before (${signed(language, change)}%)`;
    }
    case 'relationship_coverage':
      if (f.decisionMaker && f.champion) return es ? 'decisor y promotor identificados' : 'a decision maker and a champion mapped';
      if (f.decisionMaker) return es ? 'ningún promotor (champion) identificado' : 'no champion mapped';
      if (f.champion) return es ? 'ningún decisor identificado' : 'no decision maker mapped';
      return es ? 'ni decisor ni promotor identificados' : 'no decision maker or champion mapped';
  }
}

/** What a restricted factor says instead of its facts. */
export const RESTRICTED_FACTOR: Record<HealthLanguage, string> = {
  es: 'restringido: tu perfil no ve algún dato de este factor',
  en: 'restricted: your profile cannot see some of its data',
};

/** The factors' names, as the KAM settings page labels them. */
export const FACTOR_NAMES: Record<HealthLanguage, Record<HealthFactorId, string>> = {
  es: {
    nps: 'NPS de sus contactos',
    touch_cadence: 'Días sin contacto frente a la cadencia',
    cases_past_sla: 'Casos fuera de SLA',
    renewal_risk: 'Contrato que vence sin renovación',
    outcomes_on_track: 'Objetivos en camino',
    revenue_trend: 'Tendencia de ingresos',
    relationship_coverage: 'Cobertura de la relación',
  },
  en: {
    nps: 'NPS of its contacts',
    touch_cadence: 'Days without a touch against the cadence',
    cases_past_sla: 'Cases past SLA',
    renewal_risk: 'Contract ending with no renewal',
    outcomes_on_track: 'Outcomes on track',
    revenue_trend: 'Revenue trend',
    relationship_coverage: 'Relationship coverage',
  },
};

/**
 * A factor named without any figure, not even its points (they follow from its value): what a notification says of
 * a factor whose inputs its reader may not see. "Casos fuera de SLA: tu perfil no ve algún dato de este factor".
 */
export function withheldFactor(language: HealthLanguage, id: HealthFactorId): string {
  return language === 'es'
    ? `${FACTOR_NAMES.es[id]}: tu perfil no ve algún dato de este factor`
    : `${FACTOR_NAMES.en[id]}: your profile cannot see some of its data`;
}

/**
 * "−12: no touchpoint for 47 days, cadence 30"; a missing factor says its weight went to the others. A
 * `restricted` factor (the reader may not see some of its inputs) keeps its points but tells no fact.
 */
export function explainFactor(language: HealthLanguage, factor: HealthFactor, currency: string, restricted = false): string {
  if (restricted) return `${formatPoints(language, factor.points)}: ${RESTRICTED_FACTOR[language]}`;
  const text = describeFactor(language, factor, currency);
  if (factor.value === null)
    return language === 'es'
      ? `sin datos: ${text}; su peso se reparte entre los demás factores`
      : `no data: ${text}; its weight goes to the other factors`;
  return `${formatPoints(language, factor.points)}: ${text}`;
}

export const languageOf = (language: string | null | undefined): HealthLanguage => (language?.startsWith('es') ? 'es' : 'en');
