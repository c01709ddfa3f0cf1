/**
 * Hardening of accounts: only VERIFIED addresses are unique across the
 * installation, so an unverified address that someone merely typed blocks
 * nobody (invitations, sign-ups, other users). One user still holds an
 * address at most once. Two-factor remembers the last accepted time step, so
 * a code works once.
 */
export const hardening = `
DROP INDEX platform.user_emails_email;
-- A verified address belongs to one user in the whole installation.
CREATE UNIQUE INDEX user_emails_verified_email ON platform.user_emails (lower(email)) WHERE verified_at IS NOT NULL;
-- One user holds an address once, verified or not.
CREATE UNIQUE INDEX user_emails_user_email ON platform.user_emails (user_id, lower(email));

-- The TOTP time step (unix time / 30 s) of the last code accepted: an older or the same code is refused.
ALTER TABLE platform.users ADD COLUMN totp_last_step integer;
`;
