/**
 * Record metadata: modules, their fields (with picklist values and type
 * settings in `options`), record validation rules and saved list views. The
 * records themselves live in each organization's schema, one table per module.
 */
export const recordsMetadata = `
ALTER TABLE platform.organizations ADD COLUMN catalog_version text;

CREATE TABLE platform.modules (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  api_name text NOT NULL,
  labels jsonb NOT NULL,
  is_standard boolean NOT NULL,
  table_name text NOT NULL,
  display_fields jsonb NOT NULL,
  layout jsonb NOT NULL DEFAULT '[]',
  position int NOT NULL,
  hidden boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, api_name)
);

CREATE TABLE platform.fields (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module_id uuid NOT NULL REFERENCES platform.modules(id) ON DELETE CASCADE,
  api_name text NOT NULL,
  type text NOT NULL,
  labels jsonb NOT NULL,
  is_standard boolean NOT NULL,
  is_system boolean NOT NULL DEFAULT false,
  required boolean NOT NULL DEFAULT false,
  is_unique boolean NOT NULL DEFAULT false,
  default_value jsonb,
  hidden boolean NOT NULL DEFAULT false,
  position int NOT NULL,
  help_text text,
  options jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (module_id, api_name)
);
CREATE INDEX fields_org ON platform.fields (org_id);

CREATE TABLE platform.validation_rules (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module_id uuid NOT NULL REFERENCES platform.modules(id) ON DELETE CASCADE,
  name text NOT NULL,
  condition jsonb NOT NULL,
  message text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX validation_rules_org ON platform.validation_rules (org_id);

CREATE TABLE platform.list_views (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text NOT NULL,
  name text NOT NULL,
  owner_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  shared boolean NOT NULL DEFAULT false,
  filter jsonb,
  sort jsonb NOT NULL DEFAULT '[]',
  columns jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX list_views_org_module ON platform.list_views (org_id, module);
`;
