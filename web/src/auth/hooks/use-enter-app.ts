import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { setCsrfToken } from '../../app/api';
import { meQueryKey } from '../../app/session';

/** What the server answers when it signs someone in (setup, sign-up, accepted invitation, sign-in). */
export interface SignedIn {
  userId: string;
  orgId: string;
  csrfToken: string;
}

/**
 * After the server has signed someone in: keep the CSRF token, load the new
 * /me before the app shell mounts (so it does not bounce to sign-in on the
 * stale "nobody" answer), and go to `to`.
 */
export function useEnterApp() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async (signedIn: SignedIn, to = '/') => {
    setCsrfToken(signedIn.csrfToken);
    client.setQueryData<{ needsSetup: boolean; allowSignup: boolean }>(['setup'], (old) => (old ? { ...old, needsSetup: false } : old));
    await client.refetchQueries({ queryKey: meQueryKey, type: 'all' });
    await navigate({ to });
  };
}
