/** Case SLA policies: the time to resolve a case of each priority, in business hours (minutes). */
export const caseSla = `
CREATE TABLE platform.case_sla_policies (
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  priority text NOT NULL,
  resolution_minutes int NOT NULL CHECK (resolution_minutes > 0),
  PRIMARY KEY (org_id, priority)
);
`;
