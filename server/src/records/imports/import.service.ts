import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { stringify } from 'csv-stringify';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import { beatSeconds } from '../../platform/jobs/jobs.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import { assertModuleAction, loadRecordScopes } from '../../platform/access/access.service.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { RecordsModule } from '../index.js';
import type { FieldMeta } from '../metadata/metadata.types.js';
import { getModule, viewOf, type ModuleView } from '../records/record-access.js';
import { qualifiedTable } from '../metadata/ddl.js';
import { withSavepoint, type FieldError } from '../records/record-write.js';
import { countRows, readPreview, readRows, type FileRow, type FileType } from './import-file.js';
import { convertRow, mappableFields, suggestMapping, type Mapping, type UserDirectory } from './import-mapping.js';
import {
  addProgress,
  beatImport,
  claimStaleImports,
  finishImport,
  findImport,
  findImportById,
  findRecordsByKey,
  findRememberedMapping,
  insertImport,
  insertImportErrors,
  listActiveUsers,
  listImportErrors,
  listImports,
  lockImportProgress,
  releaseImport,
  rememberMapping,
  startImport,
  updateImport,
  type ImportRow,
} from './import.repository.js';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    'records.import': { importId: string };
  }
}

export const IMPORT_JOB = 'records.import';
/** The look for imports whose runner went silent (every node that runs workers, jobs.every). */
export const IMPORT_RECOVERY = 'records.import-recovery';
export const IMPORT_MODES = ['create', 'update', 'upsert', 'skip'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
/** Rows written per transaction: other requests get their turn between batches. */
export const IMPORT_BATCH = 500;
/** Rows written before the first statistics refresh (then at 4×, 16×…). */
const ANALYZE_FIRST_AT = 2_000;
/** Per-row errors shown by GET /imports/{id} (all of them are in the error report). */
const SHOWN_ERRORS = 1000;
const KEY_TYPES = new Set(['text', 'email', 'phone', 'url', 'integer', 'auto_number']);

export interface UploadedFile {
  path: string;
  name: string;
  type: FileType;
}

export interface StartInput {
  module: string;
  mode: ImportMode;
  key?: string;
  mapping?: Mapping;
  dryRun: boolean;
}

type RowOutcome = 'created' | 'updated' | 'skipped' | 'failed';

/** Why a runner stops before the end without failing the import. */
class RunnerStopped extends Error {
  constructor(readonly why: 'stopping' | 'superseded') {
    super(why);
  }
}

export function createImportService(ctx: AppContext, records: RecordsModule) {
  const { database } = ctx;
  const folder = () => path.join(ctx.config.dataDir, 'imports');
  const storedPath = (id: string, type: FileType) => path.join(folder(), `${id}.${type}`);

  /** The module for an import: the profile's "import" permission, plus create and/or edit as the mode needs (403). */
  async function importView(auth: AuthContext, moduleName: string, mode: ImportMode | null): Promise<ModuleView> {
    const metadata = await records.metadata.get(auth.orgId, auth.orgSchema);
    const module = getModule(metadata, moduleName);
    assertModuleAction(auth, module.apiName, 'import');
    if (mode && mode !== 'update') assertModuleAction(auth, module.apiName, 'create');
    if (mode === 'update' || mode === 'upsert') assertModuleAction(auth, module.apiName, 'edit');
    return viewOf(auth, metadata, module);
  }

  /** A folder for uploads under the data folder. */
  async function uploadPath(): Promise<string> {
    await fs.promises.mkdir(folder(), { recursive: true });
    return path.join(folder(), `upload-${newId()}`);
  }

  async function preview(auth: AuthContext, moduleName: string, file: UploadedFile) {
    try {
      const view = await importView(auth, moduleName, null);
      const { headers, rows } = await readFileStart(file);
      const remembered = await findRememberedMapping(database.db, auth.orgId, view.module.apiName);
      const { mapping, unmapped } = suggestMapping(headers, view, remembered);
      return {
        headers,
        rows,
        mapping,
        unmapped,
        fields: [
          { apiName: 'id', label: 'Id', type: 'id' },
          ...mappableFields(view).map((f) => ({ apiName: f.apiName, label: f.labels[auth.language === 'es' ? 'es' : 'en'], type: f.type })),
        ],
      };
    } finally {
      await fs.promises.rm(file.path, { force: true });
    }
  }

  async function readFileStart(file: UploadedFile) {
    let start: { headers: string[]; rows: string[][] };
    try {
      start = await readPreview(file.path, file.type);
    } catch {
      throw new AppError('unsupported_media_type', 'The file could not be read as CSV or XLSX.', { field: 'file' });
    }
    if (start.headers.length === 0 || start.headers.every((h) => h === ''))
      throw badRequest('The file is empty: its first row must name the columns.', 'file');
    return start;
  }

  function checkKey(view: ModuleView, mode: ImportMode, key: string | undefined): string | null {
    if (!key) {
      if (mode !== 'create') throw badRequest(`Mode "${mode}" needs a "key" field that finds existing records.`, 'key');
      return null;
    }
    if (key !== 'id') {
      const field = view.byName.get(key);
      if (!field || !KEY_TYPES.has(field.type))
        throw badRequest('"key" must be id or a visible text, e-mail, phone or number field.', 'key');
    }
    return key;
  }

  function checkMapping(view: ModuleView, headers: string[], mapping: Mapping): { mapping: Mapping; unmapped: string[] } {
    const allowed = new Set(['id', ...mappableFields(view).map((f) => f.apiName)]);
    const used = new Set<string>();
    const result: Mapping = {};
    for (const header of headers) {
      const target = mapping[header] ?? null;
      if (target !== null) {
        if (typeof target !== 'string' || !allowed.has(target))
          throw badRequest(`Column "${header}" is mapped to "${String(target)}", which is not a field you can import into.`, 'mapping');
        if (used.has(target)) throw badRequest(`Two columns are mapped to "${target}".`, 'mapping');
        used.add(target);
      }
      result[header] = target;
    }
    return { mapping: result, unmapped: headers.filter((h) => !result[h]) };
  }

  async function start(auth: AuthContext, input: StartInput, file: UploadedFile): Promise<{ id: string }> {
    try {
      if (!IMPORT_MODES.includes(input.mode)) throw badRequest('"mode" is create, update, upsert or skip.', 'mode');
      const view = await importView(auth, input.module, input.mode);
      const key = checkKey(view, input.mode, input.key);
      const { headers } = await readFileStart(file);
      const remembered = await findRememberedMapping(database.db, auth.orgId, view.module.apiName);
      const { mapping, unmapped } = checkMapping(view, headers, input.mapping ?? suggestMapping(headers, view, remembered).mapping);
      if (key && key !== 'id' && !Object.values(mapping).includes(key)) throw badRequest(`No column is mapped to the key "${key}".`, 'key');
      if (key === 'id' && !Object.values(mapping).includes('id')) throw badRequest('No column is mapped to the key "id".', 'key');
      const id = newId();
      await fs.promises.rename(file.path, storedPath(id, file.type));
      try {
        await database.transaction('imports.start', async (trx) => {
          await insertImport(trx, {
            id,
            org_id: auth.orgId,
            user_id: auth.userId,
            module: view.module.apiName,
            file_name: file.name.slice(0, 255),
            file_type: file.type,
            mode: input.mode,
            key_field: key,
            dry_run: input.dryRun,
            mapping,
            headers,
            unmapped,
            created_at: ctx.now(),
          });
          if (!input.dryRun) await rememberMapping(trx, auth.orgId, view.module.apiName, mapping, ctx.now());
          await queueRun(trx, id);
        });
      } catch (error) {
        await fs.promises.rm(storedPath(id, file.type), { force: true });
        throw error;
      }
      return { id };
    } finally {
      await fs.promises.rm(file.path, { force: true });
    }
  }

  /** An import of the caller's organization that the caller started (administrators: any). */
  async function visibleImport(auth: AuthContext, id: string): Promise<ImportRow> {
    const row = await findImport(database.db, auth.orgId, id);
    if (!row || (!auth.isAdmin && row.user_id !== auth.userId)) throw notFound('The import');
    return row;
  }

  async function get(auth: AuthContext, id: string) {
    const row = await visibleImport(auth, id);
    const failedRows = await listImportErrors(database.db, id, 0, SHOWN_ERRORS);
    const errors = failedRows.flatMap((r) =>
      (r.errors as FieldError[]).map((e) => ({ row: r.row_number, field: e.field, message: e.message })),
    );
    return { ...present(row), errors: errors.slice(0, SHOWN_ERRORS), errorsTruncated: row.failed > failedRows.length };
  }

  async function list(auth: AuthContext, module: string | undefined, limit = 50) {
    const rows = await listImports(database.db, auth.orgId, module, limit);
    return { data: rows.filter((r) => auth.isAdmin || r.user_id === auth.userId).map(present) };
  }

  /** The failed rows as CSV: the file's columns and an "Error" column, streamed in pages. */
  async function errorReport(auth: AuthContext, id: string): Promise<{ fileName: string; stream: Readable }> {
    const row = await visibleImport(auth, id);
    const headers = row.headers as string[];
    async function* lines() {
      yield [...headers, 'Error'];
      let after = 0;
      for (;;) {
        const page = await listImportErrors(database.db, id, after, 500);
        for (const failed of page) {
          const cells = failed.cells as string[];
          const padded = headers.map((_, i) => cells[i] ?? '');
          const messages = (failed.errors as FieldError[]).map((e) => e.message).join('; ');
          yield [...padded, `Row ${failed.row_number}: ${messages}`];
        }
        if (page.length < 500) return;
        after = page.at(-1)!.row_number;
      }
    }
    const stream = Readable.from(lines()).pipe(stringify({ bom: true }));
    return { fileName: `${row.file_name.replace(/\.[a-z]+$/i, '')}-errors.csv`, stream };
  }

  // ---- The background job -------------------------------------------------------------------

  function queueRun(trx: Trx, importId: string) {
    return ctx.jobs.send(IMPORT_JOB, { importId }, { trx, expireInSeconds: 6 * 3600, retryLimit: 2 });
  }

  async function fail(row: ImportRow, message: string) {
    await finishImport(database.db, row.id, { status: 'failed', message, finished_at: ctx.now() });
    await fs.promises.rm(storedPath(row.id, row.file_type), { force: true });
  }

  /**
   * Queues a run of every unfinished import whose runner has been silent for WORKER_STALE_SECONDS (its node died, or
   * stopped in the middle): it resumes after the last batch written. Run by every node that runs workers, right
   * after start and then every half of that time (at most every 30 s); returns the imports queued.
   */
  async function recover(): Promise<string[]> {
    return database.transaction('imports.recover', async (trx) => {
      const ids = await claimStaleImports(trx, ctx.config.workerStaleSeconds);
      for (const id of ids) await queueRun(trx, id);
      return ids;
    });
  }

  /**
   * Runs an import: streams the file, batch by batch, each batch in its own transaction (resumes after a crash).
   * The runner beats on the import's row while it runs; `signal` (the node stopping) ends it after the batch being
   * written, leaving the import for the next look (`recover`).
   */
  async function run(importId: string, signal?: AbortSignal): Promise<void> {
    const row = await findImportById(database.db, importId);
    if (!row || row.status === 'done' || row.status === 'failed') return;
    const file = storedPath(row.id, row.file_type);
    const auth = await toAuthContext(database.db, row.user_id, 'token');
    if (!auth) return fail(row, 'The person who started the import is no longer active.');
    let view: ModuleView;
    try {
      view = await importView(auth, row.module, row.mode);
    } catch (error) {
      return fail(row, error instanceof AppError ? error.message : 'The module cannot be imported into.');
    }
    if (!fs.existsSync(file)) {
      // Every row written and the file removed, but the runner stopped (or has not yet got) to saying so: read afresh,
      // as another runner may have just finished.
      const current = (await findImportById(database.db, row.id)) ?? row;
      if (current.total_rows !== null && current.rows_read >= current.total_rows)
        return finishImport(database.db, row.id, { status: 'done', finished_at: ctx.now() });
      return fail(row, 'The uploaded file is no longer there.');
    }
    // A sign of life every quarter of the staleness limit, besides the one each batch writes.
    let beating: Promise<void> = Promise.resolve();
    const beats = setInterval(
      () => {
        beating = beatImport(database.db, row.id).catch(() => undefined);
      },
      beatSeconds(ctx.config.workerStaleSeconds) * 1000,
    );
    beats.unref();
    try {
      if (!(await startImport(database.db, row.id, ctx.now()))) return; // another runner finished it meanwhile
      if (row.total_rows === null) await updateImport(database.db, row.id, { total_rows: await countRows(file, row.file_type) });
      const headers = row.headers as string[];
      const mapping = row.mapping as Mapping;
      const columns: Array<{ index: number; field: FieldMeta | 'id' }> = [];
      headers.forEach((header, index) => {
        const target = mapping[header];
        if (target === 'id') columns.push({ index, field: 'id' });
        else if (target && view.byName.has(target)) columns.push({ index, field: view.byName.get(target)! });
      });
      const users = await userDirectory(auth.orgId);
      let done = row.rows_read;
      let seen = -1; // the header is not a data row
      let batch: FileRow[] = [];
      let nextAnalyze = ANALYZE_FIRST_AT;
      const flush = async () => {
        if (batch.length === 0) return;
        if (signal?.aborted) throw new RunnerStopped('stopping');
        const rowsRead = done + batch.length;
        const written = await database.transaction('imports.batch', async (trx) => {
          // Another runner of the same import (a job run again after a crash while this one still runs) writes each
          // batch once: the first to lock the row moves rows_read on, and the other finds it moved and stops.
          const progress = await lockImportProgress(trx, row.id);
          if (!progress || progress.status !== 'running' || progress.rows_read !== done) return false;
          await writeBatch(trx, row, auth, view, columns, users, batch, rowsRead);
          return true;
        });
        if (!written) throw new RunnerStopped('superseded');
        // The planner's statistics follow the import: a table that was small when last analyzed gets
        // sequential scans (the duplicate check's key lookups) that grow with every batch.
        if (rowsRead >= nextAnalyze) {
          await refreshStatistics(view);
          while (nextAnalyze <= rowsRead) nextAnalyze *= 4;
        }
        done = rowsRead;
        batch = [];
      };
      for await (const fileRow of readRows(file, row.file_type)) {
        seen++;
        if (seen === 0 || seen <= done) continue; // the header, and rows written before a restart
        batch.push(fileRow);
        if (batch.length >= IMPORT_BATCH) await flush();
      }
      await flush();
      await updateImport(database.db, row.id, { total_rows: done });
      await fs.promises.rm(file, { force: true });
      await finishImport(database.db, row.id, { status: 'done', finished_at: ctx.now() });
    } catch (error) {
      if (error instanceof RunnerStopped) {
        // Superseded: the other runner goes on. Stopping: the next look (here after a restart, or another node) resumes it.
        if (error.why === 'stopping') {
          // No beat may land after the release.
          clearInterval(beats);
          await beating;
          await releaseImport(database.db, row.id);
        }
        return;
      }
      const message = error instanceof AppError ? error.message : 'The file could not be read to the end.';
      await fail(row, message);
    } finally {
      clearInterval(beats);
    }
  }

  /**
   * Only the module table's size and the columns the duplicate check joins on: a whole-table ANALYZE also samples
   * every expression index (the search indexes' normalized names, e-mails, phones), over a second per call on a large
   * table, and autovacuum does that later anyway.
   */
  async function refreshStatistics(view: ModuleView) {
    const schema = view.metadata.schema;
    await sql
      .raw(`ANALYZE ${qualifiedTable(schema, view.module.table)} (id, owner_id, deleted_at), ${qualifiedTable(schema, '_duplicate_keys')}`)
      .execute(database.db);
  }

  async function userDirectory(orgId: string): Promise<UserDirectory> {
    const byText = new Map<string, string>();
    for (const user of await listActiveUsers(database.db, orgId)) {
      byText.set(user.id.toLowerCase(), user.id);
      byText.set(user.name.trim().toLowerCase(), byText.get(user.name.trim().toLowerCase()) ?? user.id);
      if (user.email) byText.set(user.email.toLowerCase(), user.id);
    }
    return { find: (text) => byText.get(text.trim().toLowerCase()) };
  }

  async function writeBatch(
    trx: Trx,
    row: ImportRow,
    auth: AuthContext,
    view: ModuleView,
    columns: Array<{ index: number; field: FieldMeta | 'id' }>,
    users: UserDirectory,
    batch: FileRow[],
    rowsRead: number,
  ) {
    const { mode } = row;
    const key = row.key_field;
    const scopes = await loadRecordScopes(trx, auth);
    const items = batch.map((fileRow) => ({
      ...fileRow,
      ...convertRow(fileRow.cells, columns, { timeZone: auth.timeZone, users, importerId: auth.userId }),
      outcome: null as RowOutcome | null,
    }));
    const keyOf = (values: Record<string, unknown>) => {
      const value = key ? values[key] : undefined;
      return value === undefined || value === null || value === '' ? undefined : String(value).trim().toLowerCase();
    };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const existing = new Map<string, string | 'ambiguous'>();
    if (key) {
      const wanted = [...new Set(items.filter((i) => i.errors.length === 0).map((i) => keyOf(i.values)))].filter(
        (k): k is string => k !== undefined && (key !== 'id' || uuid.test(k)),
      );
      const readScope = scopes(view.module.apiName).read;
      const found = await findRecordsByKey(
        trx,
        { schema: view.metadata.schema, table: view.module.table, key },
        wanted,
        readScope.all ? null : readScope.ownerIds,
      );
      for (const match of found) existing.set(match.key, existing.has(match.key) ? 'ambiguous' : match.id);
    }
    const toCreate: Array<{ index: number; values: unknown }> = [];
    const toUpdate: Array<{ index: number; id: string }> = [];
    const inFile = new Set<string>();
    items.forEach((item, index) => {
      if (item.errors.length > 0) return;
      const k = keyOf(item.values);
      const match = k === undefined ? undefined : existing.get(k);
      const repeated = k !== undefined && inFile.has(k);
      if (k !== undefined) inFile.add(k);
      const keyError = (message: string) => item.errors.push({ field: key, message });
      if (match === 'ambiguous') return keyError(`More than one record has this ${key}.`);
      if (mode === 'update' || mode === 'upsert') {
        if (match) return toUpdate.push({ index, id: match });
        if (mode === 'update')
          return keyError(k === undefined ? `${key} is empty: it finds the record to update.` : `No record with this ${key}.`);
      } else if (match || repeated) {
        if (mode === 'skip') return void (item.outcome = 'skipped');
        return keyError(`duplicate: a record with this ${key} already exists${match ? '' : ' (earlier in the file)'}.`);
      }
      if (repeated) return keyError(`duplicate: this ${key} is already earlier in the file.`);
      const values = { ...item.values };
      delete values.id;
      toCreate.push({ index, values });
    });

    if (row.dry_run) await sql`SAVEPOINT import_dry_run`.execute(trx);
    for (const result of await records.records.createMany(trx, auth, view, scopes, toCreate)) {
      const item = items[result.index]!;
      if (result.status === 'error') item.errors.push(...result.errors.map((e) => ({ field: e.field, message: e.message })));
      else item.outcome = 'created';
    }
    for (const update of toUpdate) {
      const item = items[update.index]!;
      const values = { ...item.values };
      delete values.id;
      if (key && key !== 'id') delete values[key];
      try {
        await withSavepoint(trx, () => records.records.updateOne(trx, auth, view, scopes, update.id, values));
        item.outcome = 'updated';
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const details = error.details as { errors?: FieldError[] } | undefined;
        item.errors.push(
          ...(details?.errors ?? [{ field: null, message: error.message }]).map((e) => ({ field: e.field, message: e.message })),
        );
      }
    }
    if (row.dry_run) await sql`ROLLBACK TO SAVEPOINT import_dry_run`.execute(trx);

    const failed = items.filter((item) => item.errors.length > 0);
    await insertImportErrors(
      trx,
      row.id,
      failed.map((item) => ({ row: item.row, errors: item.errors, cells: item.cells })),
    );
    const count = (outcome: RowOutcome) => items.filter((item) => item.errors.length === 0 && item.outcome === outcome).length;
    await addProgress(trx, row.id, {
      rowsRead,
      created: count('created'),
      updated: count('updated'),
      skipped: count('skipped'),
      failed: failed.length,
      warnings: items.filter((item) => item.errors.length === 0).reduce((sum, item) => sum + item.warnings, 0),
    });
  }

  return { uploadPath, preview, start, get, list, errorReport, run, recover };
}

function present(row: ImportRow) {
  return {
    id: row.id,
    module: row.module,
    fileName: row.file_name,
    fileType: row.file_type,
    status: row.status,
    message: row.message,
    mode: row.mode,
    key: row.key_field,
    dryRun: row.dry_run,
    mapping: row.mapping as Mapping,
    unmappedColumns: row.unmapped as string[],
    progress: { rowsRead: row.rows_read, totalRows: row.total_rows },
    counts: { created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed, warnings: row.warnings },
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

export type ImportService = ReturnType<typeof createImportService>;
