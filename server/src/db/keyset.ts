import { sql, type RawBuilder } from 'kysely';

/**
 * Keyset pagination on (created_at DESC, id DESC). The timestamp travels as
 * microsecond UTC text: a JS Date keeps only milliseconds and would skip or
 * repeat rows written within the same millisecond.
 */
export const keysetTimestamp = (createdAtColumn: string): RawBuilder<string> =>
  sql<string>`to_char(${sql.ref(createdAtColumn)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after a keyset position in (created_at DESC, id DESC) order. */
export const afterKeyset = (createdAtColumn: string, idColumn: string, position: { createdAt: string; id: string }): RawBuilder<boolean> =>
  sql<boolean>`(${sql.ref(createdAtColumn)}, ${sql.ref(idColumn)}) < (${position.createdAt}::timestamptz, ${position.id}::uuid)`;
