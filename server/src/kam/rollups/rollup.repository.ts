import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent, type OrgMetadata } from '../../records/index.js';

/**
 * The SQL of the KPI rollups: building them from the raw rows (all of them,
 * or the accounts, months and leads marked dirty), the triggers that mark
 * what a write touched, and the state they were built for.
 */

/** Deal sources that make won revenue referral revenue (the sales family's). */
export const REFERRAL_SOURCES = ['customer_referral', 'external_referral', 'employee_referral'];

export const ROLLUP_TABLES = [
  'kam_rollup_touch_months',
  'kam_rollup_touch_days',
  'kam_rollup_deal_months',
  'kam_rollup_won_accounts',
  'kam_rollup_lead_touches',
];

export interface RollupBasis {
  /** Time zone of the months, won and lost deal stages. */
  timeZone: string;
  won: string[];
  lost: string[];
}

/**
 * What rollups are built for: a change of any part asks for a rebuild. Bump `v` when the triggers or what a
 * rollup row means change: every organization then rebuilds (and reinstalls its triggers) on its next request.
 */
export const rollupSignature = (basis: RollupBasis) =>
  JSON.stringify({ v: 1, tz: basis.timeZone, won: [...basis.won].sort(), lost: [...basis.lost].sort() });

/** The dirty marks taken by one drain: accounts (touchpoints, won deals), months (closed deals) and leads (first touch, conversion). */
export interface DirtySet {
  accounts: string[];
  months: string[];
  leads: string[];
}

export const isEmptyDirtySet = (set: DirtySet) => set.accounts.length + set.months.length + set.leads.length === 0;

const own = (schema: string, table: string) => sql.raw(qualifiedTable(schema, table));

function moduleTable(metadata: OrgMetadata, module: string): RawBuilder<unknown> | null {
  const meta = metadata.modules.get(module);
  return meta ? sql.raw(qualifiedTable(metadata.schema, meta.table)) : null;
}

/** The month (first day) of an instant in the time zone. */
const monthOf = (instant: RawBuilder<unknown>, timeZone: string) => sql`date_trunc('month', ${instant} AT TIME ZONE ${timeZone})::date`;

export async function readRollupState(
  executor: Executor,
  schema: string,
): Promise<{ signature: string | null; timeZone: string | null; lastDirtyId: string | null }> {
  const result = await sql<{ signature: string | null; time_zone: string | null; last_dirty_id: string | null }>`
    SELECT (SELECT signature FROM ${own(schema, 'kam_rollup_state')}) AS signature,
      (SELECT time_zone FROM ${own(schema, 'kam_rollup_state')}) AS time_zone,
      (SELECT max(id)::text FROM ${own(schema, 'kam_rollup_dirty')}) AS last_dirty_id`.execute(executor);
  const row = result.rows[0];
  return { signature: row?.signature ?? null, timeZone: row?.time_zone ?? null, lastDirtyId: row?.last_dirty_id ?? null };
}

