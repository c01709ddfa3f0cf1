import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';

export class DamagedDataFolderError extends Error {}

export interface EmbeddedPostgres {
  pglite: PGlite;
  pgConfig: ReturnType<typeof createPgConfig>;
  /** Writes a consistent copy of the whole database as a tar.gz file. */
  dumpTo(file: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Memory settings for the one in-process backend: small caches keep the idle
 * server small; PostgreSQL's defaults assume a dedicated machine.
 */
const MEMORY_PARAMS = ['-c', 'shared_buffers=16MB', '-c', 'work_mem=4MB', '-c', 'maintenance_work_mem=16MB', '-c', 'temp_buffers=2MB'];

const DEFAULT_START_PARAMS = [
  '--single', '-F', '-O', '-j',
  '-c', 'search_path=public',
  '-c', 'exit_on_error=false',
  '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0',
  '-c', 'max_parallel_workers=0',
  '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'io_method=sync',
  '-c', 'max_parallel_maintenance_workers=0',
];

/** Opens PGlite on a folder (or in memory), detecting a damaged folder with advice. */
export async function openEmbeddedPostgres(options: { dir: string; snapshot?: Blob }): Promise<EmbeddedPostgres> {
  const inMemory = options.dir.startsWith('memory://');
  const existing = !inMemory && fs.existsSync(path.join(options.dir, 'PG_VERSION'));
  if (!inMemory) {
    fs.mkdirSync(options.dir, { recursive: true });
    const entries = fs.readdirSync(options.dir);
    if (!existing && entries.length > 0) {
      throw new DamagedDataFolderError(
        `The database folder ${options.dir} is not empty but holds no database (PG_VERSION is missing). ` +
          'It may be damaged or belong to something else. Move it aside and start again, or restore a backup made with `npm run backup`.',
      );
    }
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: inMemory ? undefined : options.dir,
      loadDataDir: options.snapshot,
      startParams: [...DEFAULT_START_PARAMS, ...MEMORY_PARAMS],
    });
    await pglite.query('select 1');
  } catch (error) {
    if (existing) {
      throw new DamagedDataFolderError(
        `The embedded database in ${options.dir} could not be opened (${(error as Error).message}). ` +
          'It may be damaged, for example by a crash or by two servers using it at once. ' +
          'Restore the latest backup (npm run backup writes them to the backups folder) into an empty DATA_DIR, ' +
          'or move the folder aside to start with a new database.',
      );
    }
    throw error;
  }
  return {
    pglite,
    pgConfig: createPgConfig(pglite),
    async dumpTo(file) {
      const dump = await pglite.dumpDataDir('gzip');
      const bytes = Buffer.from(await dump.arrayBuffer());
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.partial`;
      fs.writeFileSync(partial, bytes);
      fs.renameSync(partial, file);
      return bytes.length;
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}
