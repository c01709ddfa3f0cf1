import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StoredObjectMissingError, type FileStorage } from './storage.js';

/**
 * Files under `<dataDir>/files/<key>`. A put writes a temporary name beside
 * the target and renames it, so a reader never sees half a file; a key that
 * would lead outside the folder is refused.
 */
export function createLocalStorage(dataDir: string): FileStorage {
  const root = path.resolve(dataDir, 'files');

  function resolve(key: string): string {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(key)) throw new Error(`Invalid storage key "${key}"`);
    const full = path.resolve(root, key);
    if (!full.startsWith(root + path.sep)) throw new Error(`Storage key "${key}" leads outside the files folder`);
    return full;
  }

  return {
    driver: 'local',
    async put(key, body) {
      const target = resolve(key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.tmp-${crypto.randomBytes(6).toString('hex')}`;
      try {
        await pipeline(body, fs.createWriteStream(temporary, { flags: 'wx' }));
        await fs.promises.rename(temporary, target);
      } catch (error) {
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      const target = resolve(key);
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(target, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredObjectMissingError(key);
        throw error;
      }
      return handle.createReadStream();
    },
    async delete(key) {
      await fs.promises.rm(resolve(key), { force: true });
    },
    async exists(key) {
      try {
        return (await fs.promises.stat(resolve(key))).isFile();
      } catch {
        return false;
      }
    },
  };
}
