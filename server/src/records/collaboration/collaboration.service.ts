import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import { createNotifier } from '../../platform/notifications/notifier.js';
import { badRequest } from '../../platform/http/app-error.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { RecordService } from '../records/record.service.js';
import { insertTimeline } from '../records/record.repository.js';
import {
  countTags,
  findOrgSchema,
  listFollowers,
  listFollowersOf,
  listTags,
  markHandled,
  markHandledMany,
  replaceTags,
  setFollow,
} from './collaboration.repository.js';
import { mentionedUserIds, plainMentions } from './mentions.js';

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,39}$/u;
/** Modules whose records belong to another record (related_module/related_id) and show on its timeline. */
const ACTIVITY_KIND: Record<string, string> = { notes: 'note', tasks: 'task', calls: 'call', meetings: 'meeting' };

interface RecordEventPayload {
  module: string;
  id: string;
  record: Record<string, unknown>;
  changes?: Record<string, { from: unknown; to: unknown }>;
  actorId: string;
}

const TEXT = {
  es: {
    mentioned: (who: string) => `${who} te ha mencionado en una nota`,
    assigned: (who: string, subject: string) => `${who} te ha asignado la tarea «${subject}»`,
    changed: (who: string, name: string) => `${who} ha modificado «${name}»`,
  },
  en: {
    mentioned: (who: string) => `${who} mentioned you in a note`,
    assigned: (who: string, subject: string) => `${who} assigned you the task “${subject}”`,
    changed: (who: string, name: string) => `${who} changed “${name}”`,
  },
};

