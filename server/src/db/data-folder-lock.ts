import fs from 'node:fs';
import path from 'node:path';

export class DataFolderLockedError extends Error {}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on the data folder: PGlite has no protection against
 * two processes opening the same files, which corrupts them. A lock left by a
 * process that no longer runs is taken over.
 */
export function lockDataFolder(dataDir: string): { release: () => void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'clave.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new DataFolderLockedError(
          `The data folder ${dataDir} is in use by another Clave server (process ${holder}). ` +
            'Stop that server first, or start this one with another DATA_DIR.',
        );
      }
      fs.unlinkSync(lockFile); // stale lock from a process that is gone
    }
  }
  throw new DataFolderLockedError(`Could not lock the data folder ${dataDir}.`);
}
