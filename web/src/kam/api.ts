import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../app/api';

/** The KAM API as the screens use it (types follow the server's schemas in server/src/kam). */
export type SurveyType = 'nps' | 'csat' | 'enps';
export interface Question {
  id: string;
  label: string;
  kind: 'text' | 'scale' | 'choice';
  options?: string[];
  required?: boolean;
}
export interface Survey {
  id: string;
  name: string;
  type: SurveyType;
  questions: Question[];
  status: 'draft' | 'sent' | 'closed';
  createdBy: string | null;
  createdAt: string;
  invited: number;
  answered: number;
}
export interface SurveyDetail extends Survey {
  results: {
    responses: number;
    score: number | null;
    promoters: number | null;
    passives: number | null;
    detractors: number | null;
    distribution: Array<{ score: number; count: number }> | null;
    hidden: boolean;
  };
  recent: Array<{
    id: string;
    contactId: string | null;
    accountId: string | null;
    score: number;
    answeredAt: string;
    answers: Record<string, string | number>;
  }>;
}
export interface PublicSurvey {
  organization: string;
  name: string;
  type: SurveyType;
  language: 'es' | 'en';
  questions: Question[];
  answered: boolean;
  /** Closed surveys take no answers. */
  closed: boolean;
}
export interface KamSettings {
  acquisitionCost: string | null;
  cadenceDays: Record<string, number>;
  targets: Record<string, number | string>;
  healthWeights: Record<string, number>;
  updatedAt: string | null;
}

export type HealthBand = 'healthy' | 'at_risk' | 'critical';
export interface AccountHealth {
  accountId: string;
  score: number | null;
  band: HealthBand | null;
  factors: Array<{ id: string; value: number | null; weight: number; points: number; explanation: string }>;
  computedAt: string;
  history: Array<{ date: string; score: number; band: HealthBand }>;
}

export const kamKeys = {
  health: (accountId: string) => ['kam', 'health', accountId] as const,
  surveys: ['kam', 'surveys'] as const,
  survey: (id: string) => ['kam', 'surveys', id] as const,
  settings: ['kam', 'settings'] as const,
};

export function useAccountHealth(accountId: string) {
  return useQuery({
    queryKey: kamKeys.health(accountId),
    queryFn: () => api.get<AccountHealth>(`/kam/accounts/${accountId}/health`),
    retry: false,
  });
}

export function useSurveys() {
  return useQuery({ queryKey: kamKeys.surveys, queryFn: () => api.get<{ data: Survey[] }>('/kam/surveys'), retry: false });
}

export function useSurvey(id: string) {
  return useQuery({ queryKey: kamKeys.survey(id), queryFn: () => api.get<SurveyDetail>(`/kam/surveys/${id}`) });
}

export function useCreateSurvey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; type: SurveyType; questions: Question[] }) => api.post<Survey>('/kam/surveys', body),
    onSuccess: () => client.invalidateQueries({ queryKey: kamKeys.surveys }),
  });
}

export function useSendSurvey(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { contactIds?: string[]; userIds?: string[] }) =>
      api.post<{ invited: number; sent: number }>(`/kam/surveys/${id}/send`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: kamKeys.surveys }),
  });
}

/** Closes a survey (its links stop taking answers) or opens it again. */
export function useSetSurveyClosed(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (closed: boolean) => api.post<Survey>(`/kam/surveys/${id}/${closed ? 'close' : 'reopen'}`),
    onSuccess: () => client.invalidateQueries({ queryKey: kamKeys.surveys }),
  });
}

export function useKamSettings() {
  return useQuery({ queryKey: kamKeys.settings, queryFn: () => api.get<KamSettings>('/kam/settings') });
}

export function useSaveKamSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Omit<KamSettings, 'updatedAt'>>) => api.put<KamSettings>('/kam/settings', body),
    onSuccess: (answer) => client.setQueryData(kamKeys.settings, answer),
  });
}

export const publicSurveyApi = {
  get: (token: string) => api.get<PublicSurvey>(`/public/surveys/answer?token=${encodeURIComponent(token)}`),
  answer: (body: { token: string; score: number; answers?: Record<string, string | number> }) =>
    api.post<void>('/public/surveys/answer', body),
};
