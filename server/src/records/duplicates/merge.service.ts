import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { isOwnerInScope, loadRecordScopes } from '../../platform/access/access.service.js';
import { badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { moduleView } from '../records/record-access.js';
import { insertTimeline, selectRecords, updateRecord } from '../records/record.repository.js';
import { presentAll, type RecordService } from '../records/record.service.js';
import { formatFieldValue } from '../records/field-values.js';
import { moveLookups, moveRecordExtras } from './duplicates.repository.js';

export interface MergeInput {
  masterId: string;
  otherIds: string[];
  /** Field → the id (master or one of the others) whose value the master keeps; fields not named keep the master's. */
  values: Record<string, string>;
}

/**
 * Merges two or three records of a module into the master: it takes the
 * chosen value of each field, everything pointing at the others (lookups of
 * any module, polymorphic related_id, timeline, tags, follows) moves to it,
 * and the others go to the recycle bin with a 'merged' timeline entry.
 */
export function createMergeService(ctx: AppContext, deps: { metadata: MetadataStore; records: RecordService }) {
  async function merge(auth: AuthContext, moduleName: string, input: MergeInput) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const view = moduleView(auth, metadata, moduleName, 'edit');
    moduleView(auth, metadata, moduleName, 'delete');
    const { module } = view;
    const { masterId, otherIds } = input;
    if (new Set(otherIds).size !== otherIds.length || otherIds.includes(masterId))
      throw badRequest('"otherIds" are one or two records other than the master, each once.', 'otherIds');
    const ids = [masterId, ...otherIds];
    for (const [field, source] of Object.entries(input.values)) {
      if (!view.byName.has(field)) throw badRequest(`${field} is not a field of ${module.apiName}.`, `values.${field}`);
      if (view.readOnly.has(field)) throw badRequest(`${field} is read-only.`, `values.${field}`);
      if (!ids.includes(source)) throw badRequest(`${field}: the value comes from the master or one of the others.`, `values.${field}`);
    }

    await ctx.database.transaction('records.merge', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const scope = scopes(module.apiName);
      const rows = await selectRecords(trx, {
        schema: metadata.schema,
        table: module.table,
        columns: ['id', ...module.fields.map((f) => f.apiName)],
        where: [
          sql<boolean>`r.id = ANY(${ids}::uuid[])`,
          sql<boolean>`r.deleted_at IS NULL`,
          ...(scope.read.all ? [] : [sql<boolean>`r.owner_id = ANY(${scope.read.ownerIds}::uuid[])`]),
        ],
        orderBy: sql`r.id`,
        forUpdate: true,
      });
      const byId = new Map(rows.map((row) => [row.id, row]));
      if (ids.some((id) => !byId.has(id))) throw notFound();
      if (!isOwnerInScope(scope.write, byId.get(masterId)!.owner_id)) throw forbidden('You can see the master record but not change it.');
      if (otherIds.some((id) => !isOwnerInScope(scope.write, byId.get(id)!.owner_id)))
        throw forbidden('You can see the records to merge but not delete them.');

      const now = ctx.now();
      // The others leave first: their unique values can then go to the master.
      for (const id of otherIds)
        await updateRecord(trx, metadata.schema, module.table, id, { deleted_at: now, deleted_by: auth.userId }, ['id']);
      for (const other of metadata.modules.values()) {
        for (const field of other.fields) {
          if (field.type !== 'lookup') continue;
          if (field.options.target !== module.apiName && !field.options.targetField) continue;
          await moveLookups(trx, {
            schema: metadata.schema,
            table: other.table,
            column: field.apiName,
            typeColumn: field.options.target ? undefined : field.options.targetField,
            module: module.apiName,
            masterId,
            otherIds,
            now,
            actorId: auth.userId,
          });
        }
      }
      await moveRecordExtras(trx, { orgId: auth.orgId, schema: metadata.schema, module: module.apiName, masterId, otherIds });

      const chosen: Record<string, unknown> = {};
      for (const [fieldName, source] of Object.entries(input.values)) {
        if (source === masterId) continue;
        const field = view.byName.get(fieldName)!;
        chosen[fieldName] = formatFieldValue(field, byId.get(source)![fieldName]);
      }
      if (Object.keys(chosen).length > 0) await deps.records.updateOne(trx, auth, view, scopes, masterId, chosen);

      await insertTimeline(trx, metadata.schema, [
        ...otherIds.map((id) => ({
          id: newId(),
          module: module.apiName,
          record_id: id,
          kind: 'merged',
          actor_id: auth.userId,
          at: now,
          data: { into: masterId },
        })),
        {
          id: newId(),
          module: module.apiName,
          record_id: masterId,
          kind: 'merged',
          actor_id: auth.userId,
          at: now,
          data: { from: otherIds },
        },
      ]);
      for (const id of otherIds)
        await ctx.events.emit(trx, 'record.deleted', auth.orgId, {
          module: module.apiName,
          id,
          record: presentAll(module, byId.get(id)!),
          actorId: auth.userId,
          mergedInto: masterId,
        });
      await ctx.events.emit(trx, 'record.merged', auth.orgId, {
        module: module.apiName,
        id: masterId,
        mergedIds: otherIds,
        actorId: auth.userId,
      });
    });
    return deps.records.get(auth, module.apiName, masterId);
  }

  return { merge };
}
