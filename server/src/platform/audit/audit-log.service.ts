import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { badRequest } from '../http/app-error.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { listAuditEntries } from './audit-log.repository.js';

export interface AuditLogQueryInput {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

function readMoment(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) throw badRequest(`${field} is not a moment that exists.`, field);
  return moment;
}

/** Administrators read their organization's audit log, newest first, a page at a time. */
export function createAuditLogService({ database }: Pick<AppContext, 'database'>) {
  return {
    async list(auth: AuthContext, query: AuditLogQueryInput) {
      const from = readMoment(query.from, 'from');
      const to = readMoment(query.to, 'to');
      if (from && to && from >= to) throw badRequest('from must be before to.', 'to');
      const limit = query.limit ?? 50;
      const rows = await listAuditEntries(database.db, auth.orgId, { ...query, from, to }, decodeCursor(query.cursor), limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map((row) => ({
          id: row.id,
          action: row.action,
          actorId: row.actor_id,
          actorName: row.actor_name,
          targetType: row.target_type,
          targetId: row.target_id,
          before: row.before,
          after: row.after,
          ip: row.ip,
          createdAt: row.created_at.toISOString(),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.position, id: last.id }) : null,
      };
    },
  };
}
