import fs from 'node:fs';
import path from 'node:path';

export class DataFolderLockedError extends Error {}

export const lockFilePath = (dataDir: string) => path.join(dataDir, 'clave.lock');

/**
 * When a process started, in clock ticks since boot (Linux); '' elsewhere.
 * With the pid it names one process: a pid can be reused after a reboot or a
 * long time, the pair cannot.
 */
function processStartTime(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's content: "<pid> <start time>". */
function lockContent(pid: number): string {
  return `${pid} ${processStartTime(pid)}`.trim();
}

/**
 * The live process holding the data folder's lock, if any. A lock left by a
 * process that has ended (or whose pid now belongs to another process) has
 * no holder.
 */
export function findLockHolder(dataDir: string): number | null {
  let content: string;
  try {
    content = fs.readFileSync(lockFilePath(dataDir), 'utf8').trim();
  } catch {
    return null;
  }
  return holderOf(content);
}

function holderOf(content: string): number | null {
  const [pidText, startTime] = content.split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return null;
  if (startTime && processStartTime(pid) && processStartTime(pid) !== startTime) return null;
  return pid;
}

/**
 * Takes an exclusive lock on the data folder: PGlite has no protection against
 * two processes opening the same files, which corrupts them. A lock left by a
 * process that no longer runs is taken over.
 */
export function lockDataFolder(dataDir: string): { release: () => void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = lockFilePath(dataDir);
  const mine = lockContent(process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockFile, mine, { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(lockFile, 'utf8') === mine) fs.unlinkSync(lockFile);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let content: string;
      try {
        content = fs.readFileSync(lockFile, 'utf8').trim();
      } catch {
        continue; // removed meanwhile: try again
      }
      const holder = holderOf(content);
      if (holder !== null && holder !== process.pid) {
        throw new DataFolderLockedError(
          `The data folder ${dataDir} is in use by another Clave server (process ${holder}). ` +
            'Stop that server first, or start this one with another DATA_DIR.',
        );
      }
      // A stale lock from a process that is gone. Remove it only if it is
      // still that one: another server may have just taken it over.
      try {
        if (fs.readFileSync(lockFile, 'utf8').trim() === content) fs.unlinkSync(lockFile);
      } catch {
        // removed meanwhile
      }
    }
  }
  throw new DataFolderLockedError(`Could not lock the data folder ${dataDir}: another server keeps taking it. Start one server at a time.`);
}
