import type { Database } from '../../db/database.js';

declare module './jobs.js' {
  interface JobPayloads {
    /** Hourly: expired sessions, old one-time tokens, stale sign-in throttling rows, handled outbox events. */
    'platform.cleanup': Record<string, never>;
    /** Nightly, embedded database only (PGlite has no autovacuum): VACUUM ANALYZE table by table. */
    'platform.vacuum': Record<string, never>;
  }
}

/** Rows deleted per statement: on the embedded database other requests get their turn between batches. */
const BATCH = 1000;

/** Handled outbox events are kept this long (to look into what happened), then deleted. */
export const OUTBOX_RETENTION_DAYS = 7;
/** Used and expired one-time tokens are kept a day, so a link clicked twice can still say "already used" or "expired". */
export const ONE_TIME_TOKEN_GRACE_HOURS = 24;

async function deleteInBatches(database: Database, table: string, key: string, where: string, values: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await database.query(
      `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${BATCH})`,
      values,
    );
    total += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH) return total;
  }
}

export interface CleanupResult {
  sessions: number;
  oneTimeTokens: number;
  signInThrottle: number;
  outbox: number;
}

/** Deletes what nobody needs any more. Safe to run at any time, on any node, more than once. */
export async function cleanUp(database: Database, now: Date): Promise<CleanupResult> {
  return {
    sessions: await deleteInBatches(database, 'platform.sessions', 'id', 'expires_at < $1', [now]),
    oneTimeTokens: await deleteInBatches(
      database,
      'platform.one_time_tokens',
      'token_hash',
      `(used_at < $1::timestamptz - make_interval(hours => ${ONE_TIME_TOKEN_GRACE_HOURS}) OR expires_at < $1::timestamptz - make_interval(hours => ${ONE_TIME_TOKEN_GRACE_HOURS}))`,
      [now],
    ),
    // Failure counts reset after a quiet hour anyway (sign-in-throttle.ts), so such rows change nothing.
    signInThrottle: await deleteInBatches(
      database,
      'platform.sign_in_throttle',
      'key',
      `blocked_until < $1 AND last_failure_at < $1::timestamptz - interval '1 hour'`,
      [now],
    ),
    outbox: await deleteInBatches(
      database,
      'platform.outbox',
      'id',
      `processed_at < $1::timestamptz - make_interval(days => ${OUTBOX_RETENTION_DAYS})`,
      [now],
    ),
  };
}

/**
 * VACUUM ANALYZE on the embedded database, one table at a time so that
 * requests get their turn in between. PGlite has no autovacuum: without this,
 * the job and outbox tables bloat and the planner has no statistics.
 * PostgreSQL's autovacuum does this by itself there.
 */
export async function vacuumEmbedded(database: Database): Promise<{ tables: number }> {
  if (database.kind !== 'embedded') return { tables: 0 };
  const { rows } = await database.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1`,
  );
  for (const row of rows) {
    // A partitioned table has no storage of its own: its partitions are vacuumed one by one; ANALYZE gives it statistics.
    await database.query(row.kind === 'p' ? `ANALYZE ${row.name}` : `VACUUM (ANALYZE) ${row.name}`);
  }
  return { tables: rows.length };
}