/** One drain or rebuild of an organization's rollups at a time, across nodes (held to the end of the transaction). */
export async function lockRollups(executor: Executor, schema: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`kam-rollups:${schema}`}))`.execute(executor);
}

/** Takes up to `limit` dirty marks (the oldest; none after `upTo` when given), deduplicated. */
export async function takeDirtyMarks(executor: Executor, schema: string, limit: number, upTo?: string): Promise<DirtySet> {
  const until = upTo === undefined ? sql`` : sql`WHERE id <= ${upTo}::bigint`;
  const result = await sql<{ kind: string; key: string }>`
    DELETE FROM ${own(schema, 'kam_rollup_dirty')} WHERE id IN (
      SELECT id FROM ${own(schema, 'kam_rollup_dirty')} ${until} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ) RETURNING kind, key`.execute(executor);
  const sets = { account: new Set<string>(), month: new Set<string>(), lead: new Set<string>() };
  for (const row of result.rows) sets[row.kind as keyof typeof sets]?.add(row.key);
  return { accounts: [...sets.account], months: [...sets.month], leads: [...sets.lead] };
}

/**
 * Recomputes the rollup rows of a dirty set, or every row (`all`), from the
 * raw records: live rows only, months of `basis.timeZone`.
 */
export async function recomputeRollups(
  executor: Executor,
  metadata: OrgMetadata,
  basis: RollupBasis,
  set: DirtySet | 'all',
): Promise<void> {
  const { schema } = metadata;
  const touchpoints = moduleTable(metadata, 'touchpoints');
  const deals = moduleTable(metadata, 'deals');
  const leads = moduleTable(metadata, 'leads');
  const all = set === 'all';
  const tz = basis.timeZone;

  if (touchpoints && (all || set.accounts.length > 0)) {
    const accounts = all ? sql`true` : sql`t.account_id = ANY(${set.accounts}::uuid[])`;
    await sql`DELETE FROM ${own(schema, 'kam_rollup_touch_months')} WHERE ${all ? sql`true` : sql`account_id = ANY(${set.accounts}::uuid[])`}`.execute(
      executor,
    );
    await sql`
      INSERT INTO ${own(schema, 'kam_rollup_touch_months')} (account_id, month, total, inbound, outbound, minutes)
      SELECT t.account_id, ${monthOf(sql`t.occurred_at`, tz)}, count(*), count(*) FILTER (WHERE t.direction = 'inbound'),
        count(*) FILTER (WHERE t.direction = 'outbound'), coalesce(sum(t.duration_minutes), 0)
      FROM ${touchpoints} t
      WHERE t.deleted_at IS NULL AND t.account_id IS NOT NULL AND t.occurred_at IS NOT NULL AND ${accounts}
      GROUP BY 1, 2`.execute(executor);
    await sql`DELETE FROM ${own(schema, 'kam_rollup_touch_days')} WHERE ${all ? sql`true` : sql`account_id = ANY(${set.accounts}::uuid[])`}`.execute(
      executor,
    );
    await sql`
      INSERT INTO ${own(schema, 'kam_rollup_touch_days')} (account_id, day)
      SELECT DISTINCT t.account_id, (t.occurred_at AT TIME ZONE ${tz})::date FROM ${touchpoints} t
      WHERE t.deleted_at IS NULL AND t.account_id IS NOT NULL AND t.occurred_at IS NOT NULL AND ${accounts}`.execute(executor);
  }
  if (touchpoints && leads && (all || set.leads.length > 0)) {
    await sql`DELETE FROM ${own(schema, 'kam_rollup_lead_touches')} WHERE ${all ? sql`true` : sql`lead_id = ANY(${set.leads}::uuid[])`}`.execute(
      executor,
    );
    await sql`
      INSERT INTO ${own(schema, 'kam_rollup_lead_touches')} (lead_id, first_at, channel, converted_at)
      SELECT DISTINCT ON (t.lead_id) t.lead_id, t.occurred_at, t.channel, l.converted_at
      FROM ${touchpoints} t JOIN ${leads} l ON l.id = t.lead_id AND l.deleted_at IS NULL
      WHERE t.lead_id IS NOT NULL AND t.direction = 'outbound' AND t.deleted_at IS NULL
        AND ${all ? sql`true` : sql`t.lead_id = ANY(${set.leads}::uuid[])`}
      ORDER BY t.lead_id, t.occurred_at, t.id`.execute(executor);
  }
  if (deals && (all || set.accounts.length > 0)) {
    await sql`DELETE FROM ${own(schema, 'kam_rollup_won_accounts')} WHERE ${all ? sql`true` : sql`account_id = ANY(${set.accounts}::uuid[])`}`.execute(
      executor,
    );
    await sql`
      INSERT INTO ${own(schema, 'kam_rollup_won_accounts')} (account_id, month)
      SELECT DISTINCT d.account_id, ${monthOf(sql`d.closed_at`, tz)} FROM ${deals} d
      WHERE d.deleted_at IS NULL AND d.account_id IS NOT NULL AND d.closed_at IS NOT NULL AND d.stage = ANY(${basis.won}::text[])
        AND ${all ? sql`true` : sql`d.account_id = ANY(${set.accounts}::uuid[])`}`.execute(executor);
  }
  if (deals && (all || set.months.length > 0)) {
    // A month's deals by a range of closed_at with constant bounds (an index range each), not by computing each
    // deal's month or joining the months (which the planner reads as a scan of every deal).
    const months = all
      ? sql``
      : sql`AND (${sql.join(
          set.months.map(
            (month) =>
              sql`(d.closed_at >= (${month}::timestamp AT TIME ZONE ${tz}) AND d.closed_at < ((${month}::date + interval '1 month')::timestamp AT TIME ZONE ${tz}))`,
          ),
          sql` OR `,
        )})`;
    await sql`DELETE FROM ${own(schema, 'kam_rollup_deal_months')} WHERE ${all ? sql`true` : sql`month = ANY(${set.months}::date[])`}`.execute(
      executor,
    );
    await sql`
      INSERT INTO ${own(schema, 'kam_rollup_deal_months')} (month, outcome, deal_type, referral, currency, deals, amount)
      SELECT ${monthOf(sql`d.closed_at`, tz)}, CASE WHEN d.stage = ANY(${basis.won}::text[]) THEN 'won' ELSE 'lost' END,
        coalesce(d.deal_type, ''), coalesce(d.lead_source = ANY(${REFERRAL_SOURCES}::text[]), false), coalesce(d.currency, ''),
        count(*), coalesce(sum(d.amount), 0)
      FROM ${deals} d
      WHERE d.deleted_at IS NULL AND d.closed_at IS NOT NULL AND (d.stage = ANY(${basis.won}::text[]) OR d.stage = ANY(${basis.lost}::text[]))
        ${months}
      GROUP BY 1, 2, 3, 4, 5`.execute(executor);
  }
}

/** Fresh planner statistics after a rebuild (the tables were just refilled). */
export async function analyzeRollups(executor: Executor, schema: string): Promise<void> {
  for (const table of ROLLUP_TABLES) await sql`ANALYZE ${own(schema, table)}`.execute(executor);
}

export async function writeRollupState(executor: Executor, schema: string, basis: RollupBasis, at: Date): Promise<void> {
  await sql`
    INSERT INTO ${own(schema, 'kam_rollup_state')} (singleton, signature, time_zone, built_at) VALUES (true, ${rollupSignature(basis)}, ${basis.timeZone}, ${at})
    ON CONFLICT (singleton) DO UPDATE SET signature = excluded.signature, time_zone = excluded.time_zone, built_at = excluded.built_at`.execute(
    executor,
  );
}

/**
 * Columns whose change moves a rollup: a write that changes none of them marks nothing. `marks` are the
 * (kind, key) pairs of a row alias `r`.
 */
const WATCHED: Record<'deals' | 'touchpoints' | 'leads', { columns: string[]; marks: string[]; keys: string[] }> = {
  deals: {
    keys: ['account_id', 'closed_at'],
    columns: ['account_id', 'closed_at', 'stage', 'deal_type', 'lead_source', 'amount', 'currency', 'deleted_at'],
    marks: [
      `SELECT 'account', r.account_id::text FROM touched r WHERE r.account_id IS NOT NULL`,
      `SELECT 'month', date_trunc('month', r.closed_at AT TIME ZONE tz)::date::text FROM touched r WHERE r.closed_at IS NOT NULL`,
    ],
  },
  touchpoints: {
    keys: ['account_id', 'lead_id'],
    columns: ['account_id', 'lead_id', 'occurred_at', 'direction', 'duration_minutes', 'channel', 'deleted_at'],
    marks: [
      `SELECT 'account', r.account_id::text FROM touched r WHERE r.account_id IS NOT NULL`,
      `SELECT 'lead', r.lead_id::text FROM touched r WHERE r.lead_id IS NOT NULL`,
    ],
  },
  leads: {
    keys: ['converted_at'],
    columns: ['converted_at', 'deleted_at'],
    marks: [`SELECT 'lead', r.id::text FROM touched r`],
  },
};

/**
 * Installs (or replaces) the statement triggers on deals, touchpoints and leads that
 * log what each write touched in `kam_rollup_dirty`, in the writer's
 * transaction: whatever writes the rows (the API, an import, a merge, SQL), the
 * marks commit with it. One statement per write statement, whatever its size.
 */
export async function installRollupTriggers(executor: Executor, metadata: OrgMetadata): Promise<void> {
  const { schema } = metadata;
  const s = quoteIdent(schema);
  for (const module of ['deals', 'touchpoints', 'leads'] as const) {
    const meta = metadata.modules.get(module);
    if (!meta) continue;
    const table = qualifiedTable(schema, meta.table);
    const fn = `${s}.${quoteIdent(`kam_rollup_mark_${module}`)}`;
    const { columns: watched, marks, keys } = WATCHED[module];
    const has = (column: string) => column === 'deleted_at' || meta.fields.some((field) => field.apiName === column);
    // A catalog without the columns the marks read has nothing to roll up.
    if (!keys.every(has)) continue;
    const columns = watched.filter(has);
    const changed = columns.map((c) => `o.${quoteIdent(c)} IS DISTINCT FROM n.${quoteIdent(c)}`).join(' OR ');
    const insert = (rows: string) =>
      `WITH touched AS (${rows}) INSERT INTO ${s}.kam_rollup_dirty (kind, key) SELECT DISTINCT * FROM (${marks.join(' UNION ALL ')}) x;`;
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE tz text := coalesce((SELECT time_zone FROM ${s}.kam_rollup_state), 'UTC');
        BEGIN
          IF TG_OP = 'INSERT' THEN
            ${insert('SELECT * FROM new_rows')}
          ELSIF TG_OP = 'DELETE' THEN
            ${insert('SELECT * FROM old_rows')}
          ELSE
            ${insert(`SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed}
              UNION ALL SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed}`)}
          END IF;
          RETURN NULL;
        END $fn$`,
      )
      .execute(executor);
    // Transition tables allow one event per trigger.
    for (const [event, referencing] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ] as const) {
      const name = quoteIdent(`kam_rollup_${event.toLowerCase()}`);
      await sql.raw(`DROP TRIGGER IF EXISTS ${name} ON ${table}`).execute(executor);
      // A new lead has no touchpoint yet: only its changes and deletion move a rollup (imports stay cheap).
      if (module === 'leads' && event === 'INSERT') continue;
      await sql
        .raw(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`)
        .execute(executor);
    }
  }
}
