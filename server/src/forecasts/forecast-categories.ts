import type { Period } from '../platform/orgs/periods.js';
import type { FilterNode, OrgMetadata } from '../records/index.js';

/** The forecast categories, from the least to the most certain, then the lost deals. */
export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];
/** What an open stage (or a deal's override) may be set to: `closed` comes only from a won stage. */
export const OPEN_CATEGORIES = ['pipeline', 'best_case', 'commit', 'omitted'] as const;
export type OpenCategory = (typeof OPEN_CATEGORIES)[number];

/** The deal fields a forecast reads: a profile that hides one of them cannot see forecasts. */
export const FORECAST_FIELDS = ['owner_id', 'stage', 'amount', 'currency', 'close_date', 'closed_at', 'forecast_category'] as const;

export interface StageCategory {
  stage: string;
  labels: Record<string, string>;
  outcome: 'open' | 'won' | 'lost';
  probability: number | null;
  category: ForecastCategory;
  /** The category the stage has without an administrator's choice. */
  defaultCategory: ForecastCategory;
  /** Won and lost stages are always closed and omitted. */
  fixed: boolean;
}

/** A stage's category by its outcome and probability: won closed, lost omitted, ≥ 70 % commit, ≥ 40 % best case, else pipeline. */
export function defaultCategoryOf(outcome: string | undefined, probability: number | null | undefined): ForecastCategory {
  if (outcome === 'won') return 'closed';
  if (outcome === 'lost') return 'omitted';
  const p = probability ?? 0;
  return p >= 70 ? 'commit' : p >= 40 ? 'best_case' : 'pipeline';
}

/** The deal stages of the organization's picklist with their category (the administrator's for open stages, else the default). */
export function stageCategories(metadata: OrgMetadata, chosen: ReadonlyMap<string, OpenCategory>): StageCategory[] {
  const values = metadata.modules.get('deals')?.fields.find((field) => field.apiName === 'stage')?.options.values ?? [];
  return values.map((value) => {
    const outcome = value.outcome === 'won' || value.outcome === 'lost' ? value.outcome : 'open';
    const defaultCategory = defaultCategoryOf(outcome, value.probability);
    const fixed = outcome !== 'open';
    return {
      stage: value.code,
      labels: { ...value.labels },
      outcome,
      probability: value.probability ?? null,
      defaultCategory,
      category: (!fixed && chosen.get(value.code)) || defaultCategory,
      fixed,
    };
  });
}

/** Matches no deal (an `in` needs at least one value). */
const NOTHING: FilterNode = { field: 'id', op: 'is_empty' };
const stageIn = (codes: string[]): FilterNode => (codes.length > 0 ? { field: 'stage', op: 'in', value: codes } : NOTHING);
const and = (...nodes: FilterNode[]): FilterNode => ({ and: nodes });
const or = (...nodes: FilterNode[]): FilterNode => ({ or: nodes });

function stagesBy(stages: StageCategory[]) {
  const won = stages.filter((s) => s.outcome === 'won').map((s) => s.stage);
  const lost = stages.filter((s) => s.outcome === 'lost').map((s) => s.stage);
  const closedStages = [...won, ...lost];
  // Open: any stage that is not won or lost (a code since removed from the picklist too).
  const open: FilterNode = closedStages.length > 0 ? { field: 'stage', op: 'nin', value: closedStages } : and();
  return { won, lost, open };
}

/**
 * The deals of a category, in the list-view filter language (so the numbers and the deals listed behind them are
 * the same query): won stages are closed, lost ones omitted; an open deal takes its `forecast_category` when set,
 * else its stage's category. The categories never overlap.
 */
export function categoryFilter(category: ForecastCategory, stages: StageCategory[]): FilterNode {
  const { won, lost, open } = stagesBy(stages);
  if (category === 'closed') return stageIn(won);
  const mapped = stages.filter((s) => s.outcome === 'open' && s.category === category).map((s) => s.stage);
  const openOfCategory = and(
    open,
    or({ field: 'forecast_category', op: 'eq', value: category }, and({ field: 'forecast_category', op: 'is_empty' }, stageIn(mapped))),
  );
  return category === 'omitted' ? or(stageIn(lost), openOfCategory) : openOfCategory;
}

/**
 * The deals that fall in a period: open ones by their expected close date, won and lost ones by when they closed
 * (their expected close date when that was never recorded).
 */
export function periodFilter(period: Period, stages: StageCategory[]): FilterNode {
  const { won, lost, open } = stagesBy(stages);
  const byCloseDate: FilterNode = { field: 'close_date', op: 'between', value: [period.start, period.end] };
  return or(
    and(open, byCloseDate),
    and(
      stageIn([...won, ...lost]),
      or(
        and(
          { field: 'closed_at', op: 'gte', value: period.startAt.toISOString() },
          { field: 'closed_at', op: 'lt', value: period.endAt.toISOString() },
        ),
        and({ field: 'closed_at', op: 'is_empty' }, byCloseDate),
      ),
    ),
  );
}

/** Amounts per category (decimal strings in the organization's currency). */
export type CategoryAmounts = Record<ForecastCategory, string>;

export const zeroAmounts = (): CategoryAmounts => ({
  pipeline: '0.00',
  best_case: '0.00',
  commit: '0.00',
  closed: '0.00',
  omitted: '0.00',
});

/** Cents of a decimal string, so sums are exact. */
export const toCents = (amount: string | number): bigint => {
  const [whole = '0', fraction = ''] = String(amount).split('.');
  const negative = whole.startsWith('-');
  const cents = BigInt(whole.replace('-', '') || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
};
export const fromCents = (cents: bigint): string => {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/** The sum of several category amounts. */
export function addAmounts(list: CategoryAmounts[]): CategoryAmounts {
  const total = zeroAmounts();
  for (const category of FORECAST_CATEGORIES)
    total[category] = fromCents(list.reduce((sum, amounts) => sum + toCents(amounts[category]), 0n));
  return total;
}

/** `a − b` per category. */
export function subtractAmounts(a: CategoryAmounts, b: CategoryAmounts): CategoryAmounts {
  const change = zeroAmounts();
  for (const category of FORECAST_CATEGORIES) change[category] = fromCents(toCents(a[category]) - toCents(b[category]));
  return change;
}

export interface QuotaFigures {
  /** closed ÷ quota, 4 decimals; null without a quota (or a quota of 0). */
  attainment: number | null;
  /** quota − closed (negative when beyond the quota); null without a quota. */
  gap: string | null;
  /** closed + commit, and closed + commit + best case. */
  projections: { commit: string; bestCase: string };
}

/** Attainment, gap to quota and the projections of a set of figures. */
export function quotaFigures(amounts: CategoryAmounts, quota: string | null): QuotaFigures {
  const closed = toCents(amounts.closed);
  const commit = closed + toCents(amounts.commit);
  const quotaCents = quota === null ? null : toCents(quota);
  return {
    attainment: quotaCents === null || quotaCents === 0n ? null : Math.round((Number(closed) / Number(quotaCents)) * 10_000) / 10_000,
    gap: quotaCents === null ? null : fromCents(quotaCents - closed),
    projections: { commit: fromCents(commit), bestCase: fromCents(commit + toCents(amounts.best_case)) },
  };
}
