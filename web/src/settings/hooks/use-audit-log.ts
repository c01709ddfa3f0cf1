import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface AuditEntry {
  id: string;
  actorId: string | null;
  actorName?: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: string;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  /** ISO timestamps. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log, newest first, 50 at a time ("Load more" asks for the next page). */
export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ['settings', 'audit-log', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
      for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
      if (pageParam) params.set('cursor', pageParam);
      return api.get<{ data: AuditEntry[]; nextCursor: string | null }>(`/audit-log?${params.toString()}`);
    },
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
