import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import { loadRecordScopes, type RecordScope } from '../../platform/access/access.service.js';
import type { Executor, Trx } from '../../db/database.js';
import { moduleView, selectRecords, type ModuleView, type OrgMetadata, type RecordRow, type RecordsModule } from '../../records/index.js';
import { findOrgSchema, lockKey, systemActor } from '../kam.repository.js';
import { callTouchpoint, emailTouchpoint, meetingTouchpoint, type Links, type TouchpointValues } from './touchpoint-mapping.js';

interface RecordEventPayload {
  module: string;
  id: string;
  actorId?: string;
}

interface EmailSentPayload {
  module: string;
  id: string;
  timelineId?: string;
  subject?: string;
  status?: string;
  actorId?: string;
}

const SOURCE_FIELDS = ['source_module', 'source_id'];
const SYNCED = new Set(['calls', 'meetings']);
const RECORD_EVENTS = ['record.created', 'record.updated', 'record.deleted', 'record.restored'];

const columnsOf = (metadata: OrgMetadata, module: string) => [
  ...new Set(['id', 'owner_id', 'created_at', 'deleted_at', ...metadata.modules.get(module)!.fields.map((f) => f.apiName)]),
];

/**
 * Keeps one touchpoint per call, meeting and e-mail sent from a record.
 *
 * Every handler reads the source as it is now (locked against the same work
 * on another node) and makes its touchpoint match: created, changed, moved
 * to the recycle bin or back. So events handled twice or out of order leave
 * the same result. Touchpoints are written through the record service, so
 * they have a timeline and emit record events like any other record.
 */
