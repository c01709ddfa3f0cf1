import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import {
  compileFilter,
  filterScopeFor,
  formatFieldValue,
  loadRecordScopes,
  moduleView,
  selectRecords,
  type ModuleView,
  type OrgMetadata,
  type RecordRow,
  type RecordService,
  type RecordScope,
  withSavepoint,
} from '../../records/index.js';
import { insertRun, type FunctionRow } from './function.repository.js';
import { runInSandbox, type SandboxRun } from './function.sandbox.js';

/** Limits of what a function may ask of the host. */
export const HTTP_TIMEOUT_MS = 5000;
export const HTTP_MAX_BYTES = 256 * 1024;
export const QUERY_MAX = 100;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FunctionInput {
  trigger: 'test' | 'workflow' | 'schedule';
  /** The record the function runs for, as its owner sees it (null: none, a schedule without a module). */
  record: (Record<string, unknown> & { id: string; module: string }) | null;
  /** The trigger's changes ({field: {from, to}}), when a record change started it. */
  changes: unknown;
  /** The rule or schedule that started it. */
  source: { type: 'workflow_rule' | 'schedule' | 'test'; id: string | null; name: string | null };
}

/** Runs a piece of host work in the run's transaction (inside its async context, so commit hooks attach to it). */
export type Within = <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>;

export interface FunctionRunResult extends SandboxRun {
  runId: string | null;
}

const liveRow = sql<boolean>`r.deleted_at IS NULL`;
const readable = (scope: RecordScope) => (scope.read.all ? [] : [sql<boolean>`r.owner_id = ANY(${scope.read.ownerIds}::uuid[])`]);

const present = (view: ModuleView, row: RecordRow) => {
  const record: Record<string, unknown> = { id: row.id };
  for (const field of view.visible) record[field.apiName] = formatFieldValue(field, row[field.apiName]);
  return record;
};

const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw badRequest(`"${name}" must be a non-empty string.`);
  return value;
};

