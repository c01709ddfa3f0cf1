import { sql, type RawBuilder } from 'kysely';
import { accountIdsInScope, tableOf, visibleRow } from '../scope.js';
import { acvSql, activeOn, inOrgCurrency, periodsCte, ratioSql, seriesOf, toNumber, type KpiFamily, type KpiRunContext } from './common.js';

/** What decides whether a contract is active on a day, and whose it is. */
export const CONTRACT_DATES = ['account_id', 'start_date', 'end_date', 'cancelled_at'];

/**
 * Retention (KAM-10, KAM-6): churn, revenue churn, net and gross revenue
 * retention over the customers at the start of each period, renewals of the
 * contracts ending in it, and growth of the statements of work. One query for
 * all of them over the 8 periods.
 */

/** The contracts of the scope's visible accounts and, per period, each customer's ACV at the start and after the end. */
function contractCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  return sql`
    ${periodsCte(ctx)},
    -- Materialized: each contract's ACV is computed once (to the cent: sums of long fractions cost), not once per
    -- period and join.
    c AS MATERIALIZED (
      SELECT c.id, c.account_id, c.start_date, c.end_date, c.cancelled_at, c.status, round(${acvSql(ctx, 'c')}, 2) AS acv,
        round(${inOrgCurrency(ctx, sql`c.sow_value`, sql`c.currency`)}, 2) AS sow
      FROM ${tableOf(scope, 'contracts')} c
      WHERE ${visibleRow(scope, 'contracts', 'c')} AND c.account_id IN (${accountIdsInScope(scope)})
    ),
    -- Each customer at a period's start (a contract active on its first day): ACV then and the day after it, in
    -- one pass over the contracts active on either day.
    per AS (
      SELECT p.i, c.account_id, sum(c.acv) FILTER (WHERE ${activeOn('c', sql`p.d0`)}) AS a0,
        coalesce(sum(c.acv) FILTER (WHERE ${activeOn('c', sql`p.dn`)}), 0) AS a1, NOT bool_or(${activeOn('c', sql`p.dn`)}) AS churned
      FROM p JOIN c ON ${activeOn('c', sql`p.d0`)} OR ${activeOn('c', sql`p.dn`)}
      GROUP BY p.i, c.account_id HAVING bool_or(${activeOn('c', sql`p.d0`)})
    )`;
}

const upForRenewal = sql<boolean>`c.end_date >= p.d0 AND c.end_date <= p.d1 AND c.cancelled_at IS NULL AND c.status IS DISTINCT FROM 'cancelled'`;
const renewed = (ctx: KpiRunContext) =>
  sql<boolean>`(c.status = 'renewed' OR EXISTS (SELECT 1 FROM ${tableOf(ctx.scope, 'contracts')} c2 WHERE c2.renews_contract_id = c.id AND ${visibleRow(ctx.scope, 'contracts', 'c2')}))`;

export const retentionFamily: KpiFamily = {
  ids: ['churn_rate', 'revenue_churn', 'nrr', 'grr', 'renewal_rate', 'sow_growth'],
  inputs: {
    churn_rate: { accounts: [], contracts: CONTRACT_DATES },
    revenue_churn: { accounts: [], contracts: [...CONTRACT_DATES, 'value', 'currency'] },
    nrr: { accounts: [], contracts: [...CONTRACT_DATES, 'value', 'currency'] },
    grr: { accounts: [], contracts: [...CONTRACT_DATES, 'value', 'currency'] },
    renewal_rate: { accounts: [], contracts: [...CONTRACT_DATES, 'status', 'renews_contract_id'] },
    sow_growth: { accounts: [], contracts: [...CONTRACT_DATES, 'sow_value', 'currency'] },
  },
  // The churn and renewal rows show an ACV.
  drillValueInputs: { churn_rate: { contracts: ['value', 'currency'] }, renewal_rate: { contracts: ['value', 'currency'] } },

  async compute(ctx) {
    const result = await sql<{
      i: number;
      churn_rate: string | null;
      revenue_churn: string | null;
      nrr: string | null;
      grr: string | null;
      renewal_rate: string | null;
      sow_growth: string | null;
    }>`
      WITH ${contractCtes(ctx)},
      ret AS (
        SELECT i, count(*) AS customers, count(*) FILTER (WHERE churned) AS churned, sum(a0) AS arr0,
          sum(a0) FILTER (WHERE churned) AS lost, sum(a1) AS arr1, sum(least(a0, a1)) AS kept
        FROM per GROUP BY i
      ),
      ren AS (
        SELECT p.i, count(*) AS up, count(*) FILTER (WHERE ${renewed(ctx)}) AS renewed
        FROM p JOIN c ON ${upForRenewal} GROUP BY p.i
      ),
      sow AS (
        SELECT p.i, coalesce(sum(c.sow) FILTER (WHERE ${activeOn('c', sql`p.d0`)}), 0) AS s0,
          coalesce(sum(c.sow) FILTER (WHERE ${activeOn('c', sql`p.d1`)}), 0) AS s1
        FROM p JOIN c ON ${activeOn('c', sql`p.d0`)} OR ${activeOn('c', sql`p.d1`)} GROUP BY p.i
      )
      SELECT p.i,
        ${ratioSql(sql`ret.churned`, sql`ret.customers`)} AS churn_rate,
        ${ratioSql(sql`ret.lost`, sql`ret.arr0`)} AS revenue_churn,
        ${ratioSql(sql`ret.arr1`, sql`ret.arr0`)} AS nrr,
        ${ratioSql(sql`ret.kept`, sql`ret.arr0`)} AS grr,
        ${ratioSql(sql`ren.renewed`, sql`ren.up`)} AS renewal_rate,
        ${ratioSql(sql`sow.s1 - sow.s0`, sql`sow.s0`)} AS sow_growth
      FROM p LEFT JOIN ret ON ret.i = p.i LEFT JOIN ren ON ren.i = p.i LEFT JOIN sow ON sow.i = p.i
      ORDER BY p.i`.execute(ctx.executor);
    const rows = result.rows;
    const pick = (key: Exclude<keyof (typeof rows)[number], 'i'>) => ({ series: seriesOf(ctx, rows, (row) => toNumber(row[key])) });
    return {
      churn_rate: pick('churn_rate'),
      revenue_churn: pick('revenue_churn'),
      nrr: pick('nrr'),
      grr: pick('grr'),
      renewal_rate: pick('renewal_rate'),
      sow_growth: pick('sow_growth'),
    };
  },

  drill(ctx, id) {
    if (id === 'renewal_rate') {
      return {
        module: 'contracts',
        rows: sql`WITH ${contractCtes(ctx)} SELECT c.id, ${renewed(ctx)} AS counted, round(c.acv, 2)::text AS value FROM p JOIN c ON ${upForRenewal}`,
      };
    }
    if (id === 'sow_growth') {
      return {
        module: 'contracts',
        rows: sql`WITH ${contractCtes(ctx)} SELECT c.id, ${activeOn('c', sql`p.d1`)} AS counted, round(c.sow, 2)::text AS value
          FROM p JOIN c ON ${activeOn('c', sql`p.d0`)} OR ${activeOn('c', sql`p.d1`)}`,
      };
    }
    return {
      module: 'accounts',
      rows: sql`WITH ${contractCtes(ctx)} SELECT per.account_id AS id, per.churned AS counted, round(per.a0, 2)::text AS value FROM per`,
    };
  },
};
