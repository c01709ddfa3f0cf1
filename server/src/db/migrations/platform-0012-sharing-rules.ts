/**
 * Sharing rules (PLT-3): per module, the records owned by a role (or a role
 * and every role below it, or a group's members) are shared with another
 * role, role branch or group, read or read-write. Source and target ids point
 * at platform.roles or platform.groups depending on the type, so they carry
 * no foreign key: deleting a role or group deletes the rules that name it.
 */
export const sharingRules = `
CREATE TABLE platform.sharing_rules (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text NOT NULL,
  name text NOT NULL,
  source_type text NOT NULL CHECK (source_type IN ('role', 'role_and_subordinates', 'group')),
  source_id uuid NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('role', 'role_and_subordinates', 'group')),
  target_id uuid NOT NULL,
  access text NOT NULL CHECK (access IN ('read', 'read_write')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sharing_rules_org_target ON platform.sharing_rules (org_id, target_id);
CREATE INDEX sharing_rules_source ON platform.sharing_rules (source_id);
`;
