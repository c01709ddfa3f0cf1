import { sql } from 'kysely';
import type { Database, Trx } from './database.js';
import { foundation } from './migrations/platform-0001-foundation.js';
import { accounts } from './migrations/platform-0002-accounts.js';
import { access } from './migrations/platform-0003-access.js';
import { jobsAndNotifications } from './migrations/platform-0004-jobs.js';
import { hardening } from './migrations/platform-0005-hardening.js';
import { recoveryCodes } from './migrations/platform-0006-recovery-codes.js';
import { recordsMetadata } from './migrations/platform-0007-records.js';
import { emailTemplates } from './migrations/platform-0013-email-templates.js';
import { caseSla } from './migrations/platform-0015-case-sla.js';
import { webForms } from './migrations/platform-0016-web-forms.js';
import { outboxClaims } from './migrations/platform-0017-outbox-claims.js';
import { importLease } from './migrations/platform-0018-import-lease.js';
import { filesAndWebhooks } from './migrations/platform-0008-files-webhooks.js';
import { imports } from './migrations/platform-0009-imports.js';
import { sharingRules } from './migrations/platform-0012-sharing-rules.js';
import { search } from './migrations/platform-0010-search.js';
import { duplicatesAndConversion } from './migrations/platform-0011-duplicates-conversion.js';

/** Platform migrations, applied in order, each once, each in its own transaction. Append only. */
const PLATFORM_MIGRATIONS: Array<{ name: string; sql: string }> = [
  { name: '0001-foundation', sql: foundation },
  { name: '0002-accounts', sql: accounts },
  { name: '0003-access', sql: access },
  { name: '0004-jobs', sql: jobsAndNotifications },
  { name: '0005-hardening', sql: hardening },
  { name: '0006-recovery-codes', sql: recoveryCodes },
  { name: '0007-records', sql: recordsMetadata },
  { name: '0008-files-webhooks', sql: filesAndWebhooks },
  { name: '0009-imports', sql: imports },
  { name: '0010-search', sql: search },
  { name: '0011-duplicates-conversion', sql: duplicatesAndConversion },
  { name: '0012-sharing-rules', sql: sharingRules },
  { name: '0013-email-templates', sql: emailTemplates },
  { name: '0015-case-sla', sql: caseSla },
  { name: '0016-web-forms', sql: webForms },
  { name: '0017-outbox-claims', sql: outboxClaims },
  { name: '0018-import-lease', sql: importLease },
];

/**
 * Migrations of each organization's own schema (its record tables). They run
 * with search_path set to the org schema. Append only.
 */
