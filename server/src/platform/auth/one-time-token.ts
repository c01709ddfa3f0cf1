import { AppError } from '../http/app-error.js';

/** Why a link no longer works; the web page shows a message for each. */
export type DeadTokenReason = 'unknown' | 'expired' | 'used' | 'revoked';

const MESSAGES: Record<DeadTokenReason, string> = {
  unknown: 'This link is not valid. If you received several e-mails, use the most recent one.',
  expired: 'This link has expired. Ask for a new one.',
  used: 'This link has already been used.',
  revoked: 'This invitation was withdrawn by an administrator.',
};

/** The state of a stored one-time token at `now`. */
export function tokenState(row: { used_at: Date | null; expires_at: Date }, now: Date): 'usable' | 'used' | 'expired' {
  if (row.used_at) return 'used';
  if (new Date(row.expires_at).getTime() <= now.getTime()) return 'expired';
  return 'usable';
}

/**
 * The error for a link that does not work: an unknown token is a 404, a token
 * that existed but is used, expired or withdrawn is a 410 `gone`; both carry
 * `details.reason`. With `alwaysNotFound`, every case is a 404 (look-ups).
 */
export function deadTokenError(reason: DeadTokenReason, options: { alwaysNotFound?: boolean } = {}): AppError {
  const code = reason === 'unknown' || options.alwaysNotFound ? 'not_found' : 'gone';
  return new AppError(code, MESSAGES[reason], { reason });
}
