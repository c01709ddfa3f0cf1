/** The platform schema: organizations, users and everything the foundation needs. */
export const foundation = `
CREATE TABLE platform.organizations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  schema_name text NOT NULL UNIQUE,
  logo text,
  default_language text NOT NULL DEFAULT 'es',
  time_zone text NOT NULL DEFAULT 'Europe/Madrid',
  currency text NOT NULL DEFAULT 'EUR',
  exchange_rates jsonb NOT NULL DEFAULT '{}',
  fiscal_year_start_month integer NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
  business_hours jsonb NOT NULL DEFAULT '{"days":[]}',
  holidays jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE platform.roles (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  parent_id uuid REFERENCES platform.roles(id),
  share_with_peers boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);

CREATE TABLE platform.profiles (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  builtin text,
  module_permissions jsonb NOT NULL DEFAULT '{}',
  field_permissions jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE UNIQUE INDEX profiles_builtin ON platform.profiles (org_id, builtin) WHERE builtin IS NOT NULL;

CREATE TABLE platform.users (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  password_hash text,
  role_id uuid REFERENCES platform.roles(id),
  profile_id uuid NOT NULL REFERENCES platform.profiles(id),
  active boolean NOT NULL DEFAULT true,
  language text,
  time_zone text,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org ON platform.users (org_id);

CREATE TABLE platform.user_emails (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  email text NOT NULL,
  is_primary boolean NOT NULL DEFAULT false,
  verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- An address belongs to one user in the whole installation.
CREATE UNIQUE INDEX user_emails_email ON platform.user_emails (lower(email));
CREATE UNIQUE INDEX user_emails_one_primary ON platform.user_emails (user_id) WHERE is_primary;
CREATE INDEX user_emails_user ON platform.user_emails (user_id);

CREATE TABLE platform.sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text
);
CREATE INDEX sessions_user ON platform.sessions (user_id);

CREATE TABLE platform.api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON platform.api_tokens (user_id);

CREATE TABLE platform.invitations (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  email text NOT NULL,
  name text NOT NULL,
  role_id uuid REFERENCES platform.roles(id),
  profile_id uuid REFERENCES platform.profiles(id),
  invited_by uuid NOT NULL REFERENCES platform.users(id),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid REFERENCES platform.users(id),
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_org ON platform.invitations (org_id);

CREATE TABLE platform.one_time_tokens (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('invitation', 'password_reset', 'email_verification')),
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  user_id uuid REFERENCES platform.users(id) ON DELETE CASCADE,
  subject_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE platform.sign_in_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz NOT NULL
);

CREATE TABLE platform.groups (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE TABLE platform.group_members (
  group_id uuid NOT NULL REFERENCES platform.groups(id) ON DELETE CASCADE,
  member_type text NOT NULL CHECK (member_type IN ('user', 'role', 'group')),
  member_id uuid NOT NULL,
  PRIMARY KEY (group_id, member_type, member_id)
);

CREATE TABLE platform.sharing_defaults (
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  module text NOT NULL,
  access text NOT NULL CHECK (access IN ('private', 'public_read', 'public_read_write')),
  PRIMARY KEY (org_id, module)
);

CREATE TABLE platform.audit_log (
  id uuid PRIMARY KEY,
  org_id uuid REFERENCES platform.organizations(id) ON DELETE CASCADE,
  actor_id uuid,
  action text NOT NULL,
  target_type text,
  target_id text,
  before jsonb,
  after jsonb,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time ON platform.audit_log (org_id, created_at DESC, id DESC);

CREATE TABLE platform.outbox (
  id uuid PRIMARY KEY,
  org_id uuid,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  claimed_until timestamptz,
  last_error text
);
CREATE INDEX outbox_pending ON platform.outbox (id) WHERE processed_at IS NULL;

CREATE TABLE platform.notifications (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  kind text NOT NULL,
  title text NOT NULL,
  body text,
  link text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  ignored_at timestamptz,
  snoozed_until timestamptz
);
CREATE INDEX notifications_user ON platform.notifications (user_id, created_at DESC);

CREATE TABLE platform.mail_outbox (
  id uuid PRIMARY KEY,
  org_id uuid,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  status text NOT NULL CHECK (status IN ('sent', 'stored', 'failed')),
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX mail_outbox_org_time ON platform.mail_outbox (org_id, created_at DESC);
`;
