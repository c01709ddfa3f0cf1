import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';
import { meQueryKey } from '../../app/session';

export interface BusinessHours {
  /** ISO weekday 1 (Monday) … 7 (Sunday); a day without an entry is closed. */
  days: Array<{ day: number; start: string; end: string }>;
}

export interface Holiday {
  date: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  logo: string | null;
  defaultLanguage: 'es' | 'en';
  timeZone: string;
  currency: string;
  /** Units of each currency worth one unit of the organization's currency, as decimal strings. */
  exchangeRates: Record<string, string>;
  fiscalYearStartMonth: number;
  businessHours: BusinessHours;
  holidays: Holiday[];
}

export type OrganizationPatch = Partial<Omit<Organization, 'id'>>;

export const organizationQueryKey = ['settings', 'organization'] as const;

export function useOrganization() {
  return useQuery({ queryKey: organizationQueryKey, queryFn: () => api.get<Organization>('/organization') });
}

/** PATCH /organization; the shell's /me carries the name and logo, so it is fetched again. */
export function useUpdateOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: OrganizationPatch) => api.patch<Organization>('/organization', patch),
    onSuccess: (organization) => {
      client.setQueryData(organizationQueryKey, organization);
      void client.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