/** Tags, following, and what happens around a record: activities on its timeline, mentions, assignments, followers told. */
export function createCollaborationService(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;
  const notifier = createNotifier(ctx);

  async function getTags(auth: AuthContext, module: string, id: string) {
    await deps.records.get(auth, module, id);
    return listTags(database.db, auth.orgSchema, id);
  }

  async function putTags(auth: AuthContext, module: string, id: string, tags: string[]) {
    const clean = [...new Set(tags.map((tag) => tag.trim()))].filter(Boolean);
    clean.forEach((tag, index) => {
      if (!TAG.test(tag)) throw badRequest('A tag is 1 to 40 letters, digits, spaces, dots, dashes or underscores.', `tags[${index}]`);
    });
    if (clean.length > 50) throw badRequest('A record has at most 50 tags.', 'tags');
    await deps.records.assertWritable(auth, module, id);
    await database.transaction('records.tags', (trx) => replaceTags(trx, auth.orgSchema, module, id, clean.sort()));
    return clean;
  }

  async function tagsInUse(auth: AuthContext, module: string) {
    await deps.records.query(auth, module, { limit: 1, fields: ['id'] }); // read permission on the module (403/404)
    return countTags(database.db, auth.orgSchema, module);
  }

  async function follow(auth: AuthContext, module: string, id: string, following: boolean) {
    await deps.records.get(auth, module, id);
    await database.transaction('records.follow', (trx) => setFollow(trx, auth.orgSchema, module, id, auth.userId, following));
    return followStatus(auth, module, id, false);
  }

  async function followStatus(auth: AuthContext, module: string, id: string, check = true) {
    if (check) await deps.records.get(auth, module, id);
    const followers = await listFollowers(database.db, auth.orgSchema, id);
    return { following: followers.includes(auth.userId), followers: followers.length };
  }

  async function userLanguages(orgId: string, ids: string[]) {
    if (ids.length === 0) return new Map<string, 'es' | 'en'>();
    const rows = await database.db
      .selectFrom('platform.users as u')
      .innerJoin('platform.organizations as o', 'o.id', 'u.org_id')
      .select(['u.id', 'u.language', 'o.default_language', 'u.active'])
      .where('u.org_id', '=', orgId)
      .where('u.id', 'in', ids)
      .execute();
    return new Map(rows.filter((r) => r.active).map((r) => [r.id, (r.language ?? r.default_language) === 'en' ? 'en' : 'es'] as const));
  }

  async function userNames(ids: string[]) {
    if (ids.length === 0) return new Map<string, string>();
    const rows = await database.db.selectFrom('platform.users').select(['id', 'name']).where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async function actorName(userId: string) {
    return (await userNames([userId])).get(userId) ?? '—';
  }

  /** What a created record asks of this handler: a line on its parent's timeline, mentions, an assignee to tell. */
  function createdWork(event: DomainEvent) {
    const payload = event.payload as unknown as RecordEventPayload;
    const record = payload.record;
    const kind = ACTIVITY_KIND[payload.module];
    const parentModule = typeof record.related_module === 'string' ? record.related_module : null;
    const parentId = typeof record.related_id === 'string' ? record.related_id : null;
    const mentioned =
      payload.module === 'notes' && typeof record.content === 'string'
        ? mentionedUserIds(record.content).filter((id) => id !== payload.actorId)
        : [];
    const assignee = payload.module === 'tasks' && record.owner_id !== payload.actorId ? (record.owner_id as string) : null;
    const parent = kind && parentModule && parentId ? { kind, module: parentModule, id: parentId } : null;
    if (!parent && mentioned.length === 0 && !assignee) return null;
    return { event, payload, record, parent, mentioned, assignee };
  }

  /**
   * record.created, a batch at a time: an activity appears on its parent's timeline; a note's mentions and a task's
   * owner are told. Most created records (an import's leads) need nothing here and cost no query; the rest of a batch
   * (the tasks a rule made for a thousand leads) is written in one transaction, a few statements in all.
   */
  async function onCreatedBatch(events: DomainEvent[]): Promise<void> {
    const byOrg = new Map<string, Array<NonNullable<ReturnType<typeof createdWork>>>>();
    for (const event of events) {
      const work = event.orgId ? createdWork(event) : null;
      if (work) byOrg.set(event.orgId!, [...(byOrg.get(event.orgId!) ?? []), work]);
    }
    for (const [orgId, works] of byOrg) {
      const schema = await findOrgSchema(database.db, orgId);
      if (!schema) continue;
      const languages = await userLanguages(orgId, [
        ...new Set(works.flatMap((work) => [...work.mentioned, ...(work.assignee ? [work.assignee] : [])])),
      ]);
      const names = await userNames([...new Set(works.map((work) => work.payload.actorId))]);
      await database.transaction('records.activity-created', async (trx) => {
        // A second delivery of an event (after a crash) finds it marked and does nothing again.
        const fresh = await markHandledMany(
          trx,
          schema,
          works.map((work) => work.event.id),
          'records.activity-created',
        );
        const todo = works.filter((work) => fresh.has(work.event.id));
        await insertTimeline(
          trx,
          schema,
          todo.flatMap(({ event, payload, record, parent }) =>
            parent
              ? [
                  {
                    id: event.id,
                    module: parent.module,
                    record_id: parent.id,
                    kind: parent.kind,
                    actor_id: payload.actorId,
                    data: {
                      module: payload.module,
                      id: payload.id,
                      title: String(record.subject ?? record.title ?? ''),
                      excerpt: typeof record.content === 'string' ? plainMentions(record.content).slice(0, 280) : null,
                    },
                  },
                ]
              : [],
          ),
        );
        const notifications = todo.flatMap(({ payload, record, parent, mentioned, assignee }) => {
          const who = names.get(payload.actorId) ?? '—';
          const link = parent ? `/records/${parent.module}/${parent.id}` : `/records/${payload.module}/${payload.id}`;
          const body = typeof record.content === 'string' ? plainMentions(record.content) : null;
          const told = mentioned.flatMap((userId) => {
            const language = languages.get(userId);
            return language ? [{ orgId, userId, kind: 'note.mentioned', title: TEXT[language].mentioned(who), body, link }] : [];
          });
          const language = assignee ? languages.get(assignee) : undefined;
          if (assignee && language)
            told.push({
              orgId,
              userId: assignee,
              kind: 'task.assigned',
              title: TEXT[language].assigned(who, String(record.subject ?? '')),
              body: null,
              link: `/records/tasks/${payload.id}`,
            });
          return told;
        });
        await notifier.notifyMany(trx, notifications);
      });
    }
  }

  /**
   * record.updated, a batch at a time: followers (but the one who changed it) are told; a task given to someone else
   * is assigned to them. The followers of the whole batch are read at once: most changed records (an import's rules
   * at work) have none, and cost no more.
   */
  async function onUpdatedBatch(events: DomainEvent[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const byOrg = new Map<string, DomainEvent[]>();
    for (const event of events) if (event.orgId) byOrg.set(event.orgId, [...(byOrg.get(event.orgId) ?? []), event]);
    for (const [orgId, orgEvents] of byOrg) {
      try {
        const schema = await findOrgSchema(database.db, orgId);
        if (!schema) continue;
        const followers = await listFollowersOf(
          database.db,
          schema,
          orgEvents.map((event) => (event.payload as unknown as RecordEventPayload).id),
        );
        for (const event of orgEvents)
          await onUpdated(event, orgId, schema, followers.get((event.payload as unknown as RecordEventPayload).id) ?? []).catch(
            (error: unknown) => failures.set(event.id, error),
          );
      } catch (error) {
        for (const event of orgEvents) failures.set(event.id, error);
      }
    }
    return failures;
  }

  async function onUpdated(event: DomainEvent, orgId: string, schema: string, following: string[]) {
    const payload = event.payload as unknown as RecordEventPayload;
    const followers = following.filter((id) => id !== payload.actorId);
    const newOwner =
      payload.module === 'tasks' && payload.changes?.owner_id && payload.changes.owner_id.to !== payload.actorId
        ? (payload.changes.owner_id.to as string)
        : null;
    if (followers.length === 0 && !newOwner) return;
    const metadata = await deps.metadata.get(orgId, schema);
    const module = metadata.modules.get(payload.module);
    const name = module
      ? module.displayFields
          .map((f) => payload.record[f])
          .filter(Boolean)
          .join(' ') || '—'
      : '—';
    const languages = await userLanguages(orgId, [...followers, ...(newOwner ? [newOwner] : [])]);
    const who = await actorName(payload.actorId);
    const link = `/records/${payload.module}/${payload.id}`;
    await database.transaction('records.record-updated', async (trx) => {
      if (!(await markHandled(trx, schema, event.id, 'records.record-updated'))) return;
      for (const userId of followers) {
        const language = languages.get(userId);
        if (language) await notifier.notify(trx, { orgId, userId, kind: 'record.updated', title: TEXT[language].changed(who, name), link });
      }
      if (newOwner && languages.has(newOwner)) {
        await notifier.notify(trx, {
          orgId,
          userId: newOwner,
          kind: 'task.assigned',
          title: TEXT[languages.get(newOwner)!].assigned(who, name),
          link,
        });
      }
    });
  }

  function subscribe() {
    ctx.events.onBatch('record.created', onCreatedBatch, { name: 'records.activity-created' });
    ctx.events.onBatch('record.updated', onUpdatedBatch, { name: 'records.record-updated' });
  }

  return { getTags, putTags, tagsInUse, follow, followStatus, subscribe };
}
