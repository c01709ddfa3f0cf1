import { sql, type RawBuilder } from 'kysely';
import { accountIdsInScope, orgTable, recordInScope, tableOf, visibleRow, type KpiScope } from '../scope.js';
import { REFERRAL_SOURCES } from '../../rollups/rollup.repository.js';
import {
  activeOn,
  inOrgCurrency,
  periodIndexOf,
  periodsCte,
  withinPeriods,
  ratioSql,
  readsRollups,
  seriesOf,
  toNumber,
  type KpiFamily,
  type KpiRunContext,
} from './common.js';
import { CONTRACT_DATES } from './retention.js';

/**
 * Sales and organic growth (KAM-1, KAM-6, KAM-8): upsell and cross-sell win
 * rates, the referral, repeat-customer and new-to-repeat shares of won
 * revenue, and customer lifetime value. One query over the 8 periods; the
 * whole organization's deal figures come from the monthly rollups when they
 * stand for the raw rows.
 */

const REPEAT_TYPES = ['upsell', 'cross_sell', 'renewal'];
/** What makes a deal won or lost in a period, and whose it is. */
const CLOSED_DEALS = ['account_id', 'stage', 'closed_at'];
const DEAL_AMOUNT = ['amount', 'currency'];

function dealCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  // A won deal is a repeat when its account won one before the period: each account's first won deal (one
  // grouped pass over the scope's accounts, not a probe per deal).
  const firstWonAccounts =
    scope.kind === 'account'
      ? sql`d2.account_id = ${scope.id}::uuid`
      : scope.kind === 'org' && !scope.tier
        ? sql`true`
        : sql`d2.account_id = ANY(ARRAY(${accountIdsInScope(scope)}))`;
  return sql`
    ${periodsCte(ctx)},
    d AS NOT MATERIALIZED (
      SELECT d.id, d.account_id, d.closed_at, d.deal_type, d.lead_source,
        d.stage = ANY(${ctx.stages.won}::text[]) AS won, d.stage = ANY(${ctx.stages.lost}::text[]) AS lost,
        ${inOrgCurrency(ctx, sql`d.amount`, sql`d.currency`)} AS amount
      FROM ${tableOf(scope, 'deals')} d
      WHERE ${recordInScope(scope, 'deals', 'd')} AND d.closed_at IS NOT NULL
    ),
    first_won AS (
      SELECT d2.account_id, min(d2.closed_at) AS at FROM ${tableOf(scope, 'deals')} d2
      WHERE d2.account_id IS NOT NULL AND ${firstWonAccounts} AND d2.stage = ANY(${ctx.stages.won}::text[])
        AND ${visibleRow(scope, 'deals', 'd2')}
      GROUP BY d2.account_id
    ),
    inp AS (
      SELECT p.i, d.*, coalesce(d.won AND fw.at < p.t0, false) AS repeat
      FROM d JOIN p ON p.i = ${periodIndexOf(ctx, sql`d.closed_at`)}
      LEFT JOIN first_won fw ON fw.account_id = d.account_id
      WHERE ${withinPeriods(ctx, sql`d.closed_at`)}
    )`;
}

