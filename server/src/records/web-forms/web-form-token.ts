import crypto from 'node:crypto';

/**
 * The timing check of public forms: the form is handed out with a token
 * holding the moment it was shown, signed with the form's secret. A bot that
 * posts at once (under 3 s) or replays an old page (over a day) is refused.
 */
export const MIN_FILL_MS = 3_000;
export const MAX_FILL_MS = 24 * 3600_000;

const sign = (secret: string, issuedAt: number) => crypto.createHmac('sha256', secret).update(`web-form:${issuedAt}`).digest('base64url');

export function issueFormToken(secret: string, now: Date): string {
  const issuedAt = now.getTime();
  return `${issuedAt}.${sign(secret, issuedAt)}`;
}

/** Why a token is refused, or null when it is good. */
export function checkFormToken(secret: string, token: unknown, now: Date): 'missing' | 'invalid' | 'too_fast' | 'expired' | null {
  if (typeof token !== 'string' || token === '') return 'missing';
  const [issued, signature] = token.split('.');
  const issuedAt = Number(issued);
  if (!Number.isSafeInteger(issuedAt) || !signature) return 'invalid';
  const expected = Buffer.from(sign(secret, issuedAt));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'invalid';
  const age = now.getTime() - issuedAt;
  if (age < MIN_FILL_MS) return 'too_fast';
  if (age > MAX_FILL_MS) return 'expired';
  return null;
}
