/**
 * Recovery after a crash. An import's runner beats on its row (`heartbeat_at`,
 * with every batch and on a timer), so a node that runs workers can tell an
 * import whose runner died and queue it again; NULL means no runner has it yet
 * (its job waits in the queue). Nodes that run workers beat on their own row of
 * `worker_nodes`, so a job left "active" by a node that stopped beating is
 * retried soon instead of at its expiry (platform/jobs).
 */
export const importLease = `
ALTER TABLE platform.imports ADD COLUMN heartbeat_at timestamptz;
UPDATE platform.imports SET heartbeat_at = COALESCE(started_at, created_at) WHERE status = 'running';
CREATE INDEX imports_unfinished ON platform.imports (heartbeat_at) WHERE status IN ('queued', 'running');

CREATE TABLE platform.worker_nodes (
  id uuid PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
`;
