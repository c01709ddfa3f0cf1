/**
 * Stored files (PLT-9) and outgoing webhooks (PLT-7 / CRM-11).
 *
 * A file row describes one stored object; module + record_id say what it is
 * attached to (no foreign key: records live in org schemas). A deleted file
 * keeps its row and object for 30 days, then the maintenance job removes both.
 *
 * A webhook delivery is unique per (event, webhook), so the fan-out may run
 * twice for one event without sending twice; a redelivery is a new row that
 * points at the delivery it repeats. Each HTTP attempt is logged.
 */
export const filesAndWebhooks = `
CREATE TABLE platform.files (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL,
  storage_key text NOT NULL,
  module text,
  record_id uuid,
  created_by uuid REFERENCES platform.users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX files_attached ON platform.files (org_id, module, record_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX files_deleted ON platform.files (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE platform.webhooks (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  url text NOT NULL,
  events text[] NOT NULL,
  modules text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  secret text NOT NULL,
  created_by uuid REFERENCES platform.users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_org ON platform.webhooks (org_id, created_at);

CREATE TABLE platform.webhook_deliveries (
  id uuid PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES platform.webhooks(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES platform.organizations(id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  event_created_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  redelivery_of uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX webhook_deliveries_once ON platform.webhook_deliveries (event_id, webhook_id) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_list ON platform.webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_created ON platform.webhook_deliveries (created_at);

CREATE TABLE platform.webhook_delivery_attempts (
  id uuid PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES platform.webhook_deliveries(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  status_code integer,
  response_body text,
  duration_ms integer NOT NULL,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (delivery_id, attempt)
);
`;
