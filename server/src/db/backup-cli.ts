/**
 * `npm run backup`: asks the running server to write a consistent copy of the
 * embedded database (a separate process cannot open the locked folder), or,
 * with no server running, copies the closed database folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { backupFailureFile, backupRequestFile, backupsDir, embeddedDbDir, timestampedName } from './backup.js';
import { findLockHolder, lockDataFolder } from './data-folder-lock.js';

const PICKUP_TIMEOUT_MS = 30_000;
const WRITE_TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function askRunningServer(dataDir: string, pid: number) {
  const file = path.join(backupsDir(dataDir), `${timestampedName('clave')}.tar.gz`);
  const requestFile = backupRequestFile(dataDir);
  fs.writeFileSync(`${requestFile}.tmp`, JSON.stringify({ file }));
  fs.renameSync(`${requestFile}.tmp`, requestFile);
  process.kill(pid, 'SIGUSR2');
  const started = Date.now();
  while (!fs.existsSync(file)) {
    if (fs.existsSync(backupFailureFile(file))) {
      throw new Error(`The server could not write the backup: ${fs.readFileSync(backupFailureFile(file), 'utf8')}`);
    }
    if (fs.existsSync(requestFile) && Date.now() - started > PICKUP_TIMEOUT_MS) {
      fs.rmSync(requestFile, { force: true });
      throw new Error(`The server (process ${pid}) did not take the backup request within ${PICKUP_TIMEOUT_MS / 1000} s; see its log.`);
    }
    if (Date.now() - started > WRITE_TIMEOUT_MS) throw new Error('The server did not write the backup within 10 minutes; see its log.');
    await sleep(100);
  }
  console.log(`Backup written by the running server: ${file} (${fs.statSync(file).size} bytes).`);
  console.log(`To restore: stop Clave, move ${embeddedDbDir(dataDir)} aside, and start once with RESTORE_FROM=<that file>.`);
}

function copyClosedFolder(dataDir: string) {
  const source = embeddedDbDir(dataDir);
  if (!fs.existsSync(path.join(source, 'PG_VERSION'))) {
    console.error(`No database in ${source}: nothing to back up.`);
    process.exitCode = 1;
    return;
  }
  // Hold the lock while copying, so that no server starts on the folder meanwhile.
  const lock = lockDataFolder(dataDir);
  try {
    const target = path.join(backupsDir(dataDir), timestampedName('clave-folder'));
    const partial = `${target}.partial`;
    fs.cpSync(source, partial, { recursive: true });
    fs.renameSync(partial, target);
    console.log(`No server is running: copied the closed database folder to ${target}.`);
    console.log(`To restore: move ${source} aside, and start once with RESTORE_FROM=<that folder>.`);
  } finally {
    lock.release();
  }
}

async function main() {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.log(
      'Clave uses PostgreSQL (DATABASE_URL is set): back it up with pg_dump, e.g.\n  pg_dump --format=custom --file=clave.dump "$DATABASE_URL"',
    );
    return;
  }
  fs.mkdirSync(backupsDir(config.dataDir), { recursive: true });
  const pid = findLockHolder(config.dataDir);
  if (pid !== null) await askRunningServer(config.dataDir, pid);
  else copyClosedFolder(config.dataDir);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
