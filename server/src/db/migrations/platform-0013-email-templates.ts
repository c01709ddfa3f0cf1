/** E-mail templates with merge fields, used when writing to a record's contacts (CRM-9). */
export const emailTemplates = `
CREATE TABLE platform.email_templates (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text,
  name text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_by uuid REFERENCES platform.users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_templates_org ON platform.email_templates (org_id, module);
`;
