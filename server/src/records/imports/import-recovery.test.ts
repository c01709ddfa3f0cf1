import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { multipartBody } from '../../test/multipart.js';
import { waitFor } from '../../test/wait-for.js';
import { getRecords } from '../index.js';
import { createImportService, IMPORT_BATCH, type ImportService } from './import.service.js';

/**
 * An import survives its runner: a runner that stops (its node is stopping) or goes silent (its node died) leaves the
 * import to be queued again and resumed after the last batch written, and two runners of one import never write the
 * same rows. The workers start only in the last test, so the others drive the runners themselves.
 */
let t: TestContext;
let admin: TestUser;
let dataDir: string;
let imports: ImportService;
const ROWS = 1_600;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-import-recovery-'));
  t = await createTestContext({ dataDir, workerStaleSeconds: 2 });
  admin = await t.make.org();
  // The same service the job runs, over the same database: a second runner as another node would have it.
  imports = createImportService(t.app.ctx, getRecords(t.app.ctx));
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Uploads ROWS leads (last names and e-mail addresses with `prefix`); the import stays queued while no worker runs. */
async function queueImport(prefix: string): Promise<string> {
  const lines = ['First Name,Last Name,Email'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Nombre ${i},${prefix}-${i},${prefix}${i}@example.es`);
  const { body, contentType } = await multipartBody({ module: 'leads', mode: 'create' }, { name: 'leads.csv', content: lines.join('\n') });
  const response = await t.request('POST', '/api/v1/imports', { as: admin, body, headers: { 'content-type': contentType } });
  expect(response.statusCode, response.body).toBe(202);
  return response.data.id;
}

const importRow = (id: string) =>
  t.database.db
    .selectFrom('platform.imports')
    .select(['status', 'rows_read', 'created', 'failed', 'heartbeat_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/** How many leads have a last name with `prefix` (each row of an import once: ROWS). */
async function leadCounts(prefix: string) {
  const response = await t.request('POST', '/api/v1/records/leads/query', {
    as: admin,
    body: { filter: { field: 'last_name', op: 'starts_with', value: `${prefix}-` }, limit: 1, count: true },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.data.total.value as number;
}

describe('import runners', () => {
  it('two runners of one import write each batch once: the second finds the row moved on and stops quietly', async () => {
    const id = await queueImport('twice');
    await Promise.all([imports.run(id), imports.run(id)]);
    expect(await importRow(id)).toMatchObject({ status: 'done', rows_read: ROWS, created: ROWS, failed: 0 });
    expect(await leadCounts('twice')).toBe(ROWS);
  });

  it('a runner told to stop ends after a batch; a silent runner’s import is queued again once and resumes where it was', async () => {
    const id = await queueImport('resumed');
    // Queued, its job waiting: nothing to recover.
    expect(await imports.recover()).toEqual([]);

    // The node stops after the first batch is in.
    const stop = new AbortController();
    const running = imports.run(id, stop.signal);
    await waitFor(async () => (await importRow(id)).rows_read >= IMPORT_BATCH, 'the first batch', 30_000, 5);
    stop.abort();
    await running;
    const stopped = await importRow(id);
    expect(stopped.status).toBe('running');
    expect(stopped.rows_read).toBeGreaterThanOrEqual(IMPORT_BATCH);
    expect(stopped.rows_read).toBeLessThan(ROWS);
    expect(await leadCounts('resumed')).toBe(stopped.rows_read);

    // The next look (any node) queues it again, once: no runner has it until the queued run starts.
    expect(await imports.recover()).toEqual([id]);
    expect(await imports.recover()).toEqual([]);
    expect((await importRow(id)).heartbeat_at).toBeNull();

    // The queued run resumes after the last batch written.
    await imports.run(id);
    expect(await importRow(id)).toMatchObject({ status: 'done', rows_read: ROWS, created: ROWS, failed: 0 });
    expect(await leadCounts('resumed')).toBe(ROWS);
  });

  it('an import whose runner went silent for WORKER_STALE_SECONDS is picked up by the workers’ periodic look', async () => {
    const id = await queueImport('silent');
    // A runner that died: running, its last beat long ago, its job lost (only the look can bring it back).
    await sql`DELETE FROM pgboss.job WHERE name = 'records.import'`.execute(t.database.db);
    await sql`UPDATE platform.imports SET status = 'running', heartbeat_at = now() - interval '1 hour' WHERE id = ${id}`.execute(
      t.database.db,
    );
    // The workers start: the look runs right after start.
    await t.app.ctx.jobs.start();
    await waitFor(async () => (await importRow(id)).status === 'done', 'the import to be picked up and finish', 60_000, 50);
    expect(await importRow(id)).toMatchObject({ rows_read: ROWS, created: ROWS, failed: 0 });
    expect(await leadCounts('silent')).toBe(ROWS);
  });
});
