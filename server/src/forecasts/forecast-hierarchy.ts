/**
 * The forecast hierarchy is the role hierarchy: a user's team is everyone whose role lies below theirs; their direct
 * reports are the users of the roles directly below it. Users in the same role are peers, not each other's team.
 */
export interface HierarchyUser {
  id: string;
  name: string;
  roleId: string | null;
  active: boolean;
}

export interface Hierarchy {
  user(id: string): HierarchyUser | undefined;
  /** Users in the roles directly below the user's role. */
  directReports(id: string): HierarchyUser[];
  /** Users in every role below the user's role (not the user, not their peers). */
  below(id: string): HierarchyUser[];
  /** The user and everyone below them. */
  team(id: string): string[];
  /** `managerId`'s role lies above `userId`'s. */
  isAbove(managerId: string, userId: string): boolean;
}

export function buildHierarchy(users: HierarchyUser[], roles: Array<{ id: string; parent_id: string | null }>): Hierarchy {
  const children = new Map<string, string[]>();
  for (const role of roles) if (role.parent_id) children.set(role.parent_id, [...(children.get(role.parent_id) ?? []), role.id]);
  const byId = new Map(users.map((user) => [user.id, user]));
  const byRole = new Map<string, HierarchyUser[]>();
  for (const user of users) if (user.roleId) byRole.set(user.roleId, [...(byRole.get(user.roleId) ?? []), user]);
  const rolesBelow = (roleId: string): string[] => {
    const found: string[] = [];
    const seen = new Set<string>([roleId]);
    const queue = [...(children.get(roleId) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      found.push(next);
      queue.push(...(children.get(next) ?? []));
    }
    return found;
  };
  const usersIn = (roleIds: string[]) => roleIds.flatMap((roleId) => byRole.get(roleId) ?? []);
  const below = (id: string) => {
    const roleId = byId.get(id)?.roleId;
    return roleId ? usersIn(rolesBelow(roleId)) : [];
  };
  return {
    user: (id) => byId.get(id),
    directReports(id) {
      const roleId = byId.get(id)?.roleId;
      return roleId ? usersIn(children.get(roleId) ?? []) : [];
    },
    below,
    team: (id) => [id, ...below(id).map((user) => user.id)],
    isAbove: (managerId, userId) => below(managerId).some((user) => user.id === userId),
  };
}
