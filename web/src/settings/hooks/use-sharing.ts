import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export const SHARING_LEVELS = ['private', 'public_read', 'public_read_write'] as const;
export type SharingAccess = (typeof SHARING_LEVELS)[number];

export interface SharingDefault {
  module: string;
  access: SharingAccess;
}

/** A module API name as the server accepts it. */
export const MODULE_API_NAME = /^[a-z][a-z0-9_]{1,62}$/;

export const sharingQueryKey = ['settings', 'sharing'] as const;

export function useSharing() {
  return useQuery({ queryKey: sharingQueryKey, queryFn: async () => (await api.get<{ data: SharingDefault[] }>('/sharing')).data });
}

export function usePutSharing() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ module, access }: SharingDefault) => api.put<SharingDefault>(`/sharing/${encodeURIComponent(module)}`, { access }),
    onSuccess: () => client.invalidateQueries({ queryKey: sharingQueryKey }),
  });
}
