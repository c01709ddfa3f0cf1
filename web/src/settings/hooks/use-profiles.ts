import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export const PROFILE_ACTIONS = ['create', 'read', 'edit', 'delete', 'import', 'export'] as const;
export type ProfileAction = (typeof PROFILE_ACTIONS)[number];
export type ModuleActions = Record<ProfileAction, boolean>;
export type FieldAccess = 'hidden' | 'read_only';

export interface Profile {
  id: string;
  name: string;
  description: string | null;
  builtin: 'administrator' | 'standard' | null;
  /** Per module API name; '*' applies to every module without its own entry. */
  modules: Record<string, ModuleActions>;
  fields: Record<string, Record<string, FieldAccess>>;
  userCount?: number;
}

export interface ProfileInput {
  name?: string;
  description?: string | null;
  modules?: Profile['modules'];
  fields?: Profile['fields'];
}

export const profilesQueryKey = ['settings', 'profiles'] as const;

export function useProfiles() {
  return useQuery({ queryKey: profilesQueryKey, queryFn: async () => (await api.get<{ data: Profile[] }>('/profiles')).data });
}

export function useProfile(id: string) {
  return useQuery({ queryKey: [...profilesQueryKey, id], queryFn: () => api.get<Profile>(`/profiles/${id}`) });
}

export function useCreateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (profile: ProfileInput & { name: string; modules: Profile['modules'] }) => api.post<Profile>('/profiles', profile),
    onSuccess: () => client.invalidateQueries({ queryKey: profilesQueryKey }),
  });
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ProfileInput }) => api.patch<Profile>(`/profiles/${id}`, patch),
    onSuccess: (profile) => {
      client.setQueryData([...profilesQueryKey, profile.id], profile);
      void client.invalidateQueries({ queryKey: profilesQueryKey });
    },
  });
}

export function useCloneProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name?: string }) => api.post<Profile>(`/profiles/${id}/clone`, name ? { name } : {}),
    onSuccess: () => client.invalidateQueries({ queryKey: profilesQueryKey }),
  });
}

export function useDeleteProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/profiles/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: profilesQueryKey }),
  });
}

export function noActions(): ModuleActions {
  return { create: false, read: false, edit: false, delete: false, import: false, export: false };
}