export function createTouchpointSync(ctx: AppContext, deps: Pick<RecordsModule, 'records' | 'metadata'>) {
  const { database } = ctx;
  const { records } = deps;

  async function findRow(trx: Executor, metadata: OrgMetadata, module: string, id: string): Promise<RecordRow | undefined> {
    const meta = metadata.modules.get(module);
    if (!meta) return undefined;
    const [row] = await selectRecords(trx, {
      schema: metadata.schema,
      table: meta.table,
      columns: columnsOf(metadata, module),
      where: [sql<boolean>`r.id = ${id}`],
    });
    return row;
  }

  /** The account, contact, lead and deal an activity is about: its related record first, then its contact. */
  async function resolveLinks(
    trx: Trx,
    metadata: OrgMetadata,
    related: { module: unknown; id: unknown },
    contactId: unknown,
  ): Promise<Links> {
    const links: Links = { account_id: null, contact_id: typeof contactId === 'string' ? contactId : null, lead_id: null, deal_id: null };
    if (typeof related.module === 'string' && typeof related.id === 'string' && metadata.modules.has(related.module)) {
      const row = await findRow(trx, metadata, related.module, related.id);
      if (row) {
        if (related.module === 'accounts') links.account_id = row.id;
        else if (related.module === 'leads') links.lead_id = row.id;
        else if (related.module === 'contacts') links.contact_id ??= row.id;
        else if (related.module === 'deals') links.deal_id = row.id;
        if (!links.account_id && typeof row.account_id === 'string') links.account_id = row.account_id;
        if (!links.contact_id && typeof row.contact_id === 'string') links.contact_id = row.contact_id;
      }
    }
    if (!links.account_id && links.contact_id) {
      const contact = await findRow(trx, metadata, 'contacts', links.contact_id);
      if (typeof contact?.account_id === 'string') links.account_id = contact.account_id;
      if (!contact) links.contact_id = null;
    }
    return links;
  }

  /** The touchpoints (live or in the recycle bin) kept for one source. */
  async function touchpointsOf(trx: Trx, metadata: OrgMetadata, source: { module: string; id: string }) {
    return selectRecords(trx, {
      schema: metadata.schema,
      table: metadata.modules.get('touchpoints')!.table,
      columns: columnsOf(metadata, 'touchpoints'),
      where: [sql<boolean>`r.source_module = ${source.module}`, sql<boolean>`r.source_id = ${source.id}`],
      orderBy: sql`r.deleted_at NULLS FIRST, r.id`,
    });
  }

  async function leadTouchedBefore(trx: Trx, metadata: OrgMetadata, leadId: string, before: string, sourceId: string) {
    const rows = await selectRecords(trx, {
      schema: metadata.schema,
      table: metadata.modules.get('touchpoints')!.table,
      columns: ['id'],
      where: [
        sql<boolean>`r.lead_id = ${leadId}`,
        sql<boolean>`r.deleted_at IS NULL`,
        sql<boolean>`r.occurred_at < ${before}::timestamptz`,
        sql<boolean>`r.source_id IS DISTINCT FROM ${sourceId}`,
      ],
      limit: 1,
    });
    return rows.length > 0;
  }

  /** The caller's view of touchpoints with the source fields writable (they are read-only for people). */
  function syncView(actor: AuthContext, metadata: OrgMetadata): ModuleView {
    const view = moduleView(actor, metadata, 'touchpoints', 'create');
    return { ...view, readOnly: new Set([...view.readOnly].filter((name) => !SOURCE_FIELDS.includes(name))) };
  }

  /** Makes the source's touchpoint match `desired` (null: the source is gone, so is its touchpoint). */
  async function apply(
    trx: Trx,
    actor: AuthContext,
    metadata: OrgMetadata,
    existing: RecordRow[],
    desired: TouchpointValues | null,
  ): Promise<void> {
    const view = syncView(actor, metadata);
    const scopes: (module: string) => RecordScope = await loadRecordScopes(trx, actor);
    const current = existing[0];
    if (!desired) {
      for (const row of existing.filter((r) => r.deleted_at === null)) await records.setDeletedOne(trx, actor, view, scopes, row.id, true);
      return;
    }
    if (!current) {
      const [result] = await records.createMany(trx, actor, view, scopes, [{ index: 0, values: desired }], { allowDuplicates: true });
      if (result!.status === 'error') throw new Error(`touchpoint not written: ${JSON.stringify(result!.errors)}`);
      return;
    }
    if (current.deleted_at !== null) await records.setDeletedOne(trx, actor, view, scopes, current.id, false);
    await records.updateOne(trx, actor, view, scopes, current.id, desired);
  }

  /** record.*: a call's or meeting's touchpoint follows it. */
  async function onRecordEvent(event: DomainEvent) {
    const payload = event.payload as unknown as RecordEventPayload;
    if (!SYNCED.has(payload.module) || !event.orgId) return;
    const schema = await findOrgSchema(database.db, event.orgId);
    if (!schema) return;
    const metadata = await deps.metadata.get(event.orgId, schema);
    if (!metadata.modules.has('touchpoints') || !metadata.modules.has(payload.module)) return;
    const peek = await findRow(database.db, metadata, payload.module, payload.id);
    const actor = await systemActor(database.db, event.orgId, [payload.actorId, peek?.owner_id]);
    if (!actor) return;
    await database.transaction('kam.touchpoint-sync', async (trx) => {
      await lockKey(trx, `touchpoint:${payload.module}:${payload.id}`);
      const source = await findRow(trx, metadata, payload.module, payload.id);
      const existing = await touchpointsOf(trx, metadata, { module: payload.module, id: payload.id });
      let desired: TouchpointValues | null = null;
      if (source && source.deleted_at === null) {
        const links = await resolveLinks(trx, metadata, { module: source.related_module, id: source.related_id }, source.contact_id);
        if (payload.module === 'meetings') desired = meetingTouchpoint(source, links);
        else {
          const at = (source.start_at ?? source.created_at) as Date;
          const touched = links.lead_id ? await leadTouchedBefore(trx, metadata, links.lead_id, at.toISOString(), source.id) : false;
          desired = callTouchpoint(source, links, { leadTouchedBefore: touched });
        }
      }
      await apply(trx, actor, metadata, existing, desired);
    });
  }

  /** email.sent: one outbound e-mail touchpoint per e-mail written from a record (never changed afterwards). */
  async function onEmailSent(event: DomainEvent) {
    const payload = event.payload as unknown as EmailSentPayload;
    if (!event.orgId || payload.status === 'failed' || !payload.actorId) return;
    const schema = await findOrgSchema(database.db, event.orgId);
    if (!schema) return;
    const metadata = await deps.metadata.get(event.orgId, schema);
    if (!metadata.modules.has('touchpoints')) return;
    const actor = await systemActor(database.db, event.orgId, [payload.actorId]);
    if (!actor) return;
    const sourceId = payload.timelineId ?? event.id;
    await database.transaction('kam.touchpoint-email', async (trx) => {
      await lockKey(trx, `touchpoint:email:${sourceId}`);
      const existing = await touchpointsOf(trx, metadata, { module: 'email', id: sourceId });
      if (existing.length > 0) return;
      const links = await resolveLinks(trx, metadata, { module: payload.module, id: payload.id }, null);
      const desired = emailTouchpoint({ id: sourceId, subject: payload.subject, sentAt: event.createdAt, senderId: actor.userId }, links);
      await apply(trx, actor, metadata, [], desired);
    });
  }

  function subscribe() {
    for (const type of RECORD_EVENTS) ctx.events.on(type, onRecordEvent, { name: `kam.touchpoint-sync.${type}` });
    ctx.events.on('email.sent', onEmailSent, { name: 'kam.touchpoint-email' });
  }

  return { subscribe };
}
