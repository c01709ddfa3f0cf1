/**
 * Duplicate rules per module (which keys find duplicates: e-mail, phone,
 * name + company) and the lead conversion field mapping, per organization.
 * A missing row means the defaults.
 */
export const duplicatesAndConversion = `
CREATE TABLE platform.duplicate_rules (
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text NOT NULL,
  rules jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, module)
);

CREATE TABLE platform.lead_conversion_settings (
  org_id uuid PRIMARY KEY REFERENCES platform.organizations(id) ON DELETE CASCADE,
  mapping jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;
