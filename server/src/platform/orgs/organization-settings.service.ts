import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { BusinessHours, Holiday } from '../../db/platform-schema.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { sha256 } from '../ids.js';
import { findOrganization, lockOrganization, updateOrganization, type OrganizationRow } from './organization.repository.js';
import {
  validateBusinessHours,
  validateCurrency,
  validateExchangeRates,
  validateHolidays,
  validateLogo,
  validateTimeZone,
} from './organization-settings.js';

export interface OrganizationChanges {
  name?: string;
  logo?: string | null;
  defaultLanguage?: 'es' | 'en';
  timeZone?: string;
  currency?: string;
  exchangeRates?: Record<string, string>;
  fiscalYearStartMonth?: number;
  businessHours?: BusinessHours;
  holidays?: Holiday[];
}

function settingsOf(row: OrganizationRow) {
  return {
    name: row.name,
    logo: row.logo,
    defaultLanguage: row.default_language as 'es' | 'en',
    timeZone: row.time_zone,
    currency: row.currency,
    exchangeRates: row.exchange_rates,
    fiscalYearStartMonth: row.fiscal_year_start_month,
    businessHours: row.business_hours,
    holidays: row.holidays,
  };
}

const present = (row: OrganizationRow) => ({ id: row.id, ...settingsOf(row), updatedAt: row.updated_at.toISOString() });

// The audit log keeps a fingerprint of a logo, not 200 KB of base64.
const logoFingerprint = (logo: string | null | undefined) =>
  logo
    ? `${/^data:([^;]+)/.exec(logo)?.[1] ?? 'image'}, ${Math.floor((logo.length - logo.indexOf(',') - 1) * 0.75)} bytes, sha256 ${sha256(logo).slice(0, 16)}`
    : logo;

/** Organization settings: everyone reads them (formats, periods, SLAs follow them), administrators change them. */
export function createOrganizationSettingsService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  return {
    async get(auth: AuthContext) {
      const row = await findOrganization(database.db, auth.orgId);
      if (!row) throw notFound('The organization');
      return present(row);
    },

    async update(auth: AuthContext, input: OrganizationChanges, ip: string) {
      const name = input.name?.trim();
      if (name === '') throw badRequest('The name cannot be blank.', 'name');
      const logo = input.logo === undefined || input.logo === null ? input.logo : validateLogo(input.logo);
      const timeZone = input.timeZone === undefined ? undefined : validateTimeZone(input.timeZone);
      const currency = input.currency === undefined ? undefined : validateCurrency(input.currency);
      const businessHours = input.businessHours && validateBusinessHours(input.businessHours);
      const holidays = input.holidays && validateHolidays(input.holidays);
      return database.transaction('update-organization', async (trx) => {
        // The row lock orders concurrent updates: each one validates against the state the previous one left.
        await lockOrganization(trx, auth.orgId);
        const existing = await findOrganization(trx, auth.orgId);
        if (!existing) throw notFound('The organization');
        // Rates are checked against the currency the organization will have after this change.
        const exchangeRates = input.exchangeRates && validateExchangeRates(input.exchangeRates, currency ?? existing.currency);
        if (currency !== undefined && !input.exchangeRates && existing.exchange_rates[currency] !== undefined) {
          throw badRequest(
            `The exchange rates still list ${currency}, the new currency: send exchangeRates along without it.`,
            'exchangeRates',
          );
        }
        const next = {
          name,
          logo,
          defaultLanguage: input.defaultLanguage,
          timeZone,
          currency,
          exchangeRates,
          fiscalYearStartMonth: input.fiscalYearStartMonth,
          businessHours,
          holidays,
        };
        const diff = changedKeys(settingsOf(existing), next);
        if (!diff) return present(existing);
        const after = diff.after;
        await updateOrganization(trx, auth.orgId, {
          name: after.name,
          logo: after.logo,
          default_language: after.defaultLanguage,
          time_zone: after.timeZone,
          currency: after.currency,
          exchange_rates: after.exchangeRates,
          fiscal_year_start_month: after.fiscalYearStartMonth,
          business_hours: after.businessHours,
          holidays: after.holidays,
          updated_at: now(),
        });
        if ('logo' in diff.after) {
          diff.before.logo = logoFingerprint(diff.before.logo);
          diff.after.logo = logoFingerprint(diff.after.logo);
        }
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'organization.updated',
          targetType: 'organization',
          targetId: auth.orgId,
          ...diff,
          ip,
        });
        return present((await findOrganization(trx, auth.orgId))!);
      });
    },
  };
}
