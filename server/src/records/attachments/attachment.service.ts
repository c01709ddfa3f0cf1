import type { Readable } from 'node:stream';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { createFileService, type FileJson } from '../../platform/files/index.js';
import { notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { insertTimeline } from '../records/record.repository.js';
import type { RecordService } from '../records/record.service.js';

/**
 * Files attached to records (PLT-9): whoever can see the record sees and
 * downloads its files; whoever can edit it attaches and removes them. The
 * file service stores them and keeps organizations apart.
 */
export function createAttachmentService(ctx: AppContext, deps: { records: RecordService }) {
  const files = createFileService(ctx);

  /** A file of this record, or 404 (also for a file of another record or organization). */
  async function attached(auth: AuthContext, module: string, recordId: string, fileId: string): Promise<FileJson> {
    const file = await files.get(auth, fileId).catch(() => undefined);
    if (!file || file.module !== module || file.recordId !== recordId) throw notFound('The file');
    return file;
  }

  async function list(auth: AuthContext, module: string, recordId: string) {
    await deps.records.get(auth, module, recordId);
    return files.listFor(auth, module, recordId);
  }

  async function add(
    auth: AuthContext,
    module: string,
    recordId: string,
    upload: { stream: Readable; name: string; declaredType: string },
  ) {
    await deps.records.assertWritable(auth, module, recordId);
    const file = await files.store(auth, { ...upload, module, recordId });
    await ctx.database.transaction('records.attachment-added', (trx) =>
      insertTimeline(trx, auth.orgSchema, [
        {
          id: newId(),
          module,
          record_id: recordId,
          kind: 'attachment',
          actor_id: auth.userId,
          data: { fileId: file.id, name: file.name, sizeBytes: file.sizeBytes, action: 'added' },
        },
      ]),
    );
    return file;
  }

  async function open(auth: AuthContext, module: string, recordId: string, fileId: string) {
    await deps.records.get(auth, module, recordId);
    await attached(auth, module, recordId, fileId);
    return files.open(auth, fileId);
  }

  async function remove(auth: AuthContext, module: string, recordId: string, fileId: string) {
    await deps.records.assertWritable(auth, module, recordId);
    const file = await attached(auth, module, recordId, fileId);
    await files.remove(auth, fileId);
    await ctx.database.transaction('records.attachment-removed', (trx) =>
      insertTimeline(trx, auth.orgSchema, [
        {
          id: newId(),
          module,
          record_id: recordId,
          kind: 'attachment',
          actor_id: auth.userId,
          data: { fileId, name: file.name, action: 'removed' },
        },
      ]),
    );
  }

  return { list, add, open, remove };
}
