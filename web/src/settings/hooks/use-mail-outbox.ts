import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../app/api';

export type MailStatus = 'sent' | 'stored' | 'failed';

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  status: MailStatus;
  error: string | null;
  createdAt: string;
  text: string;
}

/** Mail the server sent or kept, newest first. */
export function useMailOutbox() {
  return useInfiniteQuery({
    queryKey: ['settings', 'mail-outbox'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50' });
      if (pageParam) params.set('cursor', pageParam);
      return api.get<{ data: OutboxMail[]; nextCursor: string | null }>(`/mail-outbox?${params.toString()}`);
    },
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
