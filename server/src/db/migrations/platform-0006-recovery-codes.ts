/** Two-factor recovery codes: single-use, stored as SHA-256 (they are random and high-entropy). */
export const recoveryCodes = `
CREATE TABLE platform.two_factor_recovery_codes (
  user_id uuid NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, code_hash)
);
`;