/** Per period `i`: `agg` (closed deal counts, won amounts, buyers and repeat buyers) and `rev12` (won revenue of the 12 months ending with it). */
function dealFiguresCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  if (readsRollups(ctx, ['deals'])) {
    const months = orgTable(ctx.scope, 'kam_rollup_deal_months');
    const wonAccounts = orgTable(ctx.scope, 'kam_rollup_won_accounts');
    const amount = inOrgCurrency(ctx, sql`r.amount`, sql`nullif(r.currency, '')`);
    return sql`
      dm AS (
        SELECT p.i,
          sum(r.deals) FILTER (WHERE r.deal_type = 'upsell' AND r.outcome = 'won') AS up_won,
          sum(r.deals) FILTER (WHERE r.deal_type = 'upsell') AS up_closed,
          sum(r.deals) FILTER (WHERE r.deal_type = 'cross_sell' AND r.outcome = 'won') AS cross_won,
          sum(r.deals) FILTER (WHERE r.deal_type = 'cross_sell') AS cross_closed,
          sum(${amount}) FILTER (WHERE r.outcome = 'won') AS won_amount,
          sum(${amount}) FILTER (WHERE r.outcome = 'won' AND r.referral) AS referral_amount,
          sum(${amount}) FILTER (WHERE r.outcome = 'won' AND r.deal_type = 'new_business') AS new_amount,
          sum(${amount}) FILTER (WHERE r.outcome = 'won' AND r.deal_type = ANY(${REPEAT_TYPES}::text[])) AS repeat_amount
        FROM p JOIN ${months} r ON r.month >= p.d0 AND r.month <= p.d1 GROUP BY p.i
      ),
      fw AS (SELECT account_id, min(month) AS month FROM ${wonAccounts} GROUP BY account_id),
      wb AS (
        SELECT p.i, count(DISTINCT w.account_id) AS buyers, count(DISTINCT w.account_id) FILTER (WHERE fw.month < p.d0) AS repeaters
        FROM p JOIN ${wonAccounts} w ON w.month >= p.d0 AND w.month <= p.d1 JOIN fw ON fw.account_id = w.account_id GROUP BY p.i
      ),
      agg AS (
        SELECT p.i, dm.up_won, dm.up_closed, dm.cross_won, dm.cross_closed, dm.won_amount, dm.referral_amount, dm.new_amount, dm.repeat_amount,
          wb.buyers, wb.repeaters
        FROM p LEFT JOIN dm ON dm.i = p.i LEFT JOIN wb ON wb.i = p.i),
      rev12 AS (
        SELECT p.i, sum(${amount}) AS revenue FROM p JOIN ${months} r ON r.outcome = 'won' AND r.month >= p.w0 AND r.month <= p.d1 GROUP BY p.i
      )`;
  }
  return sql`
      agg AS (
        SELECT i,
          count(*) FILTER (WHERE deal_type = 'upsell' AND won) AS up_won,
          count(*) FILTER (WHERE deal_type = 'upsell' AND (won OR lost)) AS up_closed,
          count(*) FILTER (WHERE deal_type = 'cross_sell' AND won) AS cross_won,
          count(*) FILTER (WHERE deal_type = 'cross_sell' AND (won OR lost)) AS cross_closed,
          sum(amount) FILTER (WHERE won) AS won_amount,
          sum(amount) FILTER (WHERE won AND lead_source = ANY(${REFERRAL_SOURCES}::text[])) AS referral_amount,
          sum(amount) FILTER (WHERE won AND deal_type = 'new_business') AS new_amount,
          sum(amount) FILTER (WHERE won AND deal_type = ANY(${REPEAT_TYPES}::text[])) AS repeat_amount,
          count(DISTINCT account_id) FILTER (WHERE won) AS buyers,
          count(DISTINCT account_id) FILTER (WHERE repeat) AS repeaters
        FROM inp GROUP BY i
      ),
      rev12 AS (SELECT p.i, sum(d.amount) AS revenue FROM p JOIN d ON d.won AND d.closed_at >= p.tw0 AND d.closed_at < p.t1 GROUP BY p.i)`;
}

