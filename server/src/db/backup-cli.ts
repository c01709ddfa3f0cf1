/**
 * `npm run backup`: asks the running server to write a consistent copy of the
 * embedded database (a separate process cannot open the locked folder), or,
 * with no server running, copies the closed database folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { backupRequestFile, backupsDir, embeddedDbDir, timestampedName } from './backup.js';

async function main() {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.log('Clave uses PostgreSQL (DATABASE_URL is set): back it up with pg_dump, e.g.\n  pg_dump --format=custom --file=clave.dump "$DATABASE_URL"');
    return;
  }
  const lockFile = path.join(config.dataDir, 'clave.lock');
  const pid = fs.existsSync(lockFile) ? Number(fs.readFileSync(lockFile, 'utf8')) : 0;
  let running = false;
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      running = true;
    } catch {
      running = false;
    }
  }
  fs.mkdirSync(backupsDir(config.dataDir), { recursive: true });
  if (running) {
    const file = path.join(backupsDir(config.dataDir), `${timestampedName('clave')}.tar.gz`);
    fs.writeFileSync(backupRequestFile(config.dataDir), JSON.stringify({ file }));
    process.kill(pid, 'SIGUSR2');
    const deadline = Date.now() + 10 * 60_000;
    while (!fs.existsSync(file)) {
      if (Date.now() > deadline) throw new Error('The server did not write the backup within 10 minutes; see its log.');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`Backup written by the running server: ${file} (${fs.statSync(file).size} bytes).`);
    console.log('To restore: stop Clave, move DATA_DIR aside, and start with RESTORE_FROM=<that file> once.');
    return;
  }
  const source = embeddedDbDir(config.dataDir);
  if (!fs.existsSync(path.join(source, 'PG_VERSION'))) {
    console.error(`No database in ${source}: nothing to back up.`);
    process.exitCode = 1;
    return;
  }
  const target = path.join(backupsDir(config.dataDir), timestampedName('clave-folder'));
  fs.cpSync(source, target, { recursive: true });
  console.log(`No server is running: copied the closed database folder to ${target}.`);
  console.log(`To restore: stop Clave and copy that folder back to ${source}.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
