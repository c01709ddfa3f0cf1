import { sql, type RawBuilder } from 'kysely';
import { AppError, badRequest } from '../platform/http/app-error.js';
import { compileFilter, fullFilterScope, type ModuleMeta, type OrgMetadata } from '../records/index.js';

/**
 * Checks rule criteria (the list-view filter language) against a module, seeing every field; a bad one is a 400
 * naming its place under `path` (`entries.0.criteria.and[1]`). null or undefined: every record.
 */
export function assertCriteria(criteria: unknown, module: ModuleMeta, metadata: OrgMetadata, path: string): void {
  if (criteria === null || criteria === undefined) return;
  try {
    compileFilter(criteria, module, fullFilterScope(metadata));
  } catch (error) {
    if (error instanceof AppError) {
      const field = (error.details as { field?: string } | undefined)?.field;
      throw badRequest(error.message, `${path}${field ? field.replace(/^filter/, '') : ''}`);
    }
    throw error;
  }
}

/**
 * Each criteria as a condition on the rows `r` of the module; one that no longer compiles (a field was deleted since
 * the rule was saved) matches nothing. null or undefined: every record.
 */
export function criteriaConditions(list: unknown[], module: ModuleMeta, metadata: OrgMetadata): RawBuilder<boolean>[] {
  const scope = fullFilterScope(metadata);
  return list.map((criteria) => {
    if (criteria === null || criteria === undefined) return sql<boolean>`true`;
    try {
      return compileFilter(criteria, module, scope);
    } catch {
      return sql<boolean>`false`;
    }
  });
}
