import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';

/** The lead's timeline entries, oldest first (copied to the contact on conversion). */
export async function listAllTimeline(
  executor: Executor,
  schema: string,
  recordId: string,
): Promise<Array<{ kind: string; actor_id: string | null; at: Date; data: Record<string, unknown> }>> {
  const result = await sql<{ kind: string; actor_id: string | null; at: Date; data: Record<string, unknown> }>`
    SELECT t.kind, t.actor_id, t.at, t.data FROM ${sql.raw(`${quoteIdent(schema)}._timeline`)} t
    WHERE t.record_id = ${recordId} ORDER BY t.at, t.id`.execute(executor);
  return result.rows;
}
