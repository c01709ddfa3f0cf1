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

/**
 * The contracts of the scope's visible accounts, each one's ACV and SOW value in cents of the organization's currency
 * (integer sums are exact and cheap), and each contract active on a period's first day (`on0`), last day (`on1`) or
 * the day after it (`onn`), with those flags computed once per period and contract.
 */
function contractCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  return sql`
    ${periodsCte(ctx)},
    -- Materialized: each contract's ACV is computed once, not once per period and join.
    c AS MATERIALIZED (
      SELECT c.id, c.account_id, c.start_date, c.end_date, c.cancelled_at, c.status, (round(${acvSql(ctx, 'c')}, 2) * 100)::bigint AS acv,
        (round(${inOrgCurrency(ctx, sql`c.sow_value`, sql`c.currency`)}, 2) * 100)::bigint AS sow
      FROM ${tableOf(scope, 'contracts')} c
      WHERE ${visibleRow(scope, 'contracts', 'c')} AND c.account_id IN (${accountIdsInScope(scope)})
    ),
    pc AS (
      SELECT p.i, c.id, c.account_id, c.acv, c.sow, f.on0, f.on1, f.onn
      FROM p CROSS JOIN c
      CROSS JOIN LATERAL (SELECT ${activeOn('c', sql`p.d0`)} AS on0, ${activeOn('c', sql`p.d1`)} AS on1, ${activeOn('c', sql`p.dn`)} AS onn) f
      WHERE f.on0 OR f.on1 OR f.onn
    ),
    -- Each customer at a period's start (a contract active on its first day): ACV then and the day after it.
    per AS (
      SELECT i, account_id, sum(acv) FILTER (WHERE on0) AS a0, coalesce(sum(acv) FILTER (WHERE onn), 0) AS a1, NOT bool_or(onn) AS churned
      FROM pc WHERE on0 OR onn GROUP BY i, account_id HAVING bool_or(on0)
    )`;
}

/** Cents (the CTEs' integer amounts) as an amount with two decimals, for a drill-down row. */
const fromCents = (cents: RawBuilder<unknown>) => sql`(${cents} / 100.0)::numeric(20, 2)::text`;

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
      sow AS (SELECT i, coalesce(sum(sow) FILTER (WHERE on0), 0) AS s0, coalesce(sum(sow) FILTER (WHERE on1), 0) AS s1 FROM pc GROUP BY i)
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
        rows: sql`WITH ${contractCtes(ctx)} SELECT c.id, ${renewed(ctx)} AS counted, ${fromCents(sql`c.acv`)} AS value FROM p JOIN c ON ${upForRenewal}`,
      };
    }
    if (id === 'sow_growth') {
      return {
        module: 'contracts',
        rows: sql`WITH ${contractCtes(ctx)} SELECT id, on1 AS counted, ${fromCents(sql`sow`)} AS value FROM pc WHERE on0 OR on1`,
      };
    }
    return {
      module: 'accounts',
      rows: sql`WITH ${contractCtes(ctx)} SELECT per.account_id AS id, per.churned AS counted, ${fromCents(sql`per.a0`)} AS value FROM per`,
    };
  },
};
