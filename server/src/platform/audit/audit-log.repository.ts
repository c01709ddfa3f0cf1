import type { Executor } from '../../db/database.js';
import { afterKeyset, keysetTimestamp } from '../../db/keyset.js';
import type { KeysetPosition } from '../http/cursor.js';

export interface AuditLogFilter {
  /** Exact action, or a prefix when it ends with ".*" ("role.*"). */
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

/** One page of the org's audit log, newest first: (created_at DESC, id DESC), `limit + 1` rows to tell whether more follow. */
export function listAuditEntries(
  executor: Executor,
  orgId: string,
  filter: AuditLogFilter,
  after: KeysetPosition | undefined,
  limit: number,
) {
  let query = executor
    .selectFrom('platform.audit_log as a')
    .leftJoin('platform.users as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.action',
      'a.actor_id',
      'u.name as actor_name',
      'a.target_type',
      'a.target_id',
      'a.before',
      'a.after',
      'a.ip',
      'a.created_at',
    ])
    .select(keysetTimestamp('a.created_at').as('position'))
    .where('a.org_id', '=', orgId);
  if (filter.action?.endsWith('.*')) {
    const prefix = filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
    query = query.where('a.action', 'like', `${prefix}%`);
  } else if (filter.action) {
    query = query.where('a.action', '=', filter.action);
  }
  if (filter.actorId) query = query.where('a.actor_id', '=', filter.actorId);
  if (filter.targetType) query = query.where('a.target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('a.target_id', '=', filter.targetId);
  if (filter.from) query = query.where('a.created_at', '>=', filter.from);
  if (filter.to) query = query.where('a.created_at', '<', filter.to);
  if (after) query = query.where(afterKeyset('a.created_at', 'a.id', after));
  return query
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
    .execute();
}
