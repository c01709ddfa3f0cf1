import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { deleteFileRow, findFile, insertFile, listFilesFor, listPurgeable, markFileDeleted, type FileRow } from './file.repository.js';
import { confirmContentType } from './sniff.js';
import { createFileStorage, StoredObjectMissingError, type FileStorage } from './storage.js';
import { spoolUpload } from './upload.js';

/** Deleted files keep their stored object this long (a mistaken delete can be undone by hand), then it goes. */
export const FILE_RETENTION_DAYS = 30;

const MODULE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StoreFileInput {
  stream: Readable;
  name: string;
  declaredType?: string;
  module?: string | null;
  recordId?: string | null;
  /** Lower than FILE_MAX_BYTES for a caller that wants smaller files. */
  maxBytes?: number;
}

export function presentFile(row: FileRow) {
  return {
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    module: row.module,
    recordId: row.record_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

export type FileJson = ReturnType<typeof presentFile>;

/** A file name that is safe to keep and show: no folders, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 255);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'file';
}

/** `<orgId>/<last 2 hex of the id>/<id>`: the random end of a UUIDv7 spreads files over 256 folders. */
export const storageKey = (orgId: string, id: string) => `${orgId}/${id.slice(-2)}/${id}`;

/**
 * Stored files of an organization. It keeps organizations apart (another
 * organization's file is a 404) but does not decide who may see a record's
 * attachments: callers check the record first.
 */
export function createFileService(
  ctx: Pick<AppContext, 'config' | 'database' | 'now'>,
  storage: FileStorage = createFileStorage(ctx.config),
) {
  const { database, config } = ctx;
  const spoolDir = path.join(config.dataDir, 'tmp', 'uploads');

  async function load(auth: AuthContext, id: string): Promise<FileRow> {
    const row = UUID.test(id) ? await findFile(database.db, auth.orgId, id) : undefined;
    if (!row) throw notFound('The file');
    return row;
  }

  return {
    storage,

    /** Checks, hashes and stores an upload, then records it. Nothing is kept when any step fails. */
    async store(auth: AuthContext, input: StoreFileInput): Promise<FileJson> {
      const module = input.module ?? null;
      const recordId = input.recordId ?? null;
      if (module !== null && !MODULE_NAME.test(module)) throw badRequest('The module must be a module API name.', 'module');
      if (recordId !== null && !UUID.test(recordId)) throw badRequest('The record id must be a UUID.', 'recordId');
      if ((module === null) !== (recordId === null))
        throw badRequest('Give both module and recordId, or neither.', recordId ? 'module' : 'recordId');
      const maxBytes = Math.min(input.maxBytes ?? config.fileMaxBytes, config.fileMaxBytes);
      const spooled = await spoolUpload(input.stream, { dir: spoolDir, maxBytes });
      try {
        const name = cleanFileName(input.name);
        const contentType = confirmContentType(spooled.head, input.declaredType, name);
        const id = newId();
        const key = storageKey(auth.orgId, id);
        await storage.put(key, fs.createReadStream(spooled.path), { size: spooled.size, sha256: spooled.sha256, contentType });
        const row: FileRow = {
          id,
          org_id: auth.orgId,
          name,
          content_type: contentType,
          size_bytes: spooled.size,
          sha256: spooled.sha256,
          storage_key: key,
          module,
          record_id: recordId,
          created_by: auth.userId,
          created_at: ctx.now(),
        };
        try {
          await database.transaction('store-file', (trx) => insertFile(trx, row));
        } catch (error) {
          await storage.delete(key).catch(() => undefined);
          throw error;
        }
        return presentFile(row);
      } finally {
        await spooled.discard();
      }
    },

    async get(auth: AuthContext, id: string): Promise<FileJson> {
      return presentFile(await load(auth, id));
    },

    /** The file's metadata and a stream of its bytes. */
    async open(auth: AuthContext, id: string): Promise<{ file: FileJson; stream: Readable }> {
      const row = await load(auth, id);
      try {
        return { file: presentFile(row), stream: await storage.get(row.storage_key) };
      } catch (error) {
        if (error instanceof StoredObjectMissingError) throw notFound('The file');
        throw error;
      }
    },

    /** Marks the file deleted; its stored object goes FILE_RETENTION_DAYS later (purgeDeleted). */
    async remove(auth: AuthContext, id: string): Promise<void> {
      const removed =
        UUID.test(id) && (await database.transaction('delete-file', (trx) => markFileDeleted(trx, auth.orgId, id, ctx.now())));
      if (!removed) throw notFound('The file');
    },

    async listFor(auth: AuthContext, module: string, recordId: string): Promise<FileJson[]> {
      if (!MODULE_NAME.test(module) || !UUID.test(recordId)) return [];
      return (await listFilesFor(database.db, auth.orgId, module, recordId)).map(presentFile);
    },

    /** Removes the stored objects (and rows) of files deleted more than FILE_RETENTION_DAYS ago. Returns how many. */
    async purgeDeleted(now: Date): Promise<number> {
      const before = new Date(now.getTime() - FILE_RETENTION_DAYS * 24 * 3600_000);
      let total = 0;
      for (;;) {
        const batch = await listPurgeable(database.db, before, 100);
        for (const file of batch) {
          await storage.delete(file.storage_key);
          await deleteFileRow(database.db, file.id);
        }
        total += batch.length;
        if (batch.length < 100) return total;
      }
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;
