import pg from 'pg';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PlatformDatabase } from './platform-schema.js';
import { assertNotInTransaction, runInTransactionContext } from './transaction-guard.js';
import { openEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';

// Dates travel as YYYY-MM-DD strings (a Date would shift across time zones);
// bigint counts fit in a JS number for everything Clave counts.
pg.types.setTypeParser(1082, (value) => value);
pg.types.setTypeParser(20, (value) => Number(value));

export type Db = Kysely<PlatformDatabase>;
export type Trx = Transaction<PlatformDatabase>;
/** Either the shared handle or an open transaction: repositories accept both. */
export type Executor = Db | Trx;

export interface Database {
  kind: 'embedded' | 'postgres';
  /** Queries outside a transaction. */
  db: Db;
  /** Runs fn in one transaction; hooks registered with afterCommit run once it commits. */
  transaction<T>(label: string, fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * Raw SQL for a query outside a transaction (pg-boss, health checks, hot paths).
   * With `name`, the statement is parsed and planned once per connection and then
   * reused: for queries run on every request. Give such statements an explicit
   * column list (never `*`), so that a column added later cannot change their result.
   */
  query<R = Record<string, unknown>>(
    text: string,
    values?: unknown[],
    options?: { name?: string },
  ): Promise<{ rows: R[]; rowCount: number | null }>;
  /** Writes dirty pages to disk (embedded) — a no-op on PostgreSQL. */
  checkpoint(): Promise<void>;
  /** The embedded engine, when there is one (backups, vacuum). */
  embedded?: EmbeddedPostgres;
  /** The PostgreSQL connection string (not set on the embedded database): a dedicated LISTEN connection uses it. */
  connectionString?: string;
  /**
   * Embedded only: a number that changes whenever any statement other than a
   * SELECT runs. This process is the only one that can write the embedded
   * database, so a value read while the number stays the same is still current.
   * Null on PostgreSQL, which other processes write too.
   */
  writeGeneration(): number | null;
  close(): Promise<void>;
}

const commitHooks = new AsyncLocalStorage<Array<() => void>>();

/** Registers work to run after the current transaction commits (never if it rolls back). */
export function afterCommit(hook: () => void): void {
  const hooks = commitHooks.getStore();
  if (!hooks) throw new Error('afterCommit() called outside a transaction');
  hooks.push(hook);
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** Folder of the embedded database files; `memory://` keeps them in memory. */
  embeddedDir?: string;
  /** A dump (tar) to load into a new in-memory embedded database (tests). */
  embeddedSnapshot?: Blob;
  /** A backup (.tar.gz from `npm run backup`, or a copied database folder) to restore when embeddedDir holds no database yet. */
  embeddedRestoreFrom?: string;
  poolSize?: number;
}

/** Opens the embedded database or PostgreSQL behind one interface. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let pool: pg.Pool;
  let embedded: EmbeddedPostgres | undefined;
  if (options.databaseUrl) {
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // A backend that touched many org schemas keeps their catalogs cached:
      // recycle connections so memory stays bounded.
      maxUses: 5000,
      maxLifetimeSeconds: 600,
      idleTimeoutMillis: 30_000,
    });
    // JIT compiles a plan's expressions when its estimated cost is high: a grouped report over a few thousand
    // rows (the KPI engine's) then spends seconds compiling for milliseconds of work. Clave's queries are short.
    // A report's sort or hash of a few hundred thousand rows spills to disk at the default work_mem (4 MB); 32 MB
    // keeps it in memory, and the pool's 10 connections bound what that can cost.
    pool.on('connect', (client) => {
      client.query(`SET jit = off; SET work_mem = '32MB'`).catch(() => {});
    });
  } else {
    embedded = await openEmbeddedPostgres({
      dir: options.embeddedDir ?? 'memory://',
      snapshot: options.embeddedSnapshot,
      restoreFrom: options.embeddedRestoreFrom,
    });
    // One session: the pool of one connection is what serializes transactions.
    pool = new pg.Pool({ ...embedded.pgConfig, max: 1 });
    pool.on('connect', (client) => countWrites(client, () => writes++));
  }
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });

  let writes = 0;
  const guardedPool = {
    connect: () => {
      assertNotInTransaction();
      return pool.connect();
    },
    end: () => pool.end(),
  };
  const db = new Kysely<PlatformDatabase>({ dialect: new PostgresDialect({ pool: guardedPool as unknown as pg.Pool }) });

  return {
    kind: embedded ? 'embedded' : 'postgres',
    db,
    embedded,
    connectionString: options.databaseUrl,
    writeGeneration: () => (embedded ? writes : null),
    async transaction(label, fn) {
      const hooks: Array<() => void> = [];
      const result = await db.transaction().execute((trx) => commitHooks.run(hooks, () => runInTransactionContext(label, () => fn(trx))));
      for (const hook of hooks) hook();
      return result;
    },
    async query(text, values, options) {
      assertNotInTransaction();
      const result = options?.name
        ? await pool.query({ name: options.name, text, values: values as unknown[] })
        : await pool.query(text, values as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount };
    },
    async checkpoint() {
      if (embedded) await sql`CHECKPOINT`.execute(db);
    },
    async close() {
      await db.destroy();
      if (embedded) await embedded.close();
    },
  };
}

/**
 * Calls onWrite before every statement that is not a plain SELECT (counted
 * before it runs, so a read that starts later sees the new count).
 */
function countWrites(client: pg.PoolClient, onWrite: () => void): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (typeof text !== 'string' || !/^\s*select\b/i.test(text)) onWrite();
    return query(...args);
  };
}
