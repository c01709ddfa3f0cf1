import type { Database, Executor } from '../db/database.js';
import { findOrganization } from './workflow/workflow.repository.js';
import type { AppContext } from '../platform/context.js';

/**
 * An organization's active rules of one kind, by module, kept in memory: every record event asks, and an import makes
 * thousands. A rule write on any node drops the organization's copy (a message on `channel`); a load that raced with a
 * write is not kept (the generation moved), and no copy lives longer than `maxAgeMs`.
 */
export function createRulesCache<Rule extends { module: string }>(
  ctx: Pick<AppContext, 'cluster'>,
  options: { channel: string; maxAgeMs: number; load: (schema: string, executor?: Executor) => Promise<Rule[]> },
) {
  const copies = new Map<string, { at: number; byModule: Map<string, Rule[]> }>();
  const generations = new Map<string, number>();
  const forget = (orgId: string) => {
    copies.delete(orgId);
    generations.set(orgId, (generations.get(orgId) ?? 0) + 1);
  };
  void ctx.cluster.subscribe(options.channel, forget);
  ctx.cluster.onReconnect(() => {
    for (const orgId of [...copies.keys()]) forget(orgId);
  });

  return {
    /** The rules by module; `executor`: the caller's transaction, should they have to be read (inside one, the pool is off limits). */
    async byModule(orgId: string, schema: string, executor?: Executor): Promise<Map<string, Rule[]>> {
      const cached = copies.get(orgId);
      if (cached && Date.now() - cached.at < options.maxAgeMs) return cached.byModule;
      const generation = generations.get(orgId) ?? 0;
      const byModule = new Map<string, Rule[]>();
      for (const rule of await options.load(schema, executor)) byModule.set(rule.module, [...(byModule.get(rule.module) ?? []), rule]);
      if ((generations.get(orgId) ?? 0) === generation) copies.set(orgId, { at: Date.now(), byModule });
      return byModule;
    },
    /** Drops this node's copy now (a test, a recalculation). */
    forget,
    /** Tells every node that an organization's rules changed (call after the write): here at once, then on the others. */
    async changed(orgId: string) {
      forget(orgId);
      await ctx.cluster.publish(options.channel, orgId);
    },
  };
}

/**
 * An organization's schema and time zone, each kept a minute (every record event asks; the time zone may change).
 * The engines' shared lookup.
 */
export function createOrganizationLookup(database: Database) {
  const copies = new Map<string, { org: { schema: string; timeZone: string }; at: number }>();
  return async (orgId: string): Promise<{ schema: string; timeZone: string } | undefined> => {
    const cached = copies.get(orgId);
    if (cached && Date.now() - cached.at < 60_000) return cached.org;
    const org = await findOrganization(database.db, orgId);
    if (org) copies.set(orgId, { org, at: Date.now() });
    return org;
  };
}
