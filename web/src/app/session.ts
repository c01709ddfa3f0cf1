import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from './api';

export interface Me {
  user: {
    id: string;
    name: string;
    email: string;
    language: 'es' | 'en';
    timeZone: string;
    roleId: string | null;
    profileId: string;
    twoFactorEnabled: boolean;
  };
  organization: { id: string; name: string; logo: string | null; currency: string; timeZone: string; defaultLanguage: string };
  permissions: { isAdmin: boolean; modules: Record<string, Record<string, boolean>>; fields: Record<string, Record<string, string>> };
  /** 'outbox' when no SMTP server is set: mail waits in Settings → Mail outbox instead of leaving. */
  mailDelivery: 'smtp' | 'outbox';
  csrfToken: string | null;
}

export const meQueryKey = ['me'] as const;

/** The signed-in user, or null when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await api.get<Me>('/me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Call after sign-in, sign-out or a change to the user: /me is fetched again. */
export function useRefreshMe() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: meQueryKey });
}

export function useSetupStatus() {
  return useQuery({
    queryKey: ['setup'],
    queryFn: () => api.get<{ needsSetup: boolean; allowSignup: boolean }>('/setup'),
    staleTime: 30_000,
  });
}
