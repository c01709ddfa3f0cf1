import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGlitePgConfig } from '@electric-sql/pglite/node-postgres';

export class DamagedDataFolderError extends Error {}

export interface EmbeddedPostgres {
  pglite: PGlite;
  pgConfig: PGlitePgConfig;
  /** Writes a tar.gz of the database files; the caller makes sure nothing writes meanwhile. */
  dumpTo(file: string): Promise<number>;
  close(): Promise<void>;
}

/** The PostgreSQL major version PGlite embeds: a folder written by another major cannot be opened. */
export const EMBEDDED_PG_MAJOR = '18';

/**
 * Memory settings for the one in-process backend. PostgreSQL's defaults assume
 * a dedicated machine (initdb writes shared_buffers=128MB); here every buffer
 * lives in the server's own memory. The OS page cache still holds the files,
 * so a small buffer pool costs little speed. (PGlite's WebAssembly memory
 * cannot start below 128 MB, but only the pages it touches count.)
 */
const MEMORY_PARAMS = ['-c', 'shared_buffers=16MB', '-c', 'work_mem=4MB', '-c', 'maintenance_work_mem=16MB', '-c', 'temp_buffers=2MB'];

const DEFAULT_START_PARAMS = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
];

const START_PARAMS = [...DEFAULT_START_PARAMS, ...MEMORY_PARAMS];

/**
 * Contrib extensions the embedded engine loads (global search: trigram
 * matching and accent folding). A database that has them installed must be
 * opened with them loaded, so every PGlite here gets the same list.
 */
const EXTENSIONS = { pg_trgm, unaccent };
const EXTENSION_MODULES = ['@electric-sql/pglite/contrib/pg_trgm', '@electric-sql/pglite/contrib/unaccent'];

/** Files and folders every PostgreSQL data folder has. */
const REQUIRED_ENTRIES = ['base', 'global/pg_control', 'pg_wal', 'pg_xact'];

const RESTORE_ADVICE =
  'Move the folder aside, then start with RESTORE_FROM=<the latest backup> (`npm run backup` writes them to DATA_DIR/backups), ' +
  'or without it to start with a new, empty database.';

/**
 * Checks a database folder before PGlite opens it. Returns whether it holds a
 * database (false: empty or missing, a new one will be created); throws
 * DamagedDataFolderError, with advice, when it cannot be a sound database.
 */
export function inspectDataFolder(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  if (!fs.statSync(dir).isDirectory())
    throw new DamagedDataFolderError(`The database folder ${dir} is a file, not a folder. Move it aside and start again.`);
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return false;
  const versionFile = path.join(dir, 'PG_VERSION');
  if (!fs.existsSync(versionFile)) {
    throw new DamagedDataFolderError(
      `The database folder ${dir} is not empty but holds no database (PG_VERSION is missing). ` +
        `It may be damaged or belong to something else. ${RESTORE_ADVICE}`,
    );
  }
  const version = fs.readFileSync(versionFile, 'utf8').trim();
  if (version !== EMBEDDED_PG_MAJOR) {
    throw new DamagedDataFolderError(
      `The database folder ${dir} says it was written by PostgreSQL ${JSON.stringify(version)}, but Clave embeds PostgreSQL ${EMBEDDED_PG_MAJOR}. ` +
        `If it comes from an older Clave, start that version and make a backup with \`npm run backup\`, then restore it here. ${RESTORE_ADVICE}`,
    );
  }
  const missing = REQUIRED_ENTRIES.filter((entry) => !fs.existsSync(path.join(dir, entry)));
  const control = path.join(dir, 'global/pg_control');
  if (!missing.includes('global/pg_control') && fs.statSync(control).size !== 8192) missing.push('global/pg_control (wrong size)');
  if (missing.length > 0) {
    throw new DamagedDataFolderError(`The embedded database in ${dir} is damaged: ${missing.join(', ')} missing. ${RESTORE_ADVICE}`);
  }
  return true;
}

/** True for errors that mean the database files are damaged (rather than a bug or bad input). */
export function isDataCorruptionError(error: unknown): boolean {
  if (error instanceof WebAssembly.RuntimeError) return true; // PGlite aborts on some unreadable files
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('XX') || code === '58P01' || code === '58030')) return true;
  return /could not (read|open|access|stat) (block|file)|invalid page in block|checksum/i.test(String((error as Error)?.message ?? ''));
}

/** Wraps an error met while opening or migrating the embedded database in advice when it means damaged files. */
export function damagedFolderError(dir: string, error: unknown): DamagedDataFolderError {
  return new DamagedDataFolderError(
    `The embedded database in ${dir} could not be read (${(error as Error)?.message ?? error}). ` +
      `It may be damaged, for example by a crash, a full disk or two servers using it at once. ${RESTORE_ADVICE}`,
  );
}

// The script that creates a database folder in a child process (see createDatabaseFolder).
// A new database is made in memory, where initdb writes its files directly,
// and written out from a tar dump: twice as fast as initdb on a folder.
const CREATE_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const [pglitePath, extensionPaths, target, startParams, source] = process.argv.slice(1);
const { PGlite } = require(pglitePath);
const extensions = Object.assign({}, ...JSON.parse(extensionPaths).map((file) => require(file)));