/** Runs custom functions as their owner: the host side of `clave.records` and `clave.http`, and the run log. */
export function createFunctionRunner(ctx: AppContext, deps: { records: RecordService }) {
  /** The owner with their own rights (not an administrator's): a function sees and changes what its owner may. */
  async function ownerOf(executor: Executor, orgId: string, ownerId: string, depth: number): Promise<AuthContext | null> {
    const owner = await toAuthContext(executor, ownerId, 'token');
    return owner && owner.orgId === orgId ? { ...owner, automationDepth: depth } : null;
  }

  function recordsApi(outer: Within, actor: AuthContext, metadata: OrgMetadata, savepoints = true) {
    // Each call in a savepoint: a refused write leaves the transaction usable for the next call.
    const within: Within = savepoints ? (work) => outer((trx) => withSavepoint(trx, () => work(trx))) : outer;
    async function find(executor: Executor, view: ModuleView, id: unknown): Promise<RecordRow> {
      if (typeof id !== 'string' || !UUID.test(id)) throw notFound();
      const scope = (await loadRecordScopes(executor, actor))(view.module.apiName);
      const [row] = await selectRecords(executor, {
        schema: metadata.schema,
        table: view.module.table,
        columns: ['id', ...view.module.fields.map((f) => f.apiName)],
        where: [sql<boolean>`r.id = ${id}`, liveRow, ...readable(scope)],
      });
      if (!row) throw notFound();
      return row;
    }
    return {
      get: (module: unknown, id: unknown) =>
        within(async (executor) => {
          const view = moduleView(actor, metadata, text(module, 'module'), 'read');
          return present(view, await find(executor, view, id));
        }),
      query: (module: unknown, filter: unknown, limit: unknown) =>
        within(async (executor) => {
          const view = moduleView(actor, metadata, text(module, 'module'), 'read');
          const size = limit === undefined || limit === null ? 50 : Number(limit);
          if (!Number.isInteger(size) || size < 1 || size > QUERY_MAX) throw badRequest(`"limit" is between 1 and ${QUERY_MAX}.`);
          const scopes = await loadRecordScopes(executor, actor);
          const where = [liveRow, ...readable(scopes(view.module.apiName))];
          if (filter !== null && filter !== undefined)
            where.push(compileFilter(filter, view.module, filterScopeFor(actor, metadata, scopes)));
          const rows = await selectRecords(executor, {
            schema: metadata.schema,
            table: view.module.table,
            columns: ['id', ...view.visible.map((f) => f.apiName)],
            where,
            orderBy: sql`r.id`,
            limit: size,
          });
          return rows.map((row) => present(view, row));
        }),
      create: (module: unknown, values: unknown) =>
        within(async (executor) => {
          const view = moduleView(actor, metadata, text(module, 'module'), 'create');
          const scopes = await loadRecordScopes(executor, actor);
          const [result] = await deps.records.createMany(executor, actor, view, scopes, [{ index: 0, values }], { allowDuplicates: true });
          if (result!.status === 'error') throw new AppError('validation_failed', result!.errors.map((e) => e.message).join(' '));
          return present(view, await find(executor, view, result!.id));
        }),
      update: (module: unknown, id: unknown, values: unknown) =>
        within(async (executor) => {
          const view = moduleView(actor, metadata, text(module, 'module'), 'edit');
          if (typeof id !== 'string' || !UUID.test(id)) throw notFound();
          const { row } = await deps.records.updateOne(executor, actor, view, await loadRecordScopes(executor, actor), id, values);
          return present(view, row);
        }),
    };
  }

  /** An HTTPS call to one of the function's allowed hosts, with a timeout and a response size cap; redirects are not followed. */
  async function httpFetch(fn: FunctionRow, url: unknown, options: unknown) {
    let target: URL;
    try {
      target = new URL(String(url));
    } catch {
      throw badRequest('Not a valid URL.');
    }
    if (target.protocol !== 'https:') throw badRequest('Only https:// addresses may be called.');
    if (!fn.allowed_hosts.includes(target.hostname.toLowerCase()))
      throw badRequest(`The host "${target.hostname}" is not among this function's allowed hosts.`);
    const { method = 'GET', headers = {}, body } = (options ?? {}) as { method?: unknown; headers?: unknown; body?: unknown };
    const verb = String(method).toUpperCase();
    if (!METHODS.has(verb)) throw badRequest(`The method "${String(method)}" is not allowed.`);
    const headerList: Record<string, string> = {};
    if (headers && typeof headers === 'object')
      for (const [name, value] of Object.entries(headers as Record<string, unknown>)) headerList[name] = String(value);
    const payload = body === undefined || body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(target, {
      method: verb,
      headers: headerList,
      body: verb === 'GET' ? undefined : payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const reader = response.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > HTTP_MAX_BYTES) {
        truncated = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
    }
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: Buffer.concat(chunks).toString('utf8'),
      truncated,
    };
  }

  /** Writes a run into the function's log; returns its id. */
  async function logRun(executor: Executor, schema: string, fn: FunctionRow, functionInput: FunctionInput, outcome: SandboxRun) {
    const id = newId();
    await insertRun(executor, schema, {
      id,
      function_id: fn.id,
      trigger: functionInput.trigger,
      source_id: functionInput.source.id,
      record_id: functionInput.record?.id ?? null,
      status: outcome.status,
      input: {
        record: functionInput.record ? { module: functionInput.record.module, id: functionInput.record.id } : null,
        source: functionInput.source,
        changed: functionInput.changes && typeof functionInput.changes === 'object' ? Object.keys(functionInput.changes) : [],
      },
      logs: outcome.logs,
      result: outcome.result,
      error: outcome.error,
      duration_ms: outcome.durationMs,
      memory_bytes: outcome.memoryBytes,
      created_at: ctx.now(),
    });
    return id;
  }

  /**
   * Runs a function in the sandbox. Its record calls go through `trx` (opened on first use by the caller, e.g. a test
   * run's transaction that is rolled back), one at a time. The run is logged through `log` unless it is null.
   */
  async function run(input: {
    orgId: string;
    metadata: OrgMetadata;
    fn: FunctionRow;
    /** Whose permissions its record calls have: the rule's or schedule's owner (a test: the function's owner). */
    ownerId: string;
    within: Within;
    /** Where the owner is looked up before the run (the caller's transaction, or the database). */
    reader: Executor;
    /** Where the run is written (the caller's transaction, or the database after a rolled-back test); null: not logged. */
    log: Executor | null;
    functionInput: FunctionInput;
    depth: number;
  }): Promise<FunctionRunResult> {
    const { fn, functionInput } = input;
    const actor = await ownerOf(input.reader, input.orgId, input.ownerId, input.depth);
    let outcome: SandboxRun;
    if (!actor) {
      outcome = {
        status: 'failed',
        result: null,
        error: 'The user the function acts as (the rule’s, schedule’s or function’s owner) is no longer active.',
        logs: [],
        durationMs: 0,
        memoryBytes: null,
      };
    } else {
      const records = recordsApi(input.within, actor, input.metadata);
      let queue: Promise<unknown> = Promise.resolve();
      const call = async (name: string, args: unknown[]): Promise<unknown> => {
        switch (name) {
          case 'records.get':
            return records.get(args[0], args[1]);
          case 'records.query':
            return records.query(args[0], args[1], args[2]);
          case 'records.create':
            return records.create(args[0], args[1]);
          case 'records.update':
            return records.update(args[0], args[1], args[2]);
          case 'http.fetch':
            return httpFetch(fn, args[0], args[1]);
          default:
            throw badRequest(`Unknown call "${name}".`);
        }
      };
      outcome = await runInSandbox({
        code: fn.code,
        input: functionInput,
        timeoutMs: fn.timeout_ms,
        memoryMb: fn.memory_mb,
        // One call at a time on the transaction, in the order the function made them.
        host: (name, args) => {
          const next = queue.then(() => call(name, args));
          queue = next.catch(() => undefined);
          return next;
        },
      });
      // A call still running when the function stopped finishes before the transaction goes on.
      await queue;
    }
    const runId = input.log ? await logRun(input.log, input.metadata.schema, fn, functionInput, outcome) : null;
    return { ...outcome, runId };
  }

  /** The record as the function's owner sees it (the function's input), or null when they cannot. */
  async function recordInput(executor: Executor, orgId: string, metadata: OrgMetadata, fn: FunctionRow, module: string, id: string) {
    const actor = await ownerOf(executor, orgId, fn.owner_id, 0);
    if (!actor) return null;
    try {
      const record = await recordsApi((fn) => fn(executor as Trx), actor, metadata, false).get(module, id);
      return { ...record, id, module };
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  }

  return { run, recordInput, logRun };
}

export type FunctionRunner = ReturnType<typeof createFunctionRunner>;
