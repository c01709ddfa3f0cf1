import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/app-error.js';
import { addDays, localDate, startOfDay } from '../../platform/orgs/periods.js';
import { resolveField } from '../report-fields.js';
import { resolveRange } from '../report-periods.js';
import { assertAllowed, type ReportService } from '../report.service.js';
import type { ReportDefinition, RelativeRange } from '../report.schemas.js';
import type { Token } from './query.lexer.js';
import { queryError } from './query.lexer.js';
import { compileQuery, type CompiledQuery, type QuerySchema } from './query.compile.js';
import { parseQuery } from './query.parser.js';
import { groupedRows } from './query.result.js';
import type { QueryResult } from './query.schemas.js';

/**
 * The query language (`POST /api/v1/query`): parsed here, checked against the caller's view of the module, and run
 * by the report engine as the caller — the text never reaches the database.
 */
export function createQueryService(deps: { reports: ReportService; now: () => Date }) {
  const { reports } = deps;

  async function run(auth: AuthContext, text: string): Promise<QueryResult> {
    const started = performance.now();
    assertAllowed(auth, 'read');
    const query = parseQuery(text);
    const { scope, org } = await scopeOf(auth, query.from.module, query.from.token);
    const today = localDate(deps.now(), org.timeZone);
    const schema: QuerySchema = {
      module: (apiName) =>
        apiName === scope.view.module.apiName
          ? {
              meta: scope.view.module,
              fields: scope.view.visible,
              field: (path) => {
                try {
                  return resolveField(scope, path, path).field;
                } catch (error) {
                  if (error instanceof AppError && error.code === 'validation_failed')
                    return { error: error.message.replace(`${path}: `, '') };
                  throw error;
                }
              },
            }
          : undefined,
      dayRange: (name, days) => {
        if (name === 'LAST_N_DAYS') return { from: addDays(today, -(days! - 1)), to: today };
        if (name === 'NEXT_N_DAYS') return { from: addDays(today, 1), to: addDays(today, days!) };
        const range = resolveRange(name.toLowerCase() as RelativeRange, today, scope.calendar);
        return { from: range.from, to: range.to };
      },
      startOfDay: (day) => startOfDay(day, org.timeZone).toISOString(),
    };
    const plan = compileQuery(query, schema);
    const result = await runPlan(auth, plan).catch((error: unknown) => {
      throw pointAt(error, plan);
    });
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  /** The caller's scope over the module; an unknown module is an error at its name. */
  async function scopeOf(auth: AuthContext, module: string, token: Token) {
    try {
      return await reports.scopeFor(auth, { module });
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') throw queryError(`Unknown module "${module}"`, token);
      throw error;
    }
  }

  async function runPlan(auth: AuthContext, plan: CompiledQuery): Promise<Omit<QueryResult, 'durationMs'>> {
    if (plan.kind === 'records') {
      const selected = plan.columns.map((column) => (column.source.kind === 'field' ? column.source.path : ''));
      const definition: ReportDefinition = {
        module: plan.module.apiName,
        type: 'tabular',
        // Sorted by fields that are not selected too: they are read, not returned.
        columns: [...new Set([...selected, ...plan.orderBy.map((order) => order.column)])],
        ...(plan.filter ? { filter: plan.filter } : {}),
        sort: plan.orderBy.map((order) => ({ by: order.column, direction: order.direction })),
        limit: plan.limit,
      };
      const result = await reports.runDefinition(auth, definition);
      const labelOf = new Map(result.columns.map((column) => [column.key, column.label]));
      const display = result.display ?? {};
      return {
        columns: plan.columns.map((column, index) => ({
          name: column.name,
          type: column.field?.type ?? 'text',
          label: labelOf.get(selected[index]!) ?? column.name,
        })),
        data: (result.rows ?? []).map((row) =>
          Object.fromEntries(plan.columns.map((column, index) => [column.name, row[selected[index]!] ?? null])),
        ),
        labels: (result.rows ?? []).map((row) =>
          Object.fromEntries(
            plan.columns.flatMap((column, index) => {
              const value = row[selected[index]!];
              return typeof value === 'string' && display[value] ? [[column.name, display[value]]] : [];
            }),
          ),
        ),
        currency: result.currency,
        truncated: result.truncated,
      };
    }
    const definition: ReportDefinition = {
      module: plan.module.apiName,
      type: 'summary',
      groupBy: plan.groupBy,
      ...(plan.filter ? { filter: plan.filter } : {}),
      aggregates: plan.aggregates,
      formulas: plan.formulas.map((formula) => ({
        key: formula.key,
        label: formula.key,
        expression: formula.expression,
        format: 'number' as const,
      })),
    };
    const result = await reports.runDefinition(auth, definition);
    const labelOf = new Map(result.columns.map((column) => [column.key, column.label]));
    const rows = groupedRows(plan, result.groups ?? [], result.totals ?? {});
    return {
      columns: plan.columns.map((column) => ({
        name: column.name,
        type: column.source.kind === 'group' ? (column.field?.type ?? 'text') : (column.field?.type ?? 'number'),
        label: column.source.kind === 'group' ? (labelOf.get(plan.groupBy[column.source.level]!.field) ?? column.name) : column.name,
      })),
      data: rows.rows,
      labels: rows.labels,
      currency: result.currency,
      truncated: rows.truncated,
    };
  }

  return { run };
}

/**
 * An error the report engine raised about a filter value (a picklist code it does not know, text where a number
 * goes), re-pointed at the condition in the query text it came from.
 */
function pointAt(error: unknown, plan: CompiledQuery): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation_failed') return error;
  const path = (error.details as { path?: string; field?: string } | undefined)?.path ?? '';
  const aggregate = /^aggregates\[(\d+)\]\.(filter.*)$/.exec(path);
  const key = path.startsWith('filter')
    ? `where:${path}`
    : aggregate
      ? `aggregate:${plan.aggregates[Number(aggregate[1])]?.key}:${aggregate[2]}`
      : null;
  if (!key) return error;
  const origin = [...plan.filterTokens.entries()].filter(([prefix]) => key.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!origin) return error;
  const message = error.message.replace(/^[^:]*: /, '').replace(/\.$/, '');
  return queryError(message, origin[1]);
}
