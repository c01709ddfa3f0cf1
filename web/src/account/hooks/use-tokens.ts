import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accountApi, accountKeys } from '../api';

/** Personal API tokens: active ones first, newest first. */
export function useTokens() {
  return useQuery({
    queryKey: accountKeys.tokens,
    queryFn: accountApi.listTokens,
    select: (tokens) =>
      [...tokens].sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || b.createdAt.localeCompare(a.createdAt)),
  });
}

export function useTokenMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: accountKeys.tokens });
  return {
    create: useMutation({ mutationFn: accountApi.createToken, onSuccess: refresh }),
    revoke: useMutation({ mutationFn: accountApi.revokeToken, onSuccess: refresh }),
  };
}
