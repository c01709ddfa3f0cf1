import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { fileRoutes } from './file.routes.js';
import { createFileService } from './file.service.js';

export { createFileService, FILE_RETENTION_DAYS, type FileJson, type FileService, type StoreFileInput } from './file.service.js';
export { receiveFilePart, registerMultipart, spoolUpload } from './upload.js';
export { createFileStorage, type FileStorage } from './storage.js';

export const PURGE_DELETED_FILES_JOB = 'files.purge-deleted';

declare module '../jobs/jobs.js' {
  interface JobPayloads {
    /** Daily: removes the stored objects of files deleted more than 30 days ago. */
    'files.purge-deleted': Record<string, never>;
  }
}

/** File storage: the download route of unattached files and the daily purge of deleted ones. */
export const filesPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const files = createFileService(ctx);
  await ctx.jobs.work(PURGE_DELETED_FILES_JOB, async () => {
    await files.purgeDeleted(ctx.now());
  });
  await app.register(fileRoutes, { ctx, files });
};
