import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface Invitation {
  id: string;
  email: string;
  name: string;
  roleId: string | null;
  profileId: string | null;
  createdAt: string;
  expiresAt: string;
  expired?: boolean;
}

export interface NewInvitation {
  email: string;
  name: string;
  roleId?: string | null;
  profileId?: string | null;
}

export const invitationsQueryKey = ['settings', 'invitations'] as const;

/** Pending invitations (not accepted, not revoked). */
export function useInvitations() {
  return useQuery({ queryKey: invitationsQueryKey, queryFn: async () => (await api.get<{ data: Invitation[] }>('/invitations')).data });
}

export function useCreateInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (invitation: NewInvitation) => api.post<Invitation>('/invitations', invitation),
    onSuccess: () => client.invalidateQueries({ queryKey: invitationsQueryKey }),
  });
}

export function useRevokeInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/invitations/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: invitationsQueryKey }),
  });
}

export function useResendInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/invitations/${id}/resend`),
    onSuccess: () => client.invalidateQueries({ queryKey: invitationsQueryKey }),
  });
}
