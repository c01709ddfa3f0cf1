import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../metadata/ddl.js';

/** Tags, follows and handled-event marks in an organization's schema. */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export async function listTags(executor: Executor, schema: string, recordId: string): Promise<string[]> {
  const result = await sql<{ tag: string }>`SELECT tag FROM ${t(schema, '_tags')} WHERE record_id = ${recordId} ORDER BY tag`.execute(
    executor,
  );
  return result.rows.map((row) => row.tag);
}

export async function replaceTags(executor: Executor, schema: string, module: string, recordId: string, tags: string[]): Promise<void> {
  await sql`DELETE FROM ${t(schema, '_tags')} WHERE record_id = ${recordId}`.execute(executor);
  if (tags.length === 0) return;
  const rows = tags.map((tag) => sql`(${module}, ${recordId}, ${tag})`);
  await sql`INSERT INTO ${t(schema, '_tags')} (module, record_id, tag) VALUES ${sql.join(rows)}`.execute(executor);
}

/** Tags in use in a module, most used first. */
export async function countTags(executor: Executor, schema: string, module: string): Promise<Array<{ tag: string; count: number }>> {
  const result = await sql<{ tag: string; count: number }>`
    SELECT tag, count(*)::int AS count FROM ${t(schema, '_tags')} WHERE module = ${module} GROUP BY tag ORDER BY count DESC, tag LIMIT 500`.execute(
    executor,
  );
  return result.rows;
}

export async function setFollow(
  executor: Executor,
  schema: string,
  module: string,
  recordId: string,
  userId: string,
  follow: boolean,
): Promise<void> {
  if (follow) {
    await sql`INSERT INTO ${t(schema, '_follows')} (module, record_id, user_id) VALUES (${module}, ${recordId}, ${userId}) ON CONFLICT DO NOTHING`.execute(
      executor,
    );
  } else {
    await sql`DELETE FROM ${t(schema, '_follows')} WHERE record_id = ${recordId} AND user_id = ${userId}`.execute(executor);
  }
}

export async function listFollowers(executor: Executor, schema: string, recordId: string): Promise<string[]> {
  const result = await sql<{ user_id: string }>`SELECT user_id FROM ${t(schema, '_follows')} WHERE record_id = ${recordId}`.execute(
    executor,
  );
  return result.rows.map((row) => row.user_id);
}

/** The followers of each of many records (records nobody follows are absent). */
export async function listFollowersOf(executor: Executor, schema: string, recordIds: string[]): Promise<Map<string, string[]>> {
  const result = await sql<{ record_id: string; user_id: string }>`SELECT record_id, user_id FROM ${t(schema, '_follows')}
    WHERE record_id = ANY(${recordIds}::uuid[])`.execute(executor);
  const followers = new Map<string, string[]>();
  for (const row of result.rows) followers.set(row.record_id, [...(followers.get(row.record_id) ?? []), row.user_id]);
  return followers;
}

/** Marks an event as handled by `handler`; false when it already was (a redelivery). */
export async function markHandled(executor: Executor, schema: string, eventId: string, handler: string): Promise<boolean> {
  return (await markHandledMany(executor, schema, [eventId], handler)).size > 0;
}

/** Marks events as handled by `handler`; resolves with those that were not yet (the others are redeliveries). */
export async function markHandledMany(executor: Executor, schema: string, eventIds: string[], handler: string): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const result = await sql<{ event_id: string }>`INSERT INTO ${t(schema, '_handled_events')} (event_id, handler)
    SELECT unnest(${eventIds}::uuid[]), ${handler} ON CONFLICT DO NOTHING RETURNING event_id`.execute(executor);
  return new Set(result.rows.map((row) => row.event_id));
}

export async function findOrgSchema(executor: Executor, orgId: string): Promise<string | undefined> {
  const row = await executor.selectFrom('platform.organizations').select('schema_name').where('id', '=', orgId).executeTakeFirst();
  return row?.schema_name;
}