/** Customers and the 12-month churn behind the average lifespan, over the accounts of `lifespanScope`. */
function lifespanCtes(ctx: KpiRunContext, lifespanScope: KpiScope): RawBuilder<unknown> {
  return sql`
    c AS MATERIALIZED (
      SELECT c.account_id, c.start_date, c.end_date, c.cancelled_at FROM ${tableOf(lifespanScope, 'contracts')} c
      WHERE ${visibleRow(lifespanScope, 'contracts', 'c')} AND c.account_id IN (${accountIdsInScope(lifespanScope)})
    ),
    -- Customers 12 months before the period's end, and whether each has a contract the day after it: one pass over
    -- the contracts active on either day.
    s12 AS (
      SELECT p.i, c.account_id, bool_or(${activeOn('c', sql`p.dn`)}) AS stays
      FROM p JOIN c ON ${activeOn('c', sql`p.w0`)} OR ${activeOn('c', sql`p.dn`)}
      GROUP BY p.i, c.account_id HAVING bool_or(${activeOn('c', sql`p.w0`)})
    ),
    churn12 AS (SELECT i, count(*) AS customers, count(*) FILTER (WHERE NOT stays) AS churned FROM s12 GROUP BY i),
    life AS (
      SELECT i, CASE WHEN churned = 0 THEN 10::numeric ELSE least(10::numeric, customers::numeric / churned) END AS years FROM churn12
    )`;
}

