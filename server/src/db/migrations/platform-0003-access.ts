/**
 * Access model (PLT-3): groups can share their members' records with each
 * other, and the indexes the access check walks (role tree, group membership).
 */
export const access = `
ALTER TABLE platform.groups
  ADD COLUMN share_records text NOT NULL DEFAULT 'none' CHECK (share_records IN ('none', 'read', 'read_write'));
CREATE INDEX group_members_member ON platform.group_members (member_type, member_id);
CREATE INDEX roles_parent ON platform.roles (parent_id);
CREATE INDEX users_role ON platform.users (role_id);
CREATE INDEX users_profile ON platform.users (profile_id);
`;
