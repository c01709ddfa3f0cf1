/** Web-to-lead forms: public forms that create records (leads by default) with spam protection. */
export const webForms = `
CREATE TABLE platform.web_forms (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  public_key text NOT NULL UNIQUE,
  secret text NOT NULL,
  name text NOT NULL,
  module text NOT NULL,
  fields jsonb NOT NULL,
  defaults jsonb NOT NULL DEFAULT '{}',
  owner_id uuid NOT NULL REFERENCES platform.users(id),
  language text NOT NULL DEFAULT 'es',
  thank_you text,
  redirect_url text,
  active boolean NOT NULL DEFAULT true,
  submissions int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_forms_org ON platform.web_forms (org_id);
`;