export const salesFamily: KpiFamily = {
  ids: ['upsell_rate', 'cross_sell_rate', 'referral_revenue_share', 'repeat_customer_share', 'new_to_repeat_ratio', 'clv'],
  inputs: {
    upsell_rate: { deals: [...CLOSED_DEALS, 'deal_type'] },
    cross_sell_rate: { deals: [...CLOSED_DEALS, 'deal_type'] },
    referral_revenue_share: { deals: [...CLOSED_DEALS, ...DEAL_AMOUNT, 'lead_source'] },
    repeat_customer_share: { accounts: [], deals: CLOSED_DEALS },
    new_to_repeat_ratio: { deals: [...CLOSED_DEALS, ...DEAL_AMOUNT, 'deal_type'] },
    clv: { accounts: [], deals: [...CLOSED_DEALS, ...DEAL_AMOUNT], contracts: CONTRACT_DATES },
  },
  // Deal and account rows show amounts.
  drillValueInputs: {
    upsell_rate: { deals: DEAL_AMOUNT },
    cross_sell_rate: { deals: DEAL_AMOUNT },
    repeat_customer_share: { deals: DEAL_AMOUNT },
  },

  async compute(ctx) {
    const { scope } = ctx;
    const isAccount = scope.kind === 'account';
    // Per account, the lifespan is the organization's (what the caller sees of it), the revenue the account's.
    const lifespanScope: KpiScope = isAccount ? { ...scope, kind: 'org', id: null, tier: null, userIds: null } : scope;
    const clv = isAccount
      ? sql`round(coalesce(todate.revenue, 0) + coalesce(rev12.revenue, 0) * greatest(0, coalesce(life.years, 0) - coalesce(first.years, 0)), 2)::text`
      : sql`round(coalesce(rev12.revenue, 0) / nullif(cust.n, 0) * life.years, 2)::text`;
    const result = await sql<{
      i: number;
      upsell_rate: string | null;
      cross_sell_rate: string | null;
      referral_revenue_share: string | null;
      repeat_customer_share: string | null;
      new_to_repeat_ratio: string | null;
      clv: string | null;
    }>`
      WITH ${dealCtes(ctx)},
      ${dealFiguresCtes(ctx)},
      -- Revenue to date is the per-account CLV's only (every won deal before each period's end).
      todate AS (SELECT p.i, sum(d.amount) AS revenue FROM p JOIN d ON d.won AND d.closed_at < p.t1 WHERE ${isAccount ? sql`true` : sql`false`} GROUP BY p.i),
      ${lifespanCtes(ctx, lifespanScope)},
      cust AS (
        SELECT p.i, count(DISTINCT c.account_id) AS n FROM p JOIN c ON ${activeOn('c', sql`p.d1`)}
        WHERE c.account_id IN (${accountIdsInScope(scope)}) GROUP BY p.i
      ),
      -- The account's years as a customer so far: the per-account CLV's only.
      first AS (
        SELECT p.i, extract(year FROM g.age) + extract(month FROM g.age) / 12.0 + extract(day FROM g.age) / 365.0 AS years
        FROM p, LATERAL (
          SELECT age(p.dn::timestamp, min(c.start_date)::timestamp) AS age FROM c
          WHERE c.account_id IN (${accountIdsInScope(scope)}) AND c.start_date <= p.d1
        ) g
        WHERE ${isAccount ? sql`true` : sql`false`}
      )
      SELECT p.i,
        ${ratioSql(sql`agg.up_won`, sql`agg.up_closed`)} AS upsell_rate,
        ${ratioSql(sql`agg.cross_won`, sql`agg.cross_closed`)} AS cross_sell_rate,
        ${ratioSql(sql`agg.referral_amount`, sql`agg.won_amount`)} AS referral_revenue_share,
        ${ratioSql(sql`agg.repeaters`, sql`agg.buyers`)} AS repeat_customer_share,
        ${ratioSql(sql`agg.new_amount`, sql`agg.repeat_amount`)} AS new_to_repeat_ratio,
        ${clv} AS clv
      FROM p LEFT JOIN agg ON agg.i = p.i LEFT JOIN rev12 ON rev12.i = p.i LEFT JOIN todate ON todate.i = p.i
        LEFT JOIN life ON life.i = p.i LEFT JOIN cust ON cust.i = p.i LEFT JOIN first ON first.i = p.i
      ORDER BY p.i`.execute(ctx.executor);
    const rows = result.rows;
    const pick = (key: Exclude<keyof (typeof rows)[number], 'i' | 'clv'>) => ({ series: seriesOf(ctx, rows, (row) => toNumber(row[key])) });
    return {
      upsell_rate: pick('upsell_rate'),
      cross_sell_rate: pick('cross_sell_rate'),
      referral_revenue_share: pick('referral_revenue_share'),
      repeat_customer_share: pick('repeat_customer_share'),
      new_to_repeat_ratio: pick('new_to_repeat_ratio'),
      clv: { series: seriesOf(ctx, rows, (row) => row.clv) },
    };
  },

  drill(ctx, id) {
    const amount = sql`round(inp.amount, 2)::text`;
    const base = dealCtes(ctx);
    switch (id) {
      case 'upsell_rate':
      case 'cross_sell_rate':
        return {
          module: 'deals',
          rows: sql`WITH ${base} SELECT inp.id, inp.won AS counted, ${amount} AS value FROM inp
            WHERE inp.deal_type = ${id === 'upsell_rate' ? 'upsell' : 'cross_sell'} AND (inp.won OR inp.lost)`,
        };
      case 'referral_revenue_share':
        return {
          module: 'deals',
          rows: sql`WITH ${base} SELECT inp.id, coalesce(inp.lead_source = ANY(${REFERRAL_SOURCES}::text[]), false) AS counted, ${amount} AS value
            FROM inp WHERE inp.won`,
        };
      case 'new_to_repeat_ratio':
        return {
          module: 'deals',
          rows: sql`WITH ${base} SELECT inp.id, inp.deal_type = 'new_business' AS counted, ${amount} AS value
            FROM inp WHERE inp.won AND inp.deal_type = ANY(${['new_business', ...REPEAT_TYPES]}::text[])`,
        };
      case 'repeat_customer_share':
        return {
          module: 'accounts',
          rows: sql`WITH ${base} SELECT inp.account_id AS id, bool_or(inp.repeat) AS counted, round(sum(inp.amount), 2)::text AS value
            FROM inp WHERE inp.won AND inp.account_id IS NOT NULL GROUP BY inp.account_id`,
        };
      case 'clv': {
        const from = ctx.scope.kind === 'account' ? sql`true` : sql`d.closed_at >= p.tw0`;
        return {
          module: 'deals',
          rows: sql`WITH ${base} SELECT d.id, true AS counted, round(d.amount, 2)::text AS value FROM p JOIN d ON d.won AND ${from} AND d.closed_at < p.t1`,
        };
      }
      default:
        return null;
    }
  },
};
