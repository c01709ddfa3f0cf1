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
  {
    name: '0015-automation-approvals',
    sql: `
      -- Approval processes (AUT-2): per module, entry criteria, a trigger (create, edit, create_or_edit, manual),
      -- ordered steps (approvers, optional criteria) and the actions on final approval and on rejection (JSON, checked
      -- by automation/approvals). owner_id: whose name the actions act in.
      CREATE TABLE automation_approval_processes (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        module text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('create', 'edit', 'create_or_edit', 'manual')),
        criteria jsonb,
        steps jsonb NOT NULL,
        on_approve jsonb NOT NULL DEFAULT '[]',
        on_reject jsonb NOT NULL DEFAULT '[]',
        enabled boolean NOT NULL DEFAULT true,
        owner_id uuid NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_approval_processes_module ON automation_approval_processes (module) WHERE enabled;
      -- A record submitted to a process. key: the record event's id (automatic) or a new id (manual), so an event handled
      -- twice submits once. One pending submission per record: that is the lock.
      CREATE TABLE automation_approval_submissions (
        id uuid PRIMARY KEY,
        process_id uuid NOT NULL REFERENCES automation_approval_processes (id) ON DELETE CASCADE,
        key text NOT NULL,
        module text NOT NULL,
        record_id uuid NOT NULL,
        step integer NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'recalled')),
        submitted_by uuid NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        UNIQUE (process_id, key)
      );
      CREATE UNIQUE INDEX automation_approval_submissions_pending ON automation_approval_submissions (record_id) WHERE status = 'pending';
      CREATE INDEX automation_approval_submissions_record ON automation_approval_submissions (record_id, submitted_at DESC);
      -- Who must decide a step, fixed when the step starts (delegate_id: their delegate then, who may decide for them).
      CREATE TABLE automation_approval_approvers (
        submission_id uuid NOT NULL REFERENCES automation_approval_submissions (id) ON DELETE CASCADE,
        step integer NOT NULL,
        user_id uuid NOT NULL,
        delegate_id uuid,
        decision text CHECK (decision IN ('approve', 'reject')),
        PRIMARY KEY (submission_id, step, user_id)
      );
      CREATE INDEX automation_approval_approvers_user ON automation_approval_approvers (user_id) WHERE decision IS NULL;
      CREATE INDEX automation_approval_approvers_delegate ON automation_approval_approvers (delegate_id) WHERE decision IS NULL;
      -- The history: submitted, approve, reject, recall, skipped (a step whose criteria the record did not meet).
      CREATE TABLE automation_approval_decisions (
        id uuid PRIMARY KEY,
        submission_id uuid NOT NULL REFERENCES automation_approval_submissions (id) ON DELETE CASCADE,
        step integer NOT NULL,
        user_id uuid,
        decision text NOT NULL CHECK (decision IN ('submit', 'approve', 'reject', 'recall', 'skip')),
        comment text,
        delegated_from uuid,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_approval_decisions_submission ON automation_approval_decisions (submission_id, at, id);
      -- The one-click links of the approval e-mails: the organization's id, then a secret; only its hash is kept.
      CREATE TABLE automation_approval_links (
        token_hash text PRIMARY KEY,
        submission_id uuid NOT NULL REFERENCES automation_approval_submissions (id) ON DELETE CASCADE,
        step integer NOT NULL,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      -- A user away: their approvals go to the delegate too between the two dates (inclusive, organization's time zone).
      CREATE TABLE automation_approval_delegates (
        user_id uuid PRIMARY KEY,
        delegate_id uuid NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        CHECK (ends_on >= starts_on)
      );
      -- The execution log also holds approval processes' runs: rule_id names a workflow rule or an approval process.
      ALTER TABLE automation_executions DROP CONSTRAINT automation_executions_rule_id_fkey;
    `,
  },
  {
    name: '0016-reports',
    sql: `
      -- Reports (CRM-8): a definition (module, type, columns, filter, period, groupings, aggregates, formulas, chart;
      -- checked by reports/ against the caller's view when saved and when run), shared with roles, groups or everyone.
      CREATE TABLE reports (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        folder text,
        module text NOT NULL,
        definition jsonb NOT NULL,
        owner_id uuid NOT NULL,
        shared_with jsonb NOT NULL DEFAULT '{"roles": [], "groups": [], "everyone": false}',
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX reports_owner ON reports (owner_id);
      -- Dashboards: a grid of report widgets with a dashboard-wide period.
      CREATE TABLE dashboards (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        owner_id uuid NOT NULL,
        shared_with jsonb NOT NULL DEFAULT '{"roles": [], "groups": [], "everyone": false}',
        period jsonb,
        widgets jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dashboards_owner ON dashboards (owner_id);
      -- Scheduled reports: mailed daily, weekly or monthly at a local time of the organization, run as the report's owner.
      CREATE TABLE report_schedules (
        id uuid PRIMARY KEY,
        report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
        time text NOT NULL,
        weekday int CHECK (weekday BETWEEN 1 AND 7),
        month_day int CHECK (month_day BETWEEN 1 AND 31),
        format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'pdf')),
        recipients jsonb NOT NULL DEFAULT '{"users": [], "roles": [], "groups": []}',
        next_run_at timestamptz,
        last_run_at timestamptz,
        last_error text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX report_schedules_report ON report_schedules (report_id);
      CREATE INDEX report_schedules_due ON report_schedules (next_run_at);
    `,
  },
  {
    name: '0017-forecasts',
    sql: `
      -- Sales forecasts (forecasts/): the forecast category of each open deal stage as the administrator set it (won
      -- stages are always closed, lost ones omitted; a stage without a row takes its default from its probability).
      CREATE TABLE forecast_stage_categories (
        stage text PRIMARY KEY,
        category text NOT NULL CHECK (category IN ('pipeline', 'best_case', 'commit', 'omitted')),
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Quotas per user and period (a fiscal month 2026-07 or a fiscal quarter 2026-Q3), in the organization's currency.
      CREATE TABLE forecast_quotas (
        user_id uuid NOT NULL,
        period text NOT NULL,
        amount numeric NOT NULL CHECK (amount >= 0),
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, period)
      );
      -- Weekly snapshots: each user's own figures (their deals, not rolled up) per category for the current and next
      -- periods, taken on a local date; a second snapshot on the same date replaces the first.
      CREATE TABLE forecast_snapshots (
        taken_on date NOT NULL,
        period text NOT NULL,
        user_id uuid NOT NULL,
        pipeline numeric NOT NULL,
        best_case numeric NOT NULL,
        commit numeric NOT NULL,
        closed numeric NOT NULL,
        omitted numeric NOT NULL,
        quota numeric,
        taken_at timestamptz NOT NULL,
        PRIMARY KEY (taken_on, period, user_id)
      );
    `,
  },
  {
    name: '0018-automation-scoring',
    sql: `
      -- Scoring rules (AUT-8): per module, field entries {id, criteria, points} and touchpoint entries {id, event, points}.
      -- Several rules of a module may be active: a record's score is the sum of them all.
      CREATE TABLE automation_scoring_rules (
        id uuid PRIMARY KEY,
        module text NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        field_rules jsonb NOT NULL DEFAULT '[]',
        touchpoint_rules jsonb NOT NULL DEFAULT '[]',
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_scoring_rules_module ON automation_scoring_rules (module) WHERE active;
      -- The touchpoint points ledger: one row per touchpoint, scored record and touchpoint entry, so a touchpoint
      -- counts once however often its events arrive. Rebuilt from the touchpoint's current state on each of its events.
      CREATE TABLE automation_score_touchpoints (
        touchpoint_id uuid NOT NULL,
        module text NOT NULL,
        record_id uuid NOT NULL,
        rule_id uuid NOT NULL REFERENCES automation_scoring_rules (id) ON DELETE CASCADE,
        entry_id uuid NOT NULL,
        points integer NOT NULL,
        PRIMARY KEY (touchpoint_id, module, record_id, entry_id)
      );
      CREATE INDEX automation_score_touchpoints_record ON automation_score_touchpoints (record_id, module);
      -- The scoring log: one row per handled event (or recalculation) and record; unique key so a second delivery stops.
      CREATE TABLE automation_scoring_runs (
        id uuid PRIMARY KEY,
        key text NOT NULL,
        module text NOT NULL,
        record_id uuid NOT NULL,
        trigger text NOT NULL,
        depth integer NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('done', 'unchanged', 'stopped')),
        score_before integer,
        score_after integer,
        breakdown jsonb NOT NULL DEFAULT '[]',
        reason text,
        duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (key, module, record_id)
      );
      CREATE INDEX automation_scoring_runs_record ON automation_scoring_runs (record_id, created_at DESC, id DESC);
      CREATE INDEX automation_scoring_runs_created ON automation_scoring_runs (created_at);
    `,
  },
  {
    name: '0019-automation-functions',
    sql: `
      -- Custom functions (AUT-6): JavaScript run in a QuickJS sandbox (automation/functions) as owner_id, with HTTP
      -- calls only to allowed_hosts and time and memory limits.
      CREATE TABLE automation_functions (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        code text NOT NULL,
        allowed_hosts text[] NOT NULL DEFAULT '{}',
        timeout_ms integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 10000),
        memory_mb integer NOT NULL DEFAULT 128 CHECK (memory_mb BETWEEN 8 AND 128),
        owner_id uuid NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX automation_functions_name ON automation_functions (lower(name));
      -- Each run of a function: what started it, its input in short, logs, result or error, duration and memory.
      CREATE TABLE automation_function_runs (
        id uuid PRIMARY KEY,
        function_id uuid NOT NULL REFERENCES automation_functions (id) ON DELETE CASCADE,
        trigger text NOT NULL CHECK (trigger IN ('test', 'workflow', 'schedule')),
        source_id uuid,
        record_id uuid,
        status text NOT NULL CHECK (status IN ('done', 'failed')),
        input jsonb NOT NULL DEFAULT '{}',
        logs jsonb NOT NULL DEFAULT '[]',
        result jsonb,
        error text,
        duration_ms integer NOT NULL,
        memory_bytes bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_function_runs_function ON automation_function_runs (function_id, created_at DESC);
      -- Schedules (AUT-5): once, daily, weekly (weekdays), monthly (day of month) at a local time; a function, or actions
      -- over the records of module matching criteria.
      CREATE TABLE automation_schedules (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        frequency text NOT NULL CHECK (frequency IN ('once', 'daily', 'weekly', 'monthly')),
        run_on date,
        time text NOT NULL,
        weekdays integer[] NOT NULL DEFAULT '{}',
        month_day integer CHECK (month_day BETWEEN 1 AND 31),
        module text,
        criteria jsonb,
        function_id uuid REFERENCES automation_functions (id) ON DELETE RESTRICT,
        actions jsonb NOT NULL DEFAULT '[]',
        owner_id uuid NOT NULL,
        next_run_at timestamptz,
        last_run_at timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_schedules_due ON automation_schedules (next_run_at) WHERE enabled;
      -- One row per schedule and due time: a tick seen twice makes one run.
      CREATE TABLE automation_schedule_runs (
        id uuid PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES automation_schedules (id) ON DELETE CASCADE,
        due_at timestamptz NOT NULL,
        manual boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        matched integer NOT NULL DEFAULT 0,
        succeeded integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (schedule_id, due_at)
      );
      CREATE INDEX automation_schedule_runs_schedule ON automation_schedule_runs (schedule_id, started_at DESC);
      -- Each record a run handled, claimed in the chunk's transaction: a resumed run skips them.
      CREATE TABLE automation_schedule_items (
        run_id uuid NOT NULL REFERENCES automation_schedule_runs (id) ON DELETE CASCADE,
        record_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('done', 'failed')),
        error text,
        PRIMARY KEY (run_id, record_id)
      );
    `,
  },
  {
    name: '0020-report-schedules',
    sql: `
      -- Scheduled reports (reports/schedules): one run per schedule and due time (two ticks make one), mailed once.
      CREATE TABLE report_schedule_runs (
        id uuid PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES report_schedules (id) ON DELETE CASCADE,
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        error text,
        recipients integer NOT NULL DEFAULT 0,
        -- Taken by the job that mails it; a job that died with it is taken again after 10 minutes.
        claimed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (schedule_id, due_at)
      );
    `,
  },
  {
    name: '0021-automation-blueprints',
    sql: `
      -- Blueprints (AUT-4): a process as a state machine on one picklist field of a module. definition: the states
      -- (picklist values, canvas position, time limit and escalation) and the transitions (from, to, who, criteria,
      -- what to ask during, actions after), JSON checked by automation/blueprints. criteria: which records it governs.
      CREATE TABLE automation_blueprints (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        module text NOT NULL,
        field text NOT NULL,
        criteria jsonb,
        enabled boolean NOT NULL DEFAULT false,
        owner_id uuid NOT NULL,
        definition jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- At most one enabled Blueprint per field.
      CREATE UNIQUE INDEX automation_blueprints_enabled ON automation_blueprints (module, field) WHERE enabled;
      -- The state of each record a Blueprint governs: entered when, due when (the state's time limit), escalated or
      -- not (escalation_level 1: the time limit's escalation ran for this entry). entered_key: the record event or the
      -- transition that put it there, so an event handled twice enters once.
      CREATE TABLE automation_blueprint_records (
        blueprint_id uuid NOT NULL REFERENCES automation_blueprints (id) ON DELETE CASCADE,
        record_id uuid NOT NULL,
        module text NOT NULL,
        state text NOT NULL,
        entered_at timestamptz NOT NULL,
        due_at timestamptz,
        escalation_level integer NOT NULL DEFAULT 0,
        entered_key text NOT NULL,
        PRIMARY KEY (blueprint_id, record_id)
      );
      CREATE INDEX automation_blueprint_records_record ON automation_blueprint_records (record_id);
      -- What the time-limit job reads: records past their state's time limit, not yet escalated.
      CREATE INDEX automation_blueprint_records_overdue ON automation_blueprint_records (blueprint_id, due_at)
        WHERE due_at IS NOT NULL AND escalation_level = 0;
      -- One row per transition taken: who, from and to, the note, the values given and the attachment.
      CREATE TABLE automation_blueprint_history (
        id uuid PRIMARY KEY,
        blueprint_id uuid NOT NULL REFERENCES automation_blueprints (id) ON DELETE CASCADE,
        module text NOT NULL,
        record_id uuid NOT NULL,
        transition_id text NOT NULL,
        transition_name text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        user_id uuid,
        note text,
        "values" jsonb NOT NULL DEFAULT '{}',
        attachment_id uuid,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_blueprint_history_record ON automation_blueprint_history (record_id, at DESC);
    `,
  },
  {
    name: '0022-record-table-fillfactor',
    sql: `
      -- Record tables keep 15% of each page free (records/metadata/ddl.ts, RECORD_TABLE_FILLFACTOR): an update that
      -- changes no indexed column stays on its page and adds no index entries. Applies to pages filled from now on.
      DO $$
      DECLARE record_table regclass;
      BEGIN
        FOR record_table IN
          SELECT c.oid::regclass FROM pg_class c
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
            AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
                   AND a.attname IN ('id', 'owner_id', 'deleted_at', 'deleted_by')) = 4
        LOOP
          EXECUTE format('ALTER TABLE %s SET (fillfactor = 85)', record_table);
        END LOOP;
      END $$;
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
