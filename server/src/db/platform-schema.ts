import type { ColumnType, Generated } from 'kysely';

/** Column types of the platform schema, for typed queries. Tables live in schema "platform". */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface OrganizationsTable {
  id: string;
  name: string;
  schema_name: string;
  logo: string | null;
  default_language: string;
  time_zone: string;
  currency: string;
  exchange_rates: Json<Record<string, string>>;
  fiscal_year_start_month: number;
  /** Fingerprint of the standard module catalog this org's tables were last brought up to (migration 0007). */
  catalog_version: ColumnType<string | null, string | null | undefined, string | null>;
  business_hours: Json<BusinessHours>;
  holidays: Json<Holiday[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BusinessHours {
  /** ISO weekday 1 (Monday) … 7 (Sunday) → opening intervals "HH:MM". */
  days: Array<{ day: number; start: string; end: string }>;
}
export interface Holiday {
  date: string;
  name: string;
}

export interface UsersTable {
  id: string;
  org_id: string;
  name: string;
  password_hash: string | null;
  role_id: string | null;
  profile_id: string;
  active: boolean;
  language: string | null;
  time_zone: string | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The TOTP time step of the last accepted two-factor code (migration 0005): a code works once. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface UserEmailsTable {
  id: string;
  user_id: string;
  email: string;
  is_primary: boolean;
  verified_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie value
  user_id: string;
  csrf_token: string;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  created_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface OneTimeTokensTable {
  token_hash: string;
  purpose: 'invitation' | 'password_reset' | 'email_verification';
  org_id: string;
  user_id: string | null;
  /** The invitation or user e-mail row this token is for. */
  subject_id: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role_id: string | null;
  profile_id: string | null;
  invited_by: string;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_user_id: string | null;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: Timestamp;
}

export interface RolesTable {
  id: string;
  org_id: string;
  name: string;
  parent_id: string | null;
  /** Peers in the same role see each other's records. */
  share_with_peers: boolean;
  created_at: Timestamp;
}

export type ModuleAction = 'create' | 'read' | 'edit' | 'delete' | 'import' | 'export';
export type ModulePermissions = Record<string, Partial<Record<ModuleAction, boolean>>>;
export type FieldPermissions = Record<string, Record<string, 'hidden' | 'read_only'>>;

export interface ProfilesTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  /** 'administrator' or 'standard' for the built-in profiles, null for custom ones. */
  builtin: string | null;
  module_permissions: Json<ModulePermissions>;
  field_permissions: Json<FieldPermissions>;
  created_at: Timestamp;
}

export interface GroupsTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  created_at: Timestamp;
  /** Members see each other's records: 'none', 'read' or 'read_write' (migration 0003). */
  share_records: ColumnType<GroupShareLevel, GroupShareLevel | undefined, GroupShareLevel>;
}

export type GroupShareLevel = 'none' | 'read' | 'read_write';

export interface GroupMembersTable {
  group_id: string;
  /** 'user' | 'role' | 'group' */
  member_type: string;
  member_id: string;
}

export interface SharingDefaultsTable {
  org_id: string;
  module: string;
  access: 'private' | 'public_read' | 'public_read_write';
}

export type SharingRuleParty = 'role' | 'role_and_subordinates' | 'group';

export interface SharingRulesTable {
  id: string;
  org_id: string;
  module: string;
  name: string;
  source_type: SharingRuleParty;
  source_id: string;
  target_type: SharingRuleParty;
  target_id: string;
  access: 'read' | 'read_write';
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  org_id: string | null;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  ip: string | null;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: string;
  org_id: string | null;
  type: string;
  payload: Json<unknown>;
  created_at: Timestamp;
  processed_at: NullableTimestamp;
  attempts: Generated<number>;
  claimed_until: NullableTimestamp;
  last_error: string | null;
  /** Names of the handlers that already succeeded for this event. */
  handled: Generated<string[]>;
}

export interface NotificationsTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: Timestamp;
  read_at: NullableTimestamp;
  ignored_at: NullableTimestamp;
  snoozed_until: NullableTimestamp;
}

export interface MailOutboxTable {
  id: string;
  org_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: 'sent' | 'stored' | 'failed';
  error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

/** Nodes that run workers, beating while they live (migration 0018, platform/jobs). */
export interface WorkerNodesTable {
  id: string;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
}

export interface MigrationsTable {
  name: string;
  applied_at: Timestamp;
}

/** Which keys find duplicates in a module (migration 0011): a list of rule names. */
export interface DuplicateRulesTable {
  org_id: string;
  module: string;
  rules: Json<string[]>;
  updated_at: Generated<Date>;
}

/** Lead conversion field mapping (migration 0011): target module → lead field → target field. */
export interface LeadConversionSettingsTable {
  org_id: string;
  mapping: Json<Record<string, Record<string, string>>>;
  updated_at: Generated<Date>;
}

export interface TwoFactorRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** A stored file (migration 0008); module + record_id say what it is attached to (null: not attached to a record). */
export interface FilesTable {
  id: string;
  org_id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  module: string | null;
  record_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
}

/** An outgoing webhook (migration 0008). The secret is stored as it is: it must be readable to sign deliveries. */
export interface WebhooksTable {
  id: string;
  org_id: string;
  name: string;
  url: string;
  events: string[];
  modules: Generated<string[]>;
  active: Generated<boolean>;
  secret: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  org_id: string;
  event_id: string;
  event_type: string;
  event_created_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  redelivery_of: string | null;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  next_attempt_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  response_body: string | null;
  duration_ms: number;
  error: string | null;
  created_at: Timestamp;
}

/** Record metadata (migration 0007): see records/metadata. */
export interface ModulesTable {
  id: string;
  org_id: string;
  api_name: string;
  labels: Json<{ es: { singular: string; plural: string }; en: { singular: string; plural: string } }>;
  is_standard: boolean;
  table_name: string;
  display_fields: Json<string[]>;
  search_fields: Json<string[]>;
  layout: Json<Array<{ key: string; labels: { es: string; en: string }; fields: string[] }>>;
  position: number;
  hidden: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FieldsTable {
  id: string;
  org_id: string;
  module_id: string;
  api_name: string;
  type: string;
  labels: Json<{ es: string; en: string }>;
  is_standard: boolean;
  is_system: ColumnType<boolean, boolean | undefined, boolean>;
  required: ColumnType<boolean, boolean | undefined, boolean>;
  is_unique: ColumnType<boolean, boolean | undefined, boolean>;
  default_value: ColumnType<unknown, string | null | undefined, string | null>;
  hidden: ColumnType<boolean, boolean | undefined, boolean>;
  position: number;
  help_text: string | null;
  options: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ValidationRulesTable {
  id: string;
  org_id: string;
  module_id: string;
  name: string;
  condition: Json<unknown>;
  message: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface ListViewsTable {
  id: string;
  org_id: string;
  module: string;
  name: string;
  owner_id: string;
  shared: ColumnType<boolean, boolean | undefined, boolean>;
  filter: ColumnType<unknown, string | null | undefined, string | null>;
  sort: Json<Array<{ field: string; direction: 'asc' | 'desc' }>>;
  columns: Json<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EmailTemplatesTable {
  id: string;
  org_id: string;
  module: string | null;
  name: string;
  subject: string;
  body: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CaseSlaPoliciesTable {
  org_id: string;
  priority: string;
  resolution_minutes: number;
}

export interface WebFormsTable {
  id: string;
  org_id: string;
  public_key: string;
  secret: string;
  name: string;
  module: string;
  fields: Json<Array<{ field: string; required: boolean }>>;
  defaults: Json<Record<string, unknown>>;
  owner_id: string;
  language: string;
  thank_you: string | null;
  redirect_url: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  submissions: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Imports (migration 0009): see records/imports. */
export interface ImportsTable {
  id: string;
  org_id: string;
  user_id: string;
  module: string;
  file_name: string;
  file_type: 'csv' | 'xlsx';
  mode: 'create' | 'update' | 'upsert' | 'skip';
  key_field: string | null;
  mapping: Json<Record<string, string | null>>;
  headers: Json<string[]>;
  unmapped: Json<string[]>;
  dry_run: boolean;
  status: 'queued' | 'running' | 'done' | 'failed';
  message: string | null;
  total_rows: number | null;
  rows_read: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  warnings: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** The runner's last sign of life (migration 0018); NULL while no runner has the import. */
  heartbeat_at: NullableTimestamp;
}

export interface ImportErrorsTable {
  import_id: string;
  row_number: number;
  errors: Json<Array<{ field: string | null; message: string }>>;
  cells: Json<string[]>;
}

export interface ImportMappingsTable {
  org_id: string;
  module: string;
  mapping: Json<Record<string, string | null>>;
  updated_at: Timestamp;
}

export interface PlatformDatabase {
  'platform.imports': ImportsTable;
  'platform.import_errors': ImportErrorsTable;
  'platform.import_mappings': ImportMappingsTable;
  'platform.web_forms': WebFormsTable;
  'platform.case_sla_policies': CaseSlaPoliciesTable;
  'platform.email_templates': EmailTemplatesTable;
  'platform.modules': ModulesTable;
  'platform.fields': FieldsTable;
  'platform.validation_rules': ValidationRulesTable;
  'platform.list_views': ListViewsTable;
  'platform.organizations': OrganizationsTable;
  'platform.users': UsersTable;
  'platform.user_emails': UserEmailsTable;
  'platform.sessions': SessionsTable;
  'platform.api_tokens': ApiTokensTable;
  'platform.one_time_tokens': OneTimeTokensTable;
  'platform.invitations': InvitationsTable;
  'platform.sign_in_throttle': SignInThrottleTable;
  'platform.roles': RolesTable;
  'platform.profiles': ProfilesTable;
  'platform.groups': GroupsTable;
  'platform.group_members': GroupMembersTable;
  'platform.sharing_defaults': SharingDefaultsTable;
  'platform.sharing_rules': SharingRulesTable;
  'platform.audit_log': AuditLogTable;
  'platform.outbox': OutboxTable;
  'platform.notifications': NotificationsTable;
  'platform.mail_outbox': MailOutboxTable;
  'platform.migrations': MigrationsTable;
  'platform.worker_nodes': WorkerNodesTable;
  'platform.two_factor_recovery_codes': TwoFactorRecoveryCodesTable;
  'platform.files': FilesTable;
  'platform.webhooks': WebhooksTable;
  'platform.webhook_deliveries': WebhookDeliveriesTable;
  'platform.webhook_delivery_attempts': WebhookDeliveryAttemptsTable;
  'platform.duplicate_rules': DuplicateRulesTable;
  'platform.lead_conversion_settings': LeadConversionSettingsTable;
}
