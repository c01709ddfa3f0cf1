import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { lockDataFolder, DataFolderLockedError } from './db/data-folder-lock.js';
import { DamagedDataFolderError } from './db/embedded.js';
import { embeddedDbDir, handleBackupRequest } from './db/backup.js';
import { buildApp } from './app.js';
import { startBackgroundWork } from './platform/jobs/background.js';

/** Boot: config → database → migrations → HTTP + workers; a clean stop on SIGINT/SIGTERM. */
async function main() {
  const startedAt = Date.now();
  const config = loadConfig();
  const lock = config.databaseUrl ? null : lockDataFolder(config.dataDir);
  let database: Database | undefined;
  try {
    const dbDir = embeddedDbDir(config.dataDir);
    let snapshot: Blob | undefined;
    if (!config.databaseUrl && config.restoreFrom && !fs.existsSync(path.join(dbDir, 'PG_VERSION'))) {
      snapshot = new Blob([fs.readFileSync(config.restoreFrom)]);
    }
    database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: dbDir, embeddedSnapshot: snapshot });
    await migrate(database);
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
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      try {
        await app.close();
        await background?.stop();
        await app.ctx.events.stop();
        await database!.checkpoint();
        await database!.close();
      } finally {
        app.ctx.mailer.close();
        lock?.release();
        process.exit(0);
      }
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGUSR2', () => {
      handleBackupRequest(database!, config.dataDir)
        .then((file) => file && app.log.info(`backup written to ${file}`))
        .catch((error) => app.log.error({ err: error }, 'backup failed'));
    });
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
