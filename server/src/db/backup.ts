import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.js';

export const backupsDir = (dataDir: string) => path.join(dataDir, 'backups');
export const backupRequestFile = (dataDir: string) => path.join(dataDir, 'backup-request.json');
export const embeddedDbDir = (dataDir: string) => path.join(dataDir, 'pg');
/** Written beside the requested backup file when the server could not write it. */
export const backupFailureFile = (file: string) => `${file}.failed`;

export const timestampedName = (prefix: string, now = new Date()) => `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}`;

/**
 * Writes a consistent copy of the running embedded database as a .tar.gz.
 * The transaction holds the only connection, so no other query runs until the
 * copy is written; CHECKPOINT first writes every changed page to the files,
 * so the files alone hold the whole database (the WAL is copied too). The
 * transaction itself writes nothing: it has no transaction id, and the copy
 * does not depend on it.
 */
export async function backupEmbeddedDatabase(database: Database, file: string): Promise<number> {
  const embedded = database.embedded;
  if (!embedded) throw new Error('Only the embedded database is backed up by Clave; back up PostgreSQL with pg_dump.');
  return database.transaction('backup', async (trx) => {
    await sql`CHECKPOINT`.execute(trx);
    return embedded.dumpTo(file);
  });
}

/** Handles a backup request left by `npm run backup` for this running server. */
export async function handleBackupRequest(database: Database, dataDir: string): Promise<string | null> {
  const requestFile = backupRequestFile(dataDir);
  if (!fs.existsSync(requestFile)) return null;
  const request = JSON.parse(fs.readFileSync(requestFile, 'utf8')) as { file: string };
  fs.unlinkSync(requestFile);
  const file = path.resolve(backupsDir(dataDir), path.basename(request.file)); // only ever inside the backups folder
  try {
    await backupEmbeddedDatabase(database, file);
  } catch (error) {
    fs.writeFileSync(backupFailureFile(file), String((error as Error)?.message ?? error));
    throw error;
  }
  return file;
}
