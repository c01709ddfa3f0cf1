import type { Database, Trx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { MetadataStore } from '../../records/index.js';
import { assertAllowed } from '../workflow/workflow.service.js';
import { findPerson } from '../workflow/workflow.repository.js';
import {
  deleteFunction,
  findFunction,
  functionInUse,
  insertFunction,
  listFunctions,
  listRuns,
  updateFunction,
  type FunctionRow,
  type FunctionRunRow,
} from './function.repository.js';
import type { FunctionRunner } from './function.runner.js';
import { syntaxError } from './function.sandbox.js';
import type { CreateFunctionBody, TestFunctionBody, UpdateFunctionBody } from './function.schemas.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MEMORY_MB = 128;

export const presentFunction = (row: FunctionRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  code: row.code,
  allowedHosts: row.allowed_hosts,
  timeoutMs: row.timeout_ms,
  memoryMb: row.memory_mb,
  ownerId: row.owner_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const presentRun = (row: FunctionRunRow) => ({
  id: row.id,
  trigger: row.trigger,
  recordId: row.record_id,
  status: row.status,
  result: row.result,
  error: row.error,
  logs: row.logs,
  durationMs: row.duration_ms,
  memoryBytes: row.memory_bytes === null ? null : Number(row.memory_bytes),
  createdAt: row.created_at.toISOString(),
});

const ROLLBACK = Symbol('rollback');

/**
 * A transaction opened only when first needed and always rolled back: a test run that never touches a record holds
 * no connection (on the embedded database, the only one) while its code runs. Work runs one piece at a time inside
 * the transaction's callback, so it sees the transaction's async context (commit hooks and the escape guard).
 */
export function rolledBackTransaction(database: Database, label: string) {
  type Task = (trx: Trx) => Promise<void>;
  const tasks: Array<Task | null> = [];
  let wake: (() => void) | null = null;
  let finished: Promise<void> | undefined;
  const push = (task: Task | null) => {
    tasks.push(task);
    wake?.();
  };
  const next = async (): Promise<Task | null> => {
    while (tasks.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    return tasks.shift()!;
  };
  return {
    within<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
      finished ??= database
        .transaction(label, async (trx) => {
          for (let task = await next(); task; task = await next()) await task(trx);
          throw ROLLBACK;
        })
        .catch((error: unknown) => {
          if (error !== ROLLBACK) throw error;
        });
      return new Promise<T>((resolve, reject) => push((trx) => work(trx).then(resolve, reject)));
    },
    async rollback() {
      if (!finished) return;
      push(null);
      await finished;
    },
  };
}

/** Custom functions: the profile permission `automation` (like workflow rules) or administrators. */
export function createFunctionService(ctx: AppContext, deps: { metadata: MetadataStore; runner: FunctionRunner }) {
  const { database } = ctx;

  async function load(auth: AuthContext, id: string): Promise<FunctionRow> {
    const row = await findFunction(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The function');
    return row;
  }

  async function check(auth: AuthContext, row: FunctionRow): Promise<FunctionRow> {
    const name = row.name.trim();
    if (!name) throw badRequest('Name the function.', 'name');
    const error = await syntaxError(row.code);
    if (error)
      throw new AppError(
        'validation_failed',
        error.line ? `Syntax error on line ${error.line}: ${error.message}` : `Syntax error: ${error.message}`,
        { field: 'code', reason: 'syntax', line: error.line },
      );
    if (!(await findPerson(database.db, auth.orgId, row.owner_id)))
      throw badRequest('No active user of your organization has this id.', 'ownerId');
    return { ...row, name, allowed_hosts: [...new Set(row.allowed_hosts.map((host) => host.toLowerCase()))] };
  }

  async function save(auth: AuthContext, row: FunctionRow, insert: boolean) {
    try {
      await (insert ? insertFunction : updateFunction)(database.db, auth.orgSchema, row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', `A function named "${row.name}" exists already.`, { field: 'name', reason: 'unique' });
      throw error;
    }
    return presentFunction(row);
  }

  return {
    async list(auth: AuthContext) {
      assertAllowed(auth, 'read');
      return (await listFunctions(database.db, auth.orgSchema)).map(presentFunction);
    },

    async get(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      return presentFunction(await load(auth, id));
    },

    async create(auth: AuthContext, body: CreateFunctionBody) {
      assertAllowed(auth, 'manage');
      const now = ctx.now();
      const row = await check(auth, {
        id: newId(),
        name: body.name,
        description: body.description?.trim() || null,
        code: body.code,
        allowed_hosts: body.allowedHosts ?? [],
        timeout_ms: body.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        memory_mb: body.memoryMb ?? DEFAULT_MEMORY_MB,
        owner_id: body.ownerId ?? auth.userId,
        created_by: auth.userId,
        created_at: now,
        updated_at: now,
      });
      return save(auth, row, true);
    },

    async update(auth: AuthContext, id: string, body: UpdateFunctionBody) {
      assertAllowed(auth, 'manage');
      const current = await load(auth, id);
      const row = await check(auth, {
        ...current,
        name: body.name ?? current.name,
        description: body.description === undefined ? current.description : body.description?.trim() || null,
        code: body.code ?? current.code,
        allowed_hosts: body.allowedHosts ?? current.allowed_hosts,
        timeout_ms: body.timeoutMs ?? current.timeout_ms,
        memory_mb: body.memoryMb ?? current.memory_mb,
        owner_id: body.ownerId ?? current.owner_id,
        updated_at: ctx.now(),
      });
      return save(auth, row, false);
    },

    async remove(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      await load(auth, id);
      if (await functionInUse(database.db, auth.orgSchema, id))
        throw new AppError('conflict', 'A schedule runs this function: change or delete the schedule first.', { reason: 'in_use' });
      await deleteFunction(database.db, auth.orgSchema, id);
    },

    /** Runs the function on a record as its owner; its record writes are rolled back, its run is logged (trigger `test`). */
    async test(auth: AuthContext, id: string, body: TestFunctionBody) {
      assertAllowed(auth, 'manage');
      const fn = await load(auth, id);
      const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
      let record = null;
      if (body.recordId || body.module) {
        if (!body.recordId || !body.module)
          throw badRequest('Send the record’s module and id together.', body.module ? 'recordId' : 'module');
        const module = metadata.modules.get(body.module);
        if (!module || module.hidden) throw badRequest(`Unknown module "${body.module}".`, 'module');
        record = await deps.runner.recordInput(database.db, auth.orgId, metadata, fn, module.apiName, body.recordId);
        if (!record) throw notFound('The record');
      }
      const trx = rolledBackTransaction(database, 'automation.function-test');
      const functionInput = { trigger: 'test' as const, record, changes: null, source: { type: 'test' as const, id: null, name: null } };
      let outcome;
      try {
        outcome = await deps.runner.run({
          orgId: auth.orgId,
          metadata,
          fn,
          ownerId: fn.owner_id,
          within: (work) => trx.within(work),
          reader: database.db,
          log: null,
          functionInput,
          depth: 0,
        });
      } finally {
        await trx.rollback();
      }
      // Logged once the transaction is gone (on the embedded database it holds the only connection).
      const { runId: _unused, ...run } = outcome;
      const runId = await deps.runner.logRun(database.db, auth.orgSchema, fn, functionInput, run);
      return { id: runId, trigger: 'test', recordId: record?.id ?? null, ...run };
    },

    async runs(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      await load(auth, id);
      return (await listRuns(database.db, auth.orgSchema, id, 50)).map(presentRun);
    },
  };
}

export type FunctionService = ReturnType<typeof createFunctionService>;
