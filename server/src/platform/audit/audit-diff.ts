import { isDeepStrictEqual } from 'node:util';

/**
 * The keys that changed between two snapshots, for an audit entry's before
 * and after. Keys absent from `next` are not changes (a PATCH leaves them
 * alone). Returns null when nothing changed, so callers skip the entry.
 */
export function changedKeys<T extends Record<string, unknown>>(
  previous: T,
  next: Partial<T>,
): { before: Partial<T>; after: Partial<T> } | null {
  const before: Partial<T> = {};
  const after: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (next[key] === undefined || isDeepStrictEqual(previous[key], next[key])) continue;
    before[key] = previous[key];
    after[key] = next[key];
  }
  return Object.keys(after).length === 0 ? null : { before, after };
}
