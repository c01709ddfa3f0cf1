import type { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { createLocalStorage } from './local-storage.js';
import { createS3Storage } from './s3-storage.js';

/** Where file contents live. Keys look like `<orgId>/<2 hex>/<fileId>`; metadata stays in platform.files. */
export interface FileStorage {
  readonly driver: 'local' | 's3';
  /** Stores the whole stream under `key` (replacing what was there); `size` and `sha256` are the stream's, known beforehand. */
  put(key: string, body: Readable, info: { size: number; sha256: string; contentType: string }): Promise<void>;
  /** The object's bytes; throws StoredObjectMissingError when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes the object; nothing happens when it is not there. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export class StoredObjectMissingError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
  }
}

/** The storage FILE_STORAGE chose: local files under DATA_DIR/files, or an S3-compatible bucket. */
export function createFileStorage(config: Pick<Config, 'fileStorage' | 'dataDir'>): FileStorage {
  return config.fileStorage.driver === 's3' ? createS3Storage(config.fileStorage) : createLocalStorage(config.dataDir);
}
