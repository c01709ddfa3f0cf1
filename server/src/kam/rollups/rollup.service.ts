import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import type { MetadataStore, OrgMetadata } from '../../records/index.js';
import { findOrgSchema } from '../kam.repository.js';
import { stagesOf } from '../kpis/definitions/common.js';
import {
  analyzeRollups,
  installRollupTriggers,
  isEmptyDirtySet,
  lockRollups,
  readRollupState,
  recomputeRollups,
  rollupSignature,
  takeDirtyMarks,
  writeRollupState,
  type RollupBasis,
} from './rollup.repository.js';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Builds an organization's KPI rollups from its raw records (missing, or built for another time zone or stages). */
    'kam.rollups-rebuild': { orgId: string };
  }
}

export const ROLLUP_REBUILD_JOB = 'kam.rollups-rebuild';
/** Dirty marks taken per drain transaction. */
const DRAIN_BATCH = 5_000;
/** A write's marks are drained this long after its event (writes in between share the drain). */
const DRAIN_DELAY_MS = 1_000;
/** An organization with fewer deals and touchpoints than this is rolled up inline by the first request that needs it. */
const INLINE_REBUILD_ROWS = 50_000;
const RECORD_EVENTS = ['record.created', 'record.updated', 'record.deleted', 'record.restored', 'record.merged'];

/** The rollups' basis for an organization: its time zone, and its won and lost deal stages. */
export const rollupBasisOf = (metadata: OrgMetadata, timeZone: string): RollupBasis => ({ timeZone, ...stagesOf(metadata) });

/**
 * The KPI rollups of each organization (see README): built whole when missing
 * or outdated, kept up to date from the dirty marks the triggers write — by a
 * drain shortly after each write and by any request that reads them, so a
 * request always sees every committed write.
 */
export function createRollupService(ctx: Pick<AppContext, 'database' | 'events' | 'jobs' | 'now'>, deps: { metadata: MetadataStore }) {
  const { database } = ctx;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let closed = false;

  /**
   * Brings the rollups up to date with the dirty marks committed so far (up to `upTo` when given: a request
   * catches up with the writes before it, not with an import still running).
   */
  async function drain(metadata: OrgMetadata, basis: RollupBasis, upTo?: string): Promise<void> {
    for (;;) {
      const empty = await database.transaction('kam.rollups-drain', async (trx) => {
        await lockRollups(trx, metadata.schema);
        const set = await takeDirtyMarks(trx, metadata.schema, DRAIN_BATCH, upTo);
        if (isEmptyDirtySet(set)) return true;
        await recomputeRollups(trx, metadata, basis, set);
        return false;
      });
      if (empty) return;
    }
  }

  /** Installs the triggers and builds every rollup from the raw records, in one transaction. */
  async function rebuild(metadata: OrgMetadata, basis: RollupBasis): Promise<void> {
    await database.transaction('kam.rollups-rebuild', async (trx) => {
      await lockRollups(trx, metadata.schema);
      await installRollupTriggers(trx, metadata);
      await recomputeRollups(trx, metadata, basis, 'all');
      await analyzeRollups(trx, metadata.schema);
      // Marks already written stay: draining them again recomputes the same rows.
      await writeRollupState(trx, metadata.schema, basis, ctx.now());
    });
  }

  async function isSmall(executor: Executor, metadata: OrgMetadata): Promise<boolean> {
    let rows = 0;
    for (const module of ['deals', 'touchpoints']) {
      const meta = metadata.modules.get(module);
      if (!meta) continue;
      const result = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM (SELECT 1 FROM ${sql.table(`${metadata.schema}.${meta.table}`)} LIMIT ${INLINE_REBUILD_ROWS}) x`.execute(
        executor,
      );
      rows += result.rows[0]?.n ?? 0;
    }
    return rows < INLINE_REBUILD_ROWS;
  }

  /**
   * Whether the KPI engine may read the organization's rollups now: built for
   * this basis and with no dirty mark left (drained here when there are some).
   * A large organization without them gets a rebuild job and reads raw rows meanwhile.
   */
  async function ready(orgId: string, metadata: OrgMetadata, timeZone: string): Promise<boolean> {
    const basis = rollupBasisOf(metadata, timeZone);
    const state = await readRollupState(database.db, metadata.schema);
    if (state.signature !== rollupSignature(basis)) {
      if (!(await isSmall(database.db, metadata))) {
        await ctx.jobs.send(ROLLUP_REBUILD_JOB, { orgId }, { singletonKey: orgId });
        return false;
      }
      await rebuild(metadata, basis);
    }
    if (state.lastDirtyId !== null) await drain(metadata, basis, state.lastDirtyId);
    return true;
  }

  async function loadOrg(orgId: string): Promise<{ metadata: OrgMetadata; basis: RollupBasis } | null> {
    const schema = await findOrgSchema(database.db, orgId);
    if (!schema) return null;
    const org = await database.db.selectFrom('platform.organizations').select('time_zone').where('id', '=', orgId).executeTakeFirst();
    if (!org) return null;
    const metadata = await deps.metadata.get(orgId, schema);
    return { metadata, basis: rollupBasisOf(metadata, org.time_zone) };
  }

  /** The rebuild job: skipped when another node built them meanwhile. */
  async function rebuildOrg(orgId: string): Promise<void> {
    const org = await loadOrg(orgId);
    if (!org) return;
    const state = await readRollupState(database.db, org.metadata.schema);
    if (state.signature !== rollupSignature(org.basis)) await rebuild(org.metadata, org.basis);
  }

  /** Drains an organization's marks a moment after a write to deals or touchpoints (one drain for a burst of writes). */
  function onRecordEvent(event: DomainEvent): Promise<void> {
    const module = (event.payload as { module?: string }).module;
    const orgId = event.orgId;
    if (closed || !orgId || (module !== 'deals' && module !== 'touchpoints' && module !== 'accounts' && module !== 'leads'))
      return Promise.resolve();
    if (timers.has(orgId)) return Promise.resolve();
    const timer = setTimeout(() => {
      timers.delete(orgId);
      const work = (async () => {
        const org = await loadOrg(orgId);
        if (!org) return;
        const state = await readRollupState(database.db, org.metadata.schema);
        // Not built (or for another basis): the rebuild, not a drain, brings them up to date.
        if (state.signature === rollupSignature(org.basis) && state.lastDirtyId !== null) await drain(org.metadata, org.basis);
      })()
        // A failed drain leaves its marks: the next drain or request takes them again.
        .catch(() => undefined)
        .finally(() => running.delete(work));
      running.add(work);
    }, DRAIN_DELAY_MS);
    timers.set(orgId, timer);
    return Promise.resolve();
  }

  function subscribe() {
    for (const type of RECORD_EVENTS) ctx.events.on(type, onRecordEvent, { name: `kam.rollups.${type}` });
  }

  async function close(): Promise<void> {
    closed = true;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    await Promise.all([...running]);
  }

  return { ready, drain, rebuild, rebuildOrg, subscribe, close };
}

export type RollupService = ReturnType<typeof createRollupService>;
