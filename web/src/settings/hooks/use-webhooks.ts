import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

/** The event types a webhook can subscribe to; "*" means all of them. */
export const WEBHOOK_EVENTS = ['record.created', 'record.updated', 'record.deleted', 'record.restored', 'automation.workflow'] as const;

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  modules: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  name?: string;
  url?: string;
  events?: string[];
  modules?: string[];
  active?: boolean;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  redeliveryOf: string | null;
  /** POST, or the method a workflow rule's webhook action chose. */
  method: string;
  /** The custom request of a workflow rule's webhook action (body: the exact bytes sent, null for the standard envelope). */
  request: { headers: Array<{ name: string; value: string }>; contentType: string; body: string | null } | null;
  data: unknown;
  attemptLog: DeliveryAttempt[];
  createdAt: string;
}

export const webhooksQueryKey = ['settings', 'webhooks'] as const;
const deliveriesKey = (id: string) => ['settings', 'webhooks', id, 'deliveries'] as const;

export function useWebhooks() {
  return useQuery({ queryKey: webhooksQueryKey, queryFn: async () => (await api.get<{ data: Webhook[] }>('/webhooks')).data });
}

export function useCreateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (webhook: WebhookInput & { name: string; url: string; events: string[] }) =>
      api.post<Webhook & { secret: string }>('/webhooks', webhook),
    onSuccess: () => client.invalidateQueries({ queryKey: webhooksQueryKey }),
  });
}

export function useUpdateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: WebhookInput }) => api.patch<Webhook>(`/webhooks/${id}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: webhooksQueryKey }),
  });
}

export function useDeleteWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/webhooks/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: webhooksQueryKey }),
  });
}

export function useRotateWebhookSecret() {
  return useMutation({ mutationFn: (id: string) => api.post<{ secret: string }>(`/webhooks/${id}/rotate-secret`) });
}

/** A webhook's deliveries, newest first; refreshed every few seconds while some are still pending. */
export function useWebhookDeliveries(id: string | null) {
  return useInfiniteQuery({
    queryKey: deliveriesKey(id ?? ''),
    enabled: id !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '25' });
      if (pageParam) params.set('cursor', pageParam);
      return api.get<{ data: WebhookDelivery[]; nextCursor: string | null }>(`/webhooks/${id}/deliveries?${params.toString()}`);
    },
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.data.some((delivery) => delivery.status === 'pending')) ? 3000 : false,
  });
}

export function useSendWebhookTest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<WebhookDelivery>(`/webhooks/${id}/test`),
    onSuccess: (_delivery, id) => client.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}

export function useRedeliver() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, deliveryId }: { id: string; deliveryId: string }) =>
      api.post<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
    onSuccess: (_delivery, { id }) => client.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}
