/**
 * The outbox claim reads two small index ranges instead of every pending row:
 * events nobody claimed yet, by id; and claims that expired (a node died,
 * a retry is due), by expiry. Events a node wrote already claimed for itself
 * (handled from memory) sit in neither range while their claim holds, and
 * events that used up their attempts (10, MAX_ATTEMPTS in event-bus.ts) leave both.
 */
export const outboxClaims = `
CREATE INDEX outbox_unclaimed ON platform.outbox (id) WHERE processed_at IS NULL AND claimed_until IS NULL AND attempts < 10;
CREATE INDEX outbox_claim_expiry ON platform.outbox (claimed_until) WHERE processed_at IS NULL AND claimed_until IS NOT NULL AND attempts < 10;
DROP INDEX platform.outbox_pending;
`;
