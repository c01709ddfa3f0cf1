/** Accounts (PLT-1, PLT-2): lookups for invitations and one-time tokens. */
export const accounts = `
-- Resending or revoking kills every outstanding token of a subject (invitation, e-mail row, user).
CREATE INDEX one_time_tokens_subject ON platform.one_time_tokens (subject_id, purpose);
-- One pending invitation per address and organization, also under concurrent requests.
CREATE UNIQUE INDEX invitations_pending_email ON platform.invitations (org_id, lower(email))
  WHERE accepted_at IS NULL AND revoked_at IS NULL;
`;
