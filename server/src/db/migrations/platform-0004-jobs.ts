import PgBoss from 'pg-boss';

/**
 * pg-boss's own tables, installed by our migrations rather than by pg-boss at
 * start: every node (workers or not) can then send jobs, the test snapshot
 * carries them, and start-up does no DDL. pg-boss upgrades its schema itself
 * later (its `version` table), so this only ever runs on a new database.
 *
 * pg-boss wraps its plan in BEGIN … COMMIT with SET LOCALs; migrations already
 * run in one transaction, so those lines are removed (and checked, so that a
 * pg-boss upgrade that changes the shape fails the tests loudly).
 */
function pgBossSchema(): string {
  const plan = PgBoss.getConstructionPlans('pgboss').trim();
  const head = /^BEGIN;\s*SET LOCAL lock_timeout = '30s';\s*SET LOCAL idle_in_transaction_session_timeout = '30s';/;
  if (!head.test(plan) || !plan.endsWith('COMMIT;')) {
    throw new Error('The pg-boss construction plan has an unexpected shape; review migration 0004 after upgrading pg-boss.');
  }
  return plan.replace(head, '').slice(0, -'COMMIT;'.length);
}

/** Background jobs (pg-boss), outbox bookkeeping per handler, and the indexes the feed and the cleanups need. */
export const jobsAndNotifications = `
${pgBossSchema()};

-- Which handlers of an event already succeeded: a retry runs only the others.
ALTER TABLE platform.outbox ADD COLUMN handled text[] NOT NULL DEFAULT '{}';
CREATE INDEX outbox_processed ON platform.outbox (processed_at) WHERE processed_at IS NOT NULL;

-- The feed is ordered by when a notification was (last) shown: a snoozed one comes back on top.
CREATE INDEX notifications_user_feed ON platform.notifications (user_id, (coalesce(snoozed_until, created_at)) DESC, id DESC);
CREATE INDEX notifications_user_unread ON platform.notifications (user_id) WHERE read_at IS NULL AND ignored_at IS NULL;
DROP INDEX platform.notifications_user;

CREATE INDEX sessions_expires ON platform.sessions (expires_at);
CREATE INDEX one_time_tokens_expires ON platform.one_time_tokens (expires_at);
`;
