import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export type MemberType = 'user' | 'role' | 'group';
export type ShareRecords = 'none' | 'read' | 'read_write';

export interface GroupMember {
  type: MemberType;
  id: string;
  name?: string | null;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  shareRecords?: ShareRecords;
  members: GroupMember[];
}

export interface GroupInput {
  name?: string;
  description?: string | null;
  shareRecords?: ShareRecords;
  members?: Array<{ type: MemberType; id: string }>;
}

export const groupsQueryKey = ['settings', 'groups'] as const;

export function useGroups() {
  return useQuery({ queryKey: groupsQueryKey, queryFn: async () => (await api.get<{ data: Group[] }>('/groups')).data });
}

export function useCreateGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (group: GroupInput & { name: string }) => api.post<Group>('/groups', group),
    onSuccess: () => client.invalidateQueries({ queryKey: groupsQueryKey }),
  });
}

export function useUpdateGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: GroupInput }) => api.patch<Group>(`/groups/${id}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: groupsQueryKey }),
  });
}

export function useDeleteGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/groups/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: groupsQueryKey }),
  });
}
