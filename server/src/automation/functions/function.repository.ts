import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';

/** SQL on the custom-function tables of an organization's schema (org migration 0019-automation-functions). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface FunctionRow {
  id: string;
  name: string;
  description: string | null;
  code: string;
  allowed_hosts: string[];
  timeout_ms: number;
  memory_mb: number;
  owner_id: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface FunctionRunRow {
  id: string;
  function_id: string;
  trigger: 'test' | 'workflow' | 'schedule';
  source_id: string | null;
  record_id: string | null;
  status: 'done' | 'failed';
  input: unknown;
  logs: string[];
  result: unknown;
  error: string | null;
  duration_ms: number;
  memory_bytes: string | number | null;
  created_at: Date;
}

export async function listFunctions(executor: Executor, schema: string): Promise<FunctionRow[]> {
  const result = await sql<FunctionRow>`SELECT * FROM ${t(schema, 'automation_functions')} ORDER BY lower(name), id LIMIT 500`.execute(
    executor,
  );
  return result.rows;
}

export async function findFunction(executor: Executor, schema: string, id: string): Promise<FunctionRow | undefined> {
  const result = await sql<FunctionRow>`SELECT * FROM ${t(schema, 'automation_functions')} WHERE id = ${id}`.execute(executor);
  return result.rows[0];
}

export async function findFunctionByName(executor: Executor, schema: string, name: string): Promise<FunctionRow | undefined> {
  const result = await sql<FunctionRow>`SELECT * FROM ${t(schema, 'automation_functions')} WHERE lower(name) = lower(${name})`.execute(
    executor,
  );
  return result.rows[0];
}

export async function insertFunction(executor: Executor, schema: string, row: FunctionRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_functions')}
      (id, name, description, code, allowed_hosts, timeout_ms, memory_mb, owner_id, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.name}, ${row.description}, ${row.code}, ${row.allowed_hosts}::text[], ${row.timeout_ms}, ${row.memory_mb},
            ${row.owner_id}, ${row.created_by}, ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateFunction(executor: Executor, schema: string, row: FunctionRow): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_functions')}
    SET name = ${row.name}, description = ${row.description}, code = ${row.code}, allowed_hosts = ${row.allowed_hosts}::text[],
        timeout_ms = ${row.timeout_ms}, memory_mb = ${row.memory_mb}, owner_id = ${row.owner_id}, updated_at = ${row.updated_at}
    WHERE id = ${row.id}`.execute(executor);
}

export async function deleteFunction(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_functions')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Whether a schedule runs the function (it cannot be deleted then). */
export async function functionInUse(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`SELECT 1 FROM ${t(schema, 'automation_schedules')} WHERE function_id = ${id} LIMIT 1`.execute(executor);
  return result.rows.length > 0;
}

export async function insertRun(executor: Executor, schema: string, row: Omit<FunctionRunRow, 'created_at'> & { created_at: Date }) {
  await sql`INSERT INTO ${t(schema, 'automation_function_runs')}
      (id, function_id, trigger, source_id, record_id, status, input, logs, result, error, duration_ms, memory_bytes, created_at)
    VALUES (${row.id}, ${row.function_id}, ${row.trigger}, ${row.source_id}, ${row.record_id}, ${row.status},
            ${JSON.stringify(row.input)}::jsonb, ${JSON.stringify(row.logs)}::jsonb,
            ${row.result === undefined ? null : JSON.stringify(row.result)}::jsonb, ${row.error}, ${row.duration_ms},
            ${row.memory_bytes}, ${row.created_at})`.execute(executor);
}

export async function listRuns(executor: Executor, schema: string, functionId: string, limit: number): Promise<FunctionRunRow[]> {
  const result = await sql<FunctionRunRow>`SELECT * FROM ${t(schema, 'automation_function_runs')} WHERE function_id = ${functionId}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`.execute(executor);
  return result.rows;
}
