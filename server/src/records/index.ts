import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { organizationProvisioners } from '../platform/orgs/organization.service.js';
import { createMetadataStore, type MetadataStore } from './metadata/metadata-store.js';
import { createMetadataService } from './metadata/metadata.service.js';
import { metadataRoutes } from './metadata/metadata.routes.js';
import { provisionStandardModules, syncStandardCatalog } from './metadata/provision.js';
import { createRecordService, type RecordService } from './records/record.service.js';
import { recordRoutes } from './records/record.routes.js';
import type { RecordBehaviour, RecordHooks } from './records/record-write.js';
import { createViewService } from './views/view.service.js';
import { viewRoutes } from './views/view.routes.js';
import { createCollaborationService } from './collaboration/collaboration.service.js';
import { collaborationRoutes } from './collaboration/collaboration.routes.js';
import { createRecordEmailService } from './emails/record-email.service.js';
import { recordEmailRoutes } from './emails/record-email.routes.js';
import { createWebFormService } from './web-forms/web-form.service.js';
import { webFormRoutes } from './web-forms/web-form.routes.js';
import { createAttachmentService } from './attachments/attachment.service.js';
import { attachmentRoutes } from './attachments/attachment.routes.js';
import { createImportService, IMPORT_JOB, IMPORT_RECOVERY } from './imports/import.service.js';
import { importRoutes } from './imports/import.routes.js';
import { createExportService } from './exports/export.service.js';
import { exportRoutes } from './exports/export.routes.js';
import { createDuplicatesService, type DuplicatesService } from './duplicates/duplicates.service.js';
import { createMergeService } from './duplicates/merge.service.js';
import { duplicateRoutes } from './duplicates/duplicates.routes.js';

export type { RecordBehaviour, DuplicateMatch, NewRecord, RecordHooks, UpdateInput } from './records/record-write.js';
export type { DuplicatesService } from './duplicates/duplicates.service.js';
export type { RecordService, ApiRecord, BatchResult } from './records/record.service.js';
export type { ModuleMeta, FieldMeta, OrgMetadata } from './metadata/metadata.types.js';
// What feature folders (crm/…) build on besides the services: one public surface, so records' internals can move.
export type { MetadataStore } from './metadata/metadata-store.js';
export { COMPUTED_TYPES } from './metadata/field-types.js';
export { quoteIdent, qualifiedTable, isBaseColumn } from './metadata/ddl.js';
export { formatFieldValue, isEmptyValue } from './records/field-values.js';
export { moduleView, viewOf, getModule, type ModuleView } from './records/record-access.js';
export { findDisplayNames, findUserNames, insertTimeline, selectRecords, type RecordRow } from './records/record.repository.js';
// Automation conditions are list-view filters: the same compiler, so a rule's criteria mean what a view's filter means.
export { compileFilter, type FilterScope, type FilterNode } from './records/record-filter.js';
// Users' name, e-mail and role as related fields (owner_id.role), for filters and reports alike.
export { USER_PATH_FIELDS, userPathSql, type UserPath } from './records/user-paths.js';
export { valueFamily } from './metadata/field-types.js';
export { filterScopeFor, fullFilterScope } from './records/record-access.js';
export { withSavepoint } from './records/record-write.js';
export { placeholders, renderMergeFields } from './emails/merge-fields.js';
export { DuplicateMatchSchema, RecordList } from './records/record.schemas.js';
// The record access check list queries use (profile permission, owner scopes from sharing, hierarchy, groups and rules):
// features that aggregate over record tables (kam/kpis) apply exactly the same one.
export { canModuleAction, loadRecordScopes, type OwnerScope, type RecordScope } from '../platform/access/access.service.js';

/** What other features use of the records module: the record service, metadata and per-module behaviour on save. */
export interface RecordsModule {
  records: RecordService;
  metadata: MetadataStore;
  metadataService: ReturnType<typeof createMetadataService>;
  /** Module API name → behaviour run on every create and update of its records (before checks). */
  behaviours: Map<string, RecordBehaviour>;
  /** Duplicate rules, keys and the check (the record service's create runs it). */
  duplicates: DuplicatesService;
  /** What features plug into every record write, in the writer's transaction (automation's assignment rules: `beforeInsert`). */
  hooks: RecordHooks;
}

const instances = new WeakMap<AppContext, RecordsModule>();

/** The records module of this app (made once per app context). */
export function getRecords(ctx: AppContext): RecordsModule {
  let instance = instances.get(ctx);
  if (!instance) {
    const metadata = createMetadataStore(ctx.database, ctx.cluster);
    const behaviours = new Map<string, RecordBehaviour>();
    const duplicates = createDuplicatesService(ctx, { metadata });
    const hooks: RecordHooks = {
      afterWrite: [duplicates.indexRows],
      findDuplicates: duplicates.findDuplicatesMany,
      beforeInsert: [],
      beforeUpdate: [],
    };
    instance = {
      metadata,
      behaviours,
      duplicates,
      hooks,
      records: createRecordService(ctx, { metadata, behaviours, hooks }),
      metadataService: createMetadataService(ctx, metadata),
    };
    instances.set(ctx, instance);
  }
  return instance;
}

/** Routes of modules, fields and records under /api/v1; new organizations get the standard modules. */
export const recordsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  organizationProvisioners.add(provisionStandardModules);
  await syncStandardCatalog(ctx.database);
  const module = getRecords(ctx);
  await app.register(metadataRoutes, { metadata: module.metadataService });
  await app.register(recordRoutes, { records: module.records });
  await app.register(viewRoutes, { views: createViewService(ctx, { metadata: module.metadata }) });
  await app.register(duplicateRoutes, {
    duplicates: module.duplicates,
    merger: createMergeService(ctx, { metadata: module.metadata, records: module.records }),
  });
  const collaboration = createCollaborationService(ctx, { records: module.records, metadata: module.metadata });
  collaboration.subscribe();
  await app.register(collaborationRoutes, { collaboration });
  await app.register(recordEmailRoutes, { emails: createRecordEmailService(ctx, { records: module.records, metadata: module.metadata }) });
  await app.register(attachmentRoutes, { attachments: createAttachmentService(ctx, { records: module.records }) });
  await app.register(webFormRoutes, { forms: createWebFormService(ctx, { records: module.records, metadata: module.metadata }) });
  const imports = createImportService(ctx, module);
  await ctx.jobs.work(IMPORT_JOB, (job) => imports.run(job.data.importId, job.signal));
  // Imports whose runner went silent (a node died or stopped in the middle) are queued again, right after start and then
  // every half of WORKER_STALE_SECONDS (at most every 30 s).
  ctx.jobs.every(IMPORT_RECOVERY, Math.max(1, Math.min(30, ctx.config.workerStaleSeconds / 2)), async () => {
    await imports.recover();
  });
  await app.register(importRoutes, { imports, maxBytes: ctx.config.importMaxBytes });
  await app.register(exportRoutes, { exports: createExportService(module) });
};
