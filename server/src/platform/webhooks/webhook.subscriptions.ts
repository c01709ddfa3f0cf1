import { afterCommit, type Trx } from '../../db/database.js';
import type { AppContext } from '../context.js';

const CHANNEL = 'clave_webhooks';

interface Subscription {
  id: string;
  events: string[];
  modules: string[];
}

export interface WebhookSubscriptions {
  /** The active webhooks of the organization that want this event (type and module), from memory after the first read. */
  forEvent(orgId: string, type: string, module: string | null): Promise<Array<{ id: string }>>;
  /** Every node forgets the organization's webhooks once `trx` commits: call it in the transaction that changes one. */
  changed(trx: Trx, orgId: string): Promise<void>;
}

const instances = new WeakMap<AppContext, WebhookSubscriptions>();

/**
 * Every record event asks which webhooks want it, and almost always the answer
 * is none: each node keeps the organization's active webhooks in memory and
 * drops them when any node changes one (a cluster message sent on commit).
 */
export function webhookSubscriptions(ctx: AppContext): WebhookSubscriptions {
  let instance = instances.get(ctx);
  if (instance) return instance;
  const cache = new Map<string, Promise<Subscription[]>>();
  void ctx.cluster.subscribe(CHANNEL, (orgId) => cache.delete(orgId));
  ctx.cluster.onReconnect(() => cache.clear());
  const load = (orgId: string) =>
    ctx.database.db
      .selectFrom('platform.webhooks')
      .select(['id', 'events', 'modules'])
      .where('org_id', '=', orgId)
      .where('active', '=', true)
      .orderBy('id')
      .execute();
  instance = {
    async forEvent(orgId, type, module) {
      let entry = cache.get(orgId);
      if (!entry) {
        entry = load(orgId);
        cache.set(orgId, entry);
        entry.catch(() => cache.delete(orgId));
      }
      return (await entry)
        .filter((w) => w.events.includes(type) || w.events.includes('*'))
        .filter((w) => w.modules.length === 0 || (module !== null && w.modules.includes(module)))
        .map((w) => ({ id: w.id }));
    },
    changed(trx, orgId) {
      afterCommit(() => cache.delete(orgId));
      return ctx.cluster.publish(CHANNEL, orgId, trx);
    },
  };
  instances.set(ctx, instance);
  return instance;
}