const ORG_MIGRATIONS: Array<{ name: string; sql: string }> = [
  {
    name: '0001-org-base',
    sql: `
      CREATE TABLE _migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
      -- Auto-numbers come from counter rows, never from sequences (Citus-friendly).
      CREATE TABLE _counters (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 0);
    `,
  },
  {
    name: '0002-record-timeline',
    sql: `
      -- Everything that happened to a record: creation, field changes (before/after), notes, e-mails, conversions…
      CREATE TABLE _timeline (
        id uuid PRIMARY KEY,
        module text NOT NULL,
        record_id uuid NOT NULL,
        kind text NOT NULL,
        actor_id uuid,
        at timestamptz(3) NOT NULL DEFAULT now(),
        data jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX _timeline_record ON _timeline (record_id, at DESC, id DESC);
      CREATE TABLE _tags (module text NOT NULL, record_id uuid NOT NULL, tag text NOT NULL, PRIMARY KEY (record_id, tag));
      CREATE INDEX _tags_tag ON _tags (module, tag);
      CREATE TABLE _follows (module text NOT NULL, record_id uuid NOT NULL, user_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, user_id));
      CREATE INDEX _follows_user ON _follows (user_id);
    `,
  },
  {
    name: '0006-handled-events',
    sql: `
      -- Event handlers that write (notifications, timeline entries on a parent record) mark each event here first,
      -- so a redelivered event does nothing twice.
      CREATE TABLE _handled_events (event_id uuid NOT NULL, handler text NOT NULL, at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, handler));
    `,
  },
  {
    name: '0007-line-items',
    sql: `
      -- Line items of quotes, sales orders, purchase orders and invoices. The amounts are computed here, in numeric,
      -- each rounded half-up to cents: gross = quantity × unit price; discount = the amount, or gross × percent / 100;
      -- net = gross − discount; tax = net × rate / 100; total = net + tax.
      CREATE TABLE _line_items (
        id uuid PRIMARY KEY,
        module text NOT NULL,
        record_id uuid NOT NULL,
        position integer NOT NULL,
        product_id uuid,
        description text NOT NULL DEFAULT '',
        quantity numeric(10,4) NOT NULL CHECK (quantity > 0),
        unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
        discount_percent numeric(5,2) NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
        discount_amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
        tax_rate numeric(5,2) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
        gross numeric(18,2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED,
        discount numeric(18,2) GENERATED ALWAYS AS (
          CASE WHEN discount_amount > 0 THEN discount_amount ELSE round(round(quantity * unit_price, 2) * discount_percent / 100, 2) END
        ) STORED,
        net numeric(18,2) GENERATED ALWAYS AS (
          round(quantity * unit_price, 2)
          - CASE WHEN discount_amount > 0 THEN discount_amount ELSE round(round(quantity * unit_price, 2) * discount_percent / 100, 2) END
        ) STORED,
        tax numeric(18,2) GENERATED ALWAYS AS (
          round((round(quantity * unit_price, 2)
            - CASE WHEN discount_amount > 0 THEN discount_amount ELSE round(round(quantity * unit_price, 2) * discount_percent / 100, 2) END)
            * tax_rate / 100, 2)
        ) STORED,
        total numeric(18,2) GENERATED ALWAYS AS (
          round(quantity * unit_price, 2)
          - CASE WHEN discount_amount > 0 THEN discount_amount ELSE round(round(quantity * unit_price, 2) * discount_percent / 100, 2) END
          + round((round(quantity * unit_price, 2)
            - CASE WHEN discount_amount > 0 THEN discount_amount ELSE round(round(quantity * unit_price, 2) * discount_percent / 100, 2) END)
            * tax_rate / 100, 2)
        ) STORED,
        UNIQUE (record_id, position)
      );
      CREATE INDEX _line_items_product ON _line_items (product_id) WHERE product_id IS NOT NULL;
    `,
  },
  {
    name: '0005-duplicates',
    sql: `
      -- Normalized keys of each record for the duplicate check: e-mail (lower case), phone (E.164),
      -- name + company (without accents, lower case). Kept by the record service on every write.
      CREATE TABLE _duplicate_keys (module text NOT NULL, record_id uuid NOT NULL, rule text NOT NULL, key text NOT NULL,
        PRIMARY KEY (record_id, rule, key));
      CREATE INDEX _duplicate_keys_lookup ON _duplicate_keys (module, rule, key);
    `,
  },
  {
    name: '0008-duplicate-key-index',
    sql: `
      -- A batch looks its keys up by value (key = ANY(…)): an index that leads with the key.
      CREATE INDEX _duplicate_keys_key ON _duplicate_keys (key, module);
    `,
  },
  {
    name: '0009-kam',
    sql: `
      -- Surveys (KAM-3, KAM-9): NPS and CSAT to customers' contacts, eNPS to employees. Answers stay in the
      -- kam feature's tables (not a module): employee answers are only ever shown aggregated.
      CREATE TABLE kam_surveys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('nps', 'csat', 'enps')),
        questions jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'closed')),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- One invitation per recipient: the public answer page finds it by the hash of its link's token.
      CREATE TABLE kam_survey_invitations (
        id uuid PRIMARY KEY,
        survey_id uuid NOT NULL REFERENCES kam_surveys (id) ON DELETE CASCADE,
        contact_id uuid,
        user_id uuid,
        email text,
        token_hash text NOT NULL UNIQUE,
        sent_at timestamptz,
        answered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX kam_survey_invitations_survey ON kam_survey_invitations (survey_id);
      CREATE TABLE kam_survey_responses (
        id uuid PRIMARY KEY,
        survey_id uuid NOT NULL REFERENCES kam_surveys (id) ON DELETE CASCADE,
        invitation_id uuid REFERENCES kam_survey_invitations (id) ON DELETE SET NULL,
        contact_id uuid,
        account_id uuid,
        user_id uuid,
        score integer NOT NULL CHECK (score BETWEEN 0 AND 10),
        answered_at timestamptz NOT NULL,
        answers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX kam_survey_responses_account ON kam_survey_responses (account_id, answered_at);
      CREATE INDEX kam_survey_responses_survey ON kam_survey_responses (survey_id, answered_at);
      CREATE INDEX kam_survey_responses_user ON kam_survey_responses (user_id, answered_at) WHERE user_id IS NOT NULL;
      -- The organization's KAM settings: one row.
      CREATE TABLE kam_settings (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        acquisition_cost numeric,
        cadence_days jsonb NOT NULL DEFAULT '{"strategic": 14, "key": 30, "growth": 45, "maintain": 60}',
        targets jsonb NOT NULL DEFAULT '{}',
        health_weights jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    name: '0010-kam-health',
    sql: `
      -- The health score of each key account once a day (KAM-11): its history and what band drops are judged against.
      -- factors holds each factor's value, weight, points and facts (no text: explanations are written in the reader's language).
      CREATE TABLE kam_health_snapshots (
        account_id uuid NOT NULL,
        day date NOT NULL,
        score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
        band text NOT NULL CHECK (band IN ('healthy', 'at_risk', 'critical')),
        factors jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, day)
      );
      CREATE INDEX kam_health_snapshots_day ON kam_health_snapshots (day);
      -- KAM alerts already sent: one row per alert key (a band drop of a day, a touchpoint gap, a KPI of a closed month),
      -- written in the transaction of its notification, so a rerun never notifies twice.
      CREATE TABLE kam_alerts (
        kind text NOT NULL,
        key text NOT NULL,
        user_id uuid,
        notification_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, key)
      );
    `,
  },
  {
    name: '0011-duplicate-keys-trim',
    sql: `
      -- Lookups go by key (0008's index, which leads with it): the (module, rule, key) index only cost every write.
      DROP INDEX _duplicate_keys_lookup;
    `,
  },
  {
    name: '0012-kam-rollups',
    sql: `
      -- Monthly rollups of the KPI inputs the organization-wide cockpit would otherwise read row by row (kam/rollups):
      -- touchpoints per account and month, closed deals per month, accounts with a won deal per month, and each
      -- live lead's first outbound touchpoint and conversion. Months are of the organization's time zone (kam_rollup_state).
      CREATE TABLE kam_rollup_touch_months (
        account_id uuid NOT NULL,
        month date NOT NULL,
        total integer NOT NULL,
        inbound integer NOT NULL,
        outbound integer NOT NULL,
        minutes bigint NOT NULL,
        PRIMARY KEY (account_id, month)
      );
      -- Read by month range for the whole organization: the sums in the index, an index-only scan.
      CREATE INDEX kam_rollup_touch_months_month ON kam_rollup_touch_months (month) INCLUDE (total, inbound, outbound, minutes);
      -- The days each account was touched: the last touch and the longest gap without reading every touchpoint.
      CREATE TABLE kam_rollup_touch_days (account_id uuid NOT NULL, day date NOT NULL, PRIMARY KEY (account_id, day));
      CREATE TABLE kam_rollup_deal_months (
        month date NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('won', 'lost')),
        deal_type text NOT NULL,
        referral boolean NOT NULL,
        currency text NOT NULL,
        deals integer NOT NULL,
        amount numeric NOT NULL,
        PRIMARY KEY (month, outcome, deal_type, referral, currency)
      );
      CREATE TABLE kam_rollup_won_accounts (account_id uuid NOT NULL, month date NOT NULL, PRIMARY KEY (account_id, month));
      CREATE INDEX kam_rollup_won_accounts_month ON kam_rollup_won_accounts (month, account_id);
      -- Only live leads with an outbound touchpoint; with the lead's conversion, so a period's rates read this table alone.
      CREATE TABLE kam_rollup_lead_touches (lead_id uuid PRIMARY KEY, first_at timestamptz, channel text, converted_at timestamptz);
      -- What changed since the rollups were last brought up to date: written by triggers on deals, touchpoints and leads in
      -- the writer's transaction, an append-only log (no unique key, so concurrent writers never wait on each other).
      CREATE TABLE kam_rollup_dirty (id bigserial PRIMARY KEY, kind text NOT NULL, key text NOT NULL);
      -- What the rollups were built for: a different signature (time zone, won and lost stages) means rebuild.
      CREATE TABLE kam_rollup_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        signature text NOT NULL,
        time_zone text NOT NULL,
        built_at timestamptz NOT NULL
      );
    `,
  },
  {
    name: '0013-automation-workflow',
    sql: `
      -- Workflow rules (AUT-3): a trigger on a module's records, criteria in the list-view filter language, instant
      -- actions and scheduled ones (JSON, checked by automation/workflow). owner_id: whose name the actions act in.
      CREATE TABLE automation_workflow_rules (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        module text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('create', 'edit', 'create_or_edit', 'field_update', 'delete')),
        trigger_field text,
        criteria jsonb,
        actions jsonb NOT NULL DEFAULT '[]',
        scheduled jsonb NOT NULL DEFAULT '[]',
        enabled boolean NOT NULL DEFAULT true,
        owner_id uuid NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((trigger = 'field_update') = (trigger_field IS NOT NULL))
      );
      CREATE INDEX automation_workflow_rules_module ON automation_workflow_rules (module) WHERE enabled;
      -- The execution log (AUT-9): one row per rule and trigger (an outbox event, or a scheduled action falling due).
      -- key is the idempotency key (the event id, or '<execution>:s<index>'): an event handled twice runs a rule once.
      CREATE TABLE automation_executions (
        id uuid PRIMARY KEY,
        rule_id uuid NOT NULL REFERENCES automation_workflow_rules (id) ON DELETE CASCADE,
        key text NOT NULL,
        module text NOT NULL,
        record_id uuid NOT NULL,
        trigger text NOT NULL,
        depth integer NOT NULL DEFAULT 0,
        matched boolean,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'skipped', 'stopped')),
        reason text,
        actions jsonb NOT NULL DEFAULT '[]',
        duration_ms integer,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (rule_id, key)
      );
      CREATE INDEX automation_executions_rule ON automation_executions (rule_id, created_at DESC, id DESC);
      CREATE INDEX automation_executions_record ON automation_executions (record_id, created_at DESC, id DESC);
      -- Executions older than the retention (automation/workflow, daily) are deleted by age.
      CREATE INDEX automation_executions_created ON automation_executions (created_at);
    `,
  },
  {
    name: '0014-automation-assignment',
    sql: `
      -- Assignment rules (AUT-1): per module, ordered entries {id, criteria, target, followUpTask}; one active rule per module.
      CREATE TABLE automation_assignment_rules (
        id uuid PRIMARY KEY,
        module text NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        entries jsonb NOT NULL DEFAULT '[]',
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX automation_assignment_rules_active ON automation_assignment_rules (module) WHERE active;
      -- Round robin: the last user an entry gave a record to. Creates lock the row (FOR UPDATE), so concurrent ones take turns.
      CREATE TABLE automation_assignment_cursors (
        rule_id uuid NOT NULL REFERENCES automation_assignment_rules(id) ON DELETE CASCADE,
        entry_id uuid NOT NULL,
        last_user_id uuid,
        PRIMARY KEY (rule_id, entry_id)
      );
      -- Case escalation (AUT-7): which open cases past their SLA escalate, and the levels (who, after how many more business minutes).
      CREATE TABLE automation_escalation_rules (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        criteria jsonb,
        levels jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX automation_escalation_rules_active ON automation_escalation_rules ((true)) WHERE active;
      -- Each level of a case escalates once: the row is claimed in the transaction of its notifications.
      CREATE TABLE automation_case_escalations (
        case_id uuid NOT NULL,
        level int NOT NULL,
        rule_id uuid NOT NULL,
        due_at timestamptz NOT NULL,
        escalated_at timestamptz NOT NULL,
        escalated_to uuid[] NOT NULL,
        PRIMARY KEY (case_id, level)
      );
    `,
  },
];

// Any constant works: it only has to be the same for every Clave process.
const MIGRATION_LOCK_KEY = 7_202_611;

/** Brings the platform schema and every organization schema up to date. */
export async function migrate(database: Database): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  await database.transaction('migrate', async (trx) => {
    // One process migrates at a time (several app nodes may start together).
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await sql`CREATE SCHEMA IF NOT EXISTS platform`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS platform.migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
      trx,
    );
    const done = new Set((await trx.selectFrom('platform.migrations').select('name').execute()).map((row) => row.name));
    for (const migration of PLATFORM_MIGRATIONS) {
      if (done.has(migration.name)) continue;
      await sql.raw(migration.sql).execute(trx);
      await trx.insertInto('platform.migrations').values({ name: migration.name }).execute();
      applied.push(migration.name);
    }
    const orgs = await trx.selectFrom('platform.organizations').select('schema_name').execute();
    for (const schemaName of await listOrgSchemasBehind(
      trx,
      orgs.map((org) => org.schema_name),
    )) {
      applied.push(...(await migrateOrgSchema(trx, schemaName)));
    }
  });
  return { applied };
}

const ORG_SCHEMA_NAME = /^org_[0-9a-f]{32}$/;

/**
 * The org schemas that miss a migration, found with a few queries instead of
 * several per organization: every start runs this, and one server holds
 * about a thousand organizations.
 */
async function listOrgSchemasBehind(trx: Trx, schemaNames: string[]): Promise<string[]> {
  if (schemaNames.length === 0) return [];
  const withTable = await sql<{ nspname: string }>`
    SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = '_migrations' AND c.relkind = 'r' AND n.nspname = ANY(${schemaNames})`.execute(trx);
  const upToDate = new Set<string>();
  const candidates = withTable.rows.map((row) => row.nspname).filter((name) => ORG_SCHEMA_NAME.test(name));
  const names = ORG_MIGRATIONS.map((migration) => migration.name);
  for (let start = 0; start < candidates.length; start += 250) {
    const branches = candidates.slice(start, start + 250).map(
      (schema) =>
        sql<{
          schema_name: string;
          done: number;
        }>`SELECT ${schema}::text AS schema_name, count(*)::int AS done FROM ${sql.id(schema, '_migrations')} WHERE name = ANY(${names})`,
    );
    const counts = await sql<{ schema_name: string; done: number }>`${sql.join(branches, sql` UNION ALL `)}`.execute(trx);
    for (const row of counts.rows) if (row.done === names.length) upToDate.add(row.schema_name);
  }
  return schemaNames.filter((name) => !upToDate.has(name));
}

/** Creates (if needed) and migrates one organization's schema, inside the caller's transaction. */
export async function migrateOrgSchema(trx: Trx, schemaName: string): Promise<string[]> {
  if (!/^org_[0-9a-f]{32}$/.test(schemaName)) throw new Error(`Invalid org schema name ${schemaName}`);
  await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`).execute(trx);
  await sql.raw(`SET LOCAL search_path TO ${schemaName}`).execute(trx);
  const exists = await sql<{ found: boolean }>`SELECT to_regclass(${schemaName + '._migrations'}) IS NOT NULL AS found`.execute(trx);
  const done = new Set<string>();
  if (exists.rows[0]?.found) {
    const rows = await sql<{ name: string }>`SELECT name FROM _migrations`.execute(trx);
    for (const row of rows.rows) done.add(row.name);
  }
  const applied: string[] = [];
  for (const migration of ORG_MIGRATIONS) {
    if (done.has(migration.name)) continue;
    await sql.raw(migration.sql).execute(trx);
    await sql`INSERT INTO _migrations (name) VALUES (${migration.name})`.execute(trx);
    applied.push(`${schemaName}:${migration.name}`);
  }
  await sql.raw('SET LOCAL search_path TO public').execute(trx);
  return applied;
}
