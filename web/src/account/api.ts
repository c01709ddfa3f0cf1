import { api } from '../app/api';

/** One of the signed-in user's e-mail addresses (GET /me/emails). */
export interface AccountEmail {
  id: string;
  email: string;
  isPrimary: boolean;
  verified: boolean;
  createdAt: string;
}

/** A personal API token as listed; the secret itself is only in CreatedApiToken, once. */
export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface CreatedApiToken extends ApiToken {
  token: string;
}

export interface ProfileChanges {
  name?: string;
  language?: 'es' | 'en';
  timeZone?: string;
}

export const accountKeys = {
  emails: ['account', 'emails'] as const,
  tokens: ['account', 'tokens'] as const,
};

/** The calls My account makes; the hooks in ./hooks wrap them with the query client. */
export const accountApi = {
  updateProfile: (changes: ProfileChanges) => api.patch<unknown>('/me', changes),
  listEmails: () => api.get<{ data: AccountEmail[] }>('/me/emails').then((answer) => answer.data),
  addEmail: (email: string) => api.post<AccountEmail>('/me/emails', { email }),
  resendVerification: (id: string) => api.post<unknown>(`/me/emails/${id}/resend-verification`),
  makePrimary: (id: string, password: string) => api.post<unknown>(`/me/emails/${id}/make-primary`, { password }),
  removeEmail: (id: string) => api.delete(`/me/emails/${id}`),
  changePassword: (currentPassword: string, newPassword: string) => api.post<unknown>('/me/password', { currentPassword, newPassword }),
  setUpTwoFactor: (password: string) => api.post<{ secret: string; otpauthUrl: string }>('/me/two-factor/setup', { password }),
  enableTwoFactor: (code: string) => api.post<{ enabled: true; recoveryCodes: string[] }>('/me/two-factor/enable', { code }),
  replaceRecoveryCodes: (password: string) =>
    api.post<{ enabled: true; recoveryCodes: string[] }>('/me/two-factor/recovery-codes', { password }),
  disableTwoFactor: (password: string) => api.post<unknown>('/me/two-factor/disable', { password }),
  listTokens: () => api.get<{ data: ApiToken[] }>('/tokens').then((answer) => answer.data),
  createToken: (name: string) => api.post<CreatedApiToken>('/tokens', { name }),
  revokeToken: (id: string) => api.delete(`/tokens/${id}`),
};
