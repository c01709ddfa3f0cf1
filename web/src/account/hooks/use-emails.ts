import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../../app/session';
import { accountApi, accountKeys } from '../api';

/** The signed-in user's addresses, primary first, then in the order they were added. */
export function useEmails() {
  return useQuery({
    queryKey: accountKeys.emails,
    queryFn: accountApi.listEmails,
    select: (emails) => [...emails].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.createdAt.localeCompare(b.createdAt)),
  });
}

/** Every change to the addresses refreshes the list (and /me, whose e-mail is the primary one). */
export function useEmailMutations() {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: accountKeys.emails }), client.invalidateQueries({ queryKey: meQueryKey })]);
  return {
    add: useMutation({ mutationFn: accountApi.addEmail, onSuccess: refresh }),
    resend: useMutation({ mutationFn: accountApi.resendVerification }),
    makePrimary: useMutation({
      mutationFn: ({ id, password }: { id: string; password: string }) => accountApi.makePrimary(id, password),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: accountApi.removeEmail, onSuccess: refresh }),
  };
}
