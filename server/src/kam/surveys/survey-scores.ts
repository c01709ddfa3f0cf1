import type { SurveyType } from './survey.schemas.js';

/** The scores an answer may give: 0–10 for NPS and eNPS, 1–5 for CSAT. */
export const SCORE_RANGE: Record<SurveyType, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  enps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

/** eNPS is shown only from this many answers, so no one's answer can be told apart. */
export const ENPS_MIN_ANSWERS = 5;

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Results from the count of answers per score. NPS/eNPS: % promoters (9–10) −
 * % detractors (0–6), one decimal; CSAT: the share of 4 and 5 answers (0–1,
 * four decimals). No answers: no score. eNPS under 5 answers: nothing.
 */
export function summarize(type: SurveyType, distribution: Array<{ score: number; count: number }>) {
  const responses = distribution.reduce((sum, row) => sum + row.count, 0);
  const count = (test: (score: number) => boolean) =>
    distribution.filter((row) => test(row.score)).reduce((sum, row) => sum + row.count, 0);
  if (type === 'enps' && responses < ENPS_MIN_ANSWERS) {
    return { responses, score: null, promoters: null, passives: null, detractors: null, distribution: null, hidden: true };
  }
  const { min, max } = SCORE_RANGE[type];
  const full = Array.from({ length: max - min + 1 }, (_, i) => ({
    score: min + i,
    count: distribution.find((row) => row.score === min + i)?.count ?? 0,
  }));
  if (type === 'csat') {
    const satisfied = count((s) => s >= 4);
    return {
      responses,
      score: responses === 0 ? null : Math.round((satisfied / responses) * 10_000) / 10_000,
      promoters: satisfied,
      passives: count((s) => s === 3),
      detractors: count((s) => s <= 2),
      distribution: full,
      hidden: false,
    };
  }
  const promoters = count((s) => s >= 9);
  const detractors = count((s) => s <= 6);
  return {
    responses,
    score: responses === 0 ? null : round1(((promoters - detractors) / responses) * 100),
    promoters,
    passives: count((s) => s === 7 || s === 8),
    detractors,
    distribution: full,
    hidden: false,
  };
}
