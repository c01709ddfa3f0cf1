import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface SettingsUser {
  id: string;
  name: string;
  email: string;
  active: boolean;
  roleId: string | null;
  profileId: string;
  createdAt: string;
}

export interface UserFilter {
  q?: string;
  active?: boolean;
}

export interface UserPatch {
  name?: string;
  roleId?: string | null;
  profileId?: string;
  active?: boolean;
}

export const usersQueryKey = ['settings', 'users'] as const;

/** GET /users, filtered by text and by active state. */
export function useUsers(filter: UserFilter = {}) {
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (filter.active !== undefined) params.set('active', String(filter.active));
  const query = params.toString();
  return useQuery({
    queryKey: [...usersQueryKey, filter],
    queryFn: async () => (await api.get<{ data: SettingsUser[] }>(`/users${query ? `?${query}` : ''}`)).data,
    placeholderData: keepPreviousData,
  });
}

/** Turns off a user's two-factor authentication (they lost their authenticator). */
export function useResetTwoFactor() {
  return useMutation({ mutationFn: (id: string) => api.post<void>(`/users/${id}/two-factor/reset`) });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) => api.patch<SettingsUser>(`/users/${id}`, patch),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: usersQueryKey });
      // Role and profile user counts change with the user.
      void client.invalidateQueries({ queryKey: ['settings', 'roles'] });
      void client.invalidateQueries({ queryKey: ['settings', 'profiles'] });
    },
  });
}
