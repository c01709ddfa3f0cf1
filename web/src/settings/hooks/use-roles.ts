import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export interface Role {
  id: string;
  name: string;
  parentId: string | null;
  shareWithPeers: boolean;
  userCount?: number;
}

export interface RoleInput {
  name?: string;
  parentId?: string | null;
  shareWithPeers?: boolean;
}

export const rolesQueryKey = ['settings', 'roles'] as const;

export function useRoles() {
  return useQuery({ queryKey: rolesQueryKey, queryFn: async () => (await api.get<{ data: Role[] }>('/roles')).data });
}

export function useCreateRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (role: RoleInput & { name: string }) => api.post<Role>('/roles', role),
    onSuccess: () => client.invalidateQueries({ queryKey: rolesQueryKey }),
  });
}

export function useUpdateRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: RoleInput }) => api.patch<Role>(`/roles/${id}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: rolesQueryKey }),
  });
}

/** DELETE /roles/{id}; a role in use answers 409 unless its users and child roles move to `transferTo`. */
export function useDeleteRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, transferTo }: { id: string; transferTo?: string }) =>
      api.delete(`/roles/${id}${transferTo ? `?transferTo=${encodeURIComponent(transferTo)}` : ''}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: rolesQueryKey });
      void client.invalidateQueries({ queryKey: ['settings', 'users'] });
    },
  });
}

/** The ids of a role and every role below it: none of them can become its parent. */
export function descendantIds(roles: Role[], id: string): Set<string> {
  const found = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const role of roles) {
      if (role.parentId && found.has(role.parentId) && !found.has(role.id)) {
        found.add(role.id);
        grew = true;
      }
    }
  }
  return found;
}

export interface RoleNode {
  role: Role;
  depth: number;
}

/**
 * The roles in tree order (each parent before its children, siblings by
 * name) with their depth. A role whose parent is missing is shown at the top.
 */
export function flattenRoleTree(roles: Role[]): RoleNode[] {
  const ids = new Set(roles.map((role) => role.id));
  const children = new Map<string | null, Role[]>();
  for (const role of roles) {
    const parent = role.parentId && ids.has(role.parentId) ? role.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), role]);
  }
  const ordered: RoleNode[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const role of list) {
      if (seen.has(role.id)) continue;
      seen.add(role.id);
      ordered.push({ role, depth });
      visit(role.id, depth + 1);
    }
  };
  visit(null, 0);
  // A cycle (which the server refuses) would hide roles; show them rather than lose them.
  for (const role of roles) if (!seen.has(role.id)) ordered.push({ role, depth: 0 });
  return ordered;
}

/** Select options for roles in tree order; pair with `useRoleOptionRenderer` to indent them by depth. */
export function roleOptions(roles: Role[], exclude: Set<string> = new Set()): Array<{ value: string; label: string }> {
  return flattenRoleTree(roles)
    .filter((node) => !exclude.has(node.role.id))
    .map((node) => ({ value: node.role.id, label: node.role.name }));
}

/** Depth of each role in the hierarchy, by id. */
export function roleDepths(roles: Role[]): Map<string, number> {
  return new Map(flattenRoleTree(roles).map((node) => [node.role.id, node.depth]));
}
