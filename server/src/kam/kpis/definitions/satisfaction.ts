import { sql, type RawBuilder } from 'kysely';
import { accountIdsInScope, accountInScope, orgTable, tableOf, visibleRow } from '../scope.js';
import { periodIndexOf, periodsCte, ratioSql, seriesOf, toNumber, withinPeriods, type KpiFamily, type KpiRunContext } from './common.js';

/**
 * Satisfaction (KAM-2, KAM-3, KAM-9): NPS and CSAT of customers' answers (an
 * answer is seen through its account), eNPS of the scope's employees (only
 * from 5 answers on, never listed) and the share of referenceable key
 * accounts. One query over the 8 periods.
 */

/** eNPS needs this many answers before it shows: fewer could single a person out. */
export const ENPS_MIN_ANSWERS = 5;

const npsOf = (promoters: RawBuilder<unknown>, detractors: RawBuilder<unknown>, answers: RawBuilder<unknown>) =>
  sql<string | null>`round(100 * (${promoters} - ${detractors})::numeric / nullif(${answers}, 0), 1)::text`;

function responseCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  const employees =
    scope.kind === 'account' ? sql`false` : scope.userIds ? sql`r.user_id = ANY(${scope.userIds}::uuid[])` : sql`r.user_id IS NOT NULL`;
  return sql`
    ${periodsCte(ctx)},
    answers AS (
      SELECT ${periodIndexOf(ctx, sql`r.answered_at`)} AS i, r.id, r.account_id, r.score, s.type
      FROM ${orgTable(scope, 'kam_survey_responses')} r
      JOIN ${orgTable(scope, 'kam_surveys')} s ON s.id = r.survey_id
      WHERE ${withinPeriods(ctx, sql`r.answered_at`)}
        AND ((s.type IN ('nps', 'csat') AND r.account_id IN (${accountIdsInScope(scope)})) OR (s.type = 'enps' AND ${employees}))
    ),
    key_accounts AS (
      SELECT p.i, a.id, (
        EXISTS (
          SELECT 1 FROM ${orgTable(scope, 'kam_survey_responses')} r JOIN ${orgTable(scope, 'kam_surveys')} s ON s.id = r.survey_id
          WHERE r.account_id = a.id AND s.type = 'nps' AND r.score >= 9 AND r.answered_at >= p.tw0 AND r.answered_at < p.t1
        ) OR EXISTS (
          SELECT 1 FROM ${tableOf(scope, 'contacts')} ct
          WHERE ct.account_id = a.id AND ct.willing_reference IS TRUE AND ${visibleRow(scope, 'contacts', 'ct')}
        )
      ) AS referenceable
      FROM p CROSS JOIN ${tableOf(scope, 'accounts')} a
      WHERE ${accountInScope(scope, 'a')} AND a.is_key_account IS TRUE
    )`;
}

export const satisfactionFamily: KpiFamily = {
  ids: ['nps', 'csat', 'enps', 'referenceable_rate'],
  inputs: {
    // Customers' answers are seen through their account; employees' (eNPS) through no module.
    nps: { accounts: [] },
    csat: { accounts: [] },
    enps: {},
    referenceable_rate: { accounts: ['is_key_account'], contacts: ['account_id', 'willing_reference'] },
  },

  async compute(ctx) {
    const result = await sql<{
      i: number;
      nps: string | null;
      csat: string | null;
      enps: string | null;
      enps_answers: number;
      referenceable_rate: string | null;
    }>`
      WITH ${responseCtes(ctx)},
      scores AS (
        SELECT i,
          count(*) FILTER (WHERE type = 'nps') AS nps_n, count(*) FILTER (WHERE type = 'nps' AND score >= 9) AS nps_p,
          count(*) FILTER (WHERE type = 'nps' AND score <= 6) AS nps_d,
          count(*) FILTER (WHERE type = 'csat') AS csat_n, count(*) FILTER (WHERE type = 'csat' AND score >= 4) AS csat_ok,
          count(*) FILTER (WHERE type = 'enps') AS enps_n, count(*) FILTER (WHERE type = 'enps' AND score >= 9) AS enps_p,
          count(*) FILTER (WHERE type = 'enps' AND score <= 6) AS enps_d
        FROM answers GROUP BY i
      ),
      refs AS (SELECT i, count(*) AS n, count(*) FILTER (WHERE referenceable) AS yes FROM key_accounts GROUP BY i)
      SELECT p.i,
        ${npsOf(sql`scores.nps_p`, sql`scores.nps_d`, sql`scores.nps_n`)} AS nps,
        ${ratioSql(sql`scores.csat_ok`, sql`scores.csat_n`)} AS csat,
        CASE WHEN scores.enps_n >= ${ENPS_MIN_ANSWERS} THEN ${npsOf(sql`scores.enps_p`, sql`scores.enps_d`, sql`scores.enps_n`)} END AS enps,
        coalesce(scores.enps_n, 0)::int AS enps_answers,
        ${ratioSql(sql`refs.yes`, sql`refs.n`)} AS referenceable_rate
      FROM p LEFT JOIN scores ON scores.i = p.i LEFT JOIN refs ON refs.i = p.i ORDER BY p.i`.execute(ctx.executor);
    const rows = result.rows;
    return {
      nps: { series: seriesOf(ctx, rows, (row) => toNumber(row.nps)) },
      csat: { series: seriesOf(ctx, rows, (row) => toNumber(row.csat)) },
      enps: { series: seriesOf(ctx, rows, (row) => toNumber(row.enps)), details: { answers: Number(rows.at(-1)?.enps_answers ?? 0) } },
      referenceable_rate: { series: seriesOf(ctx, rows, (row) => toNumber(row.referenceable_rate)) },
    };
  },

  drill(ctx, id) {
    if (id === 'enps') return null;
    if (id === 'referenceable_rate') {
      return {
        module: 'accounts',
        rows: sql`WITH ${responseCtes(ctx)} SELECT k.id, k.referenceable AS counted, NULL::text AS value FROM key_accounts k`,
      };
    }
    const type = id === 'nps' ? 'nps' : 'csat';
    const counted = id === 'nps' ? sql`x.score >= 9` : sql`x.score >= 4`;
    return {
      module: 'kam_survey_responses',
      rows: sql`WITH ${responseCtes(ctx)} SELECT x.id, ${counted} AS counted, x.score::text AS value FROM answers x WHERE x.type = ${type}`,
      // An answer is named by its account.
      display: sql<
        string | null
      >`(SELECT a.name FROM ${tableOf(ctx.scope, 'accounts')} a JOIN ${orgTable(ctx.scope, 'kam_survey_responses')} r ON r.account_id = a.id WHERE r.id = x.id)`,
    };
  },
};