/** Writes the regular files and folders of a ustar archive under dir. */
function extract(tar, dir) {
  const text = (start, length) => tar.toString('utf8', start, start + length).replace(/\\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    if (tar[offset] === 0) break;
    const name = [text(offset + 345, 155), text(offset, 100)].filter(Boolean).join('/');
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[offset + 156] || 48);
    const file = path.join(dir, name);
    if (!file.startsWith(dir)) throw new Error('unexpected path in the database dump: ' + name);
    if (type === '5') fs.mkdirSync(file, { recursive: true, mode: 0o700 });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, tar.subarray(offset + 512, offset + 512 + size), { mode: 0o600 });
    } else throw new Error('unexpected entry type ' + type + ' in the database dump');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

(async () => {
  if (source) {
    const pg = await PGlite.create({ dataDir: target, loadDataDir: new Blob([fs.readFileSync(source)]), startParams: JSON.parse(startParams), extensions });
    await pg.query('SELECT 1');
    await pg.close();
    return;
  }
  const pg = await PGlite.create({ startParams: JSON.parse(startParams), extensions });
  await pg.query('CHECKPOINT');
  const dump = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
  await pg.close();
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  extract(dump, target);
})().catch((error) => {
  process.stderr.write(String(error && error.message || error));
  process.exit(1);
});`;

/**
 * Creates the database folder `dir` — a new database, or the contents of a
 * backup (a .tar.gz from `npm run backup`, or a copied database folder). It
 * is built beside `dir` and renamed into place only when complete, so an
 * interrupted start never leaves half a database. A new database is made in
 * a child process: initdb and the copy PGlite makes of its result take a few
 * hundred MB that a long-running server would otherwise keep.
 */
async function createDatabaseFolder(dir: string, source?: string): Promise<void> {
  const building = `${dir}.creating`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (source && fs.statSync(source).isDirectory()) {
    fs.cpSync(source, building, { recursive: true });
    inspectDataFolder(building);
  } else {
    const require = createRequire(import.meta.url);
    const pglitePath = require.resolve('@electric-sql/pglite');
    const extensionPaths = JSON.stringify(EXTENSION_MODULES.map((name) => require.resolve(name)));
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', CREATE_SCRIPT, pglitePath, extensionPaths, building, JSON.stringify(START_PARAMS), ...(source ? [source] : [])],
        { timeout: 10 * 60_000, maxBuffer: 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (!error) return resolve();
          const reason = stderr.trim() || error.message;
          reject(
            source
              ? new DamagedDataFolderError(`The backup ${source} could not be restored: ${reason}`)
              : new Error(`Creating the embedded database in ${dir} failed: ${reason}`),
          );
        },
      );
    });
  }
  if (fs.existsSync(dir)) fs.rmdirSync(dir); // empty (checked by the caller)
  fs.renameSync(building, dir);
}

/**
 * Opens the embedded database on a folder (or in memory with `memory://`).
 * A folder without a database gets a new one, or the backup `restoreFrom`; a
 * damaged folder is refused with advice (DamagedDataFolderError).
 */
export async function openEmbeddedPostgres(options: { dir: string; snapshot?: Blob; restoreFrom?: string }): Promise<EmbeddedPostgres> {
  const inMemory = options.dir.startsWith('memory://');
  let pglite: PGlite;
  if (inMemory) {
    pglite = await PGlite.create({ loadDataDir: options.snapshot, startParams: START_PARAMS, extensions: EXTENSIONS });
  } else {
    if (!inspectDataFolder(options.dir)) await createDatabaseFolder(options.dir, options.restoreFrom);
    try {
      pglite = await PGlite.create({ dataDir: options.dir, startParams: START_PARAMS, extensions: EXTENSIONS });
      await pglite.query('SELECT 1');
    } catch (error) {
      throw damagedFolderError(options.dir, error);
    }
  }
  return {
    pglite,
    pgConfig: new PGlitePgConfig({ pglite: coalescingProtocol(pglite) }),
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

// Extended-protocol messages that expect no answer before the next Sync or Flush.
const DEFERRABLE = new Set(['P', 'B', 'D', 'E', 'C'].map((letter) => letter.charCodeAt(0)));

function lastMessageType(message: Uint8Array): number {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  let offset = 0;
  let type = 0;
  while (offset + 5 <= message.length) {
    type = message[offset]!;
    offset += 1 + view.getInt32(offset + 1);
  }
  return type;
}

/**
 * node-postgres sends a prepared query as separate Bind, Describe, Execute and
 * Sync messages (a socket would batch them). PGlite's adapter hands each one
 * to the engine on its own, a full round trip each. This keeps the messages
 * that need no answer yet and hands them over with the next Sync or Flush, in
 * one call: the same messages, in the same order, in a quarter of the trips.
 */
function coalescingProtocol(pglite: PGlite): PGlite {
  let pending: Uint8Array[] = [];
  const execProtocolStream: PGlite['execProtocolStream'] = (message, options) => {
    if (DEFERRABLE.has(lastMessageType(message))) {
      pending.push(message);
      return Promise.resolve([]);
    }
    const batch = pending.length > 0 ? Buffer.concat([...pending, message]) : message;
    pending = [];
    return pglite.execProtocolStream(batch, options);
  };
  return { waitReady: pglite.waitReady, execProtocolStream } as unknown as PGlite;
}
