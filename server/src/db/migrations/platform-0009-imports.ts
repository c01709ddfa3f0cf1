/**
 * Imports of records from CSV and XLSX files (records/imports): one row per
 * import with its progress and counts, the rows that failed (with their
 * cells, for the error report) and the mapping each organization used last
 * time per module.
 */
export const imports = `
CREATE TABLE platform.imports (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  module text NOT NULL,
  file_name text NOT NULL,
  file_type text NOT NULL,
  mode text NOT NULL,
  key_field text,
  mapping jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '[]',
  unmapped jsonb NOT NULL DEFAULT '[]',
  dry_run boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'queued',
  message text,
  total_rows int,
  rows_read int NOT NULL DEFAULT 0,
  created int NOT NULL DEFAULT 0,
  updated int NOT NULL DEFAULT 0,
  skipped int NOT NULL DEFAULT 0,
  failed int NOT NULL DEFAULT 0,
  warnings int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX imports_org_module ON platform.imports (org_id, module, created_at DESC);

CREATE TABLE platform.import_errors (
  import_id uuid NOT NULL REFERENCES platform.imports(id) ON DELETE CASCADE,
  row_number int NOT NULL,
  errors jsonb NOT NULL,
  cells jsonb NOT NULL,
  PRIMARY KEY (import_id, row_number)
);

CREATE TABLE platform.import_mappings (
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text NOT NULL,
  mapping jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, module)
);
`;
