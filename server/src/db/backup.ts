import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './database.js';

export const backupsDir = (dataDir: string) => path.join(dataDir, 'backups');
export const backupRequestFile = (dataDir: string) => path.join(dataDir, 'backup-request.json');
export const embeddedDbDir = (dataDir: string) => path.join(dataDir, 'pg');

export const timestampedName = (prefix: string, now = new Date()) => `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}`;

/**
 * Writes a consistent copy of the running embedded database: the single
 * connection is held for the whole dump, so no transaction runs meanwhile.
 */
export async function backupEmbeddedDatabase(database: Database, file: string): Promise<number> {
  if (!database.embedded) throw new Error('Only the embedded database is backed up by Clave; back up PostgreSQL with pg_dump.');
  const embedded = database.embedded;
  return database.transaction('backup', async () => {
    // Inside the transaction the only connection is ours; PGlite dumps its files directly.
    await database.embedded!.pglite.query('CHECKPOINT').catch(() => undefined);
    return embedded.dumpTo(file);
  });
}

/** Handles a backup request left by `npm run backup` for this running server. */
export async function handleBackupRequest(database: Database, dataDir: string): Promise<string | null> {
  const requestFile = backupRequestFile(dataDir);
  if (!fs.existsSync(requestFile)) return null;
  const request = JSON.parse(fs.readFileSync(requestFile, 'utf8')) as { file: string };
  fs.unlinkSync(requestFile);
  await backupEmbeddedDatabase(database, request.file);
  return request.file;
}
