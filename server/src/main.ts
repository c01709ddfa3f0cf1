import fs from 'node:fs';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { lockDataFolder, DataFolderLockedError } from './db/data-folder-lock.js';
import { DamagedDataFolderError, damagedFolderError, inspectDataFolder, isDataCorruptionError } from './db/embedded.js';
import { embeddedDbDir, handleBackupRequest } from './db/backup.js';
import { buildApp } from './app.js';
import { startBackgroundWork } from './platform/jobs/background.js';

/** Boot: config → database → migrations → HTTP + workers; a clean stop on SIGINT/SIGTERM. */
async function main() {
  const startedAt = Date.now();
  const config = loadConfig();
  const lock = config.databaseUrl ? null : lockDataFolder(config.dataDir);
  // `npm run backup` may signal as soon as the lock names this process: until
  // the server is ready, a request waits (SIGUSR2 would otherwise end it).
  let onBackupRequest: () => void = () => undefined;
  let backupRequested = false;
  process.on('SIGUSR2', () => {
    backupRequested = true;
    onBackupRequest();
  });
  let database: Database | undefined;
  try {
    const dbDir = embeddedDbDir(config.dataDir);
    let restoreFrom: string | undefined;
    if (!config.databaseUrl && config.restoreFrom) {
      if (!fs.existsSync(config.restoreFrom)) throw new ConfigError(`RESTORE_FROM names ${config.restoreFrom}, which does not exist.`);
      // A backup is only ever loaded into an empty folder: never over a database.
      if (inspectDataFolder(dbDir))
        console.warn(`RESTORE_FROM is ignored: ${dbDir} already holds a database. To restore, move that folder aside first.`);
      else restoreFrom = config.restoreFrom;
    }
    database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: dbDir, embeddedRestoreFrom: restoreFrom });
    try {
      await migrate(database);
    } catch (error) {
      throw database.kind === 'embedded' && isDataCorruptionError(error) ? damagedFolderError(dbDir, error) : error;
    }
    const app = await buildApp({ config, database });
    await app.listen({ port: config.port, host: config.host });
    app.log.info(
      `Clave is ready at ${config.publicUrl} in ${Date.now() - startedAt} ms on ${database.kind === 'embedded' ? `the embedded database in ${dbDir} (for production, set DATABASE_URL to PostgreSQL)` : 'PostgreSQL'}`,
    );
    // Workers start once the server answers: on a cold embedded database pg-boss's first queries take ~0.3–0.6 s.
    const background = config.runWorkers ? await startBackgroundWork(app.ctx, app.log) : null;

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info(`${signal}: stopping`);
      const force = setTimeout(() => {
        app.log.error('could not stop within 15 s: exiting anyway');
        process.exit(1);
      }, 15_000);
      force.unref();
      let exitCode = 0;
      try {
        await app.close();
        await background?.stop();
        await app.ctx.events.stop();
        // Every change is in the files before the lock is released.
        await database!.checkpoint();
        await database!.close();
        app.log.info('stopped: database closed');
      } catch (error) {
        exitCode = 1;
        app.log.error({ err: error }, 'stopping failed');
      } finally {
        app.ctx.mailer.close();
        lock?.release();
        process.exit(exitCode);
      }
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    onBackupRequest = () => {
      if (!backupRequested || stopping) return;
      backupRequested = false;
      handleBackupRequest(database!, config.dataDir)
        .then((file) => file && app.log.info(`backup written to ${file}`))
        .catch((error) => app.log.error({ err: error }, 'backup failed'));
    };
    onBackupRequest();
  } catch (error) {
    await database?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DataFolderLockedError || error instanceof DamagedDataFolderError) {
    console.error(`Clave cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
