import type { CompiledQuery } from './query.compile.js';

/** A group of a report run, as the engine gives it (nested per GROUP BY level). */
interface RunGroup {
  keys: Record<string, unknown>;
  labels: Record<string, string | null>;
  values: Record<string, number | string | null>;
  children?: RunGroup[];
}

export interface QueryRows {
  rows: Array<Record<string, unknown>>;
  /** What people read for grouped values (user and record names, picklist labels, months), per row and column. */
  labels: Array<Record<string, string | null>>;
  truncated: boolean;
}

/**
 * The rows of a grouped query: one per group of the last GROUP BY level (one row of totals without GROUP BY),
 * each column taken from its group's keys or values, sorted by ORDER BY (empty values last), cut at LIMIT.
 */
export function groupedRows(plan: CompiledQuery, groups: RunGroup[], totals: Record<string, number | string | null>): QueryRows {
  const leaves: Array<{ keys: Record<string, unknown>; labels: Record<string, string | null>; values: Record<string, unknown> }> = [];
  if (plan.groupBy.length === 0) leaves.push({ keys: {}, labels: {}, values: totals });
  const walk = (group: RunGroup, keys: Record<string, unknown>, labels: Record<string, string | null>, depth: number) => {
    const allKeys = { ...keys, ...group.keys };
    const allLabels = { ...labels, ...group.labels };
    if (depth === plan.groupBy.length - 1 || !group.children) leaves.push({ keys: allKeys, labels: allLabels, values: group.values });
    else for (const child of group.children) walk(child, allKeys, allLabels, depth + 1);
  };
  if (plan.groupBy.length > 0) for (const group of groups) walk(group, {}, {}, 0);

  const rows = leaves.map((leaf) => {
    const row: Record<string, unknown> = {};
    const labels: Record<string, string | null> = {};
    for (const column of plan.columns) {
      if (column.source.kind === 'group') {
        const field = plan.groupBy[column.source.level]!.field;
        row[column.name] = leaf.keys[field] ?? null;
        labels[column.name] = leaf.labels[field] ?? null;
      } else if (column.source.kind === 'value') row[column.name] = leaf.values[column.source.key] ?? null;
    }
    return { row, labels };
  });
  if (plan.orderBy.length > 0) rows.sort((a, b) => compareRows(a.row, b.row, plan.orderBy));
  const kept = rows.slice(0, plan.limit);
  return { rows: kept.map((r) => r.row), labels: kept.map((r) => r.labels), truncated: rows.length > kept.length };
}

function compareRows(a: Record<string, unknown>, b: Record<string, unknown>, orderBy: CompiledQuery['orderBy']): number {
  for (const { column, direction } of orderBy) {
    const x = a[column] ?? null;
    const y = b[column] ?? null;
    // Empty values go last whatever the direction.
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
      continue;
    }
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (order !== 0) return direction === 'asc' ? order : -order;
  }
  return 0;
}
