import { describe, expect, it } from 'vitest';
import { summarize } from './survey-scores.js';

describe('survey scores', () => {
  it('NPS: 3 promoters, 1 passive, 2 detractors of 6 → (3 − 2) / 6 = 16.7', () => {
    const result = summarize('nps', [
      { score: 0, count: 1 },
      { score: 6, count: 1 },
      { score: 8, count: 1 },
      { score: 9, count: 1 },
      { score: 10, count: 2 },
    ]);
    expect(result).toMatchObject({ responses: 6, score: 16.7, promoters: 3, passives: 1, detractors: 2, hidden: false });
    expect(result.distribution).toHaveLength(11);
    expect(result.distribution![10]).toEqual({ score: 10, count: 2 });
  });

  it('CSAT: the share of 4–5 answers; no answers, no score', () => {
    expect(
      summarize('csat', [
        { score: 5, count: 2 },
        { score: 3, count: 1 },
      ]).score,
    ).toBe(0.6667);
    expect(summarize('csat', []).score).toBeNull();
    expect(summarize('csat', []).distribution).toHaveLength(5);
  });

  it('eNPS stays hidden below 5 answers and shows from 5', () => {
    expect(summarize('enps', [{ score: 10, count: 4 }])).toMatchObject({ responses: 4, score: null, distribution: null, hidden: true });
    expect(
      summarize('enps', [
        { score: 10, count: 4 },
        { score: 2, count: 1 },
      ]),
    ).toMatchObject({ score: 60, hidden: false });
  });
});
