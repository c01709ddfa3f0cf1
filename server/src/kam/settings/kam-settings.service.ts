import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { badRequest } from '../../platform/http/app-error.js';
import type { MetadataStore } from '../../records/index.js';
import { readSettings, writeSettings } from './kam-settings.repository.js';
import { CADENCE_RANGE, HEALTH_FACTORS, KPI_TARGETS } from './kam-settings.rules.js';

/** What the table holds before anyone saved (same as its column defaults). */
export const DEFAULT_CADENCE: Record<string, number> = { strategic: 14, key: 30, growth: 45, maintain: 60 };

export interface KamSettingsInput {
  acquisitionCost?: string | null;
  cadenceDays?: Record<string, number>;
  targets?: Record<string, number | string>;
  healthWeights?: Record<string, number>;
}

/** A decimal string in its canonical form ("01200.50" → "1200.5"). */
function canonicalMoney(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  const integer = whole.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  return decimals ? `${integer}.${decimals}` : integer;
}

/** Acquisition cost, contact cadence per tier, KPI targets and health weights: everyone reads, administrators write. */
export function createKamSettingsService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;

  async function get(auth: AuthContext) {
    const row = await readSettings(database.db, auth.orgSchema);
    return {
      acquisitionCost: row?.acquisition_cost ?? null,
      cadenceDays: row?.cadence_days ?? DEFAULT_CADENCE,
      targets: row?.targets ?? {},
      healthWeights: { ...HEALTH_FACTORS, ...(row?.health_weights ?? {}) },
      updatedAt: row?.updated_at.toISOString() ?? null,
    };
  }

  async function tierCodes(auth: AuthContext): Promise<Set<string>> {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const tier = metadata.modules.get('accounts')?.fields.find((field) => field.apiName === 'tier');
    return new Set((tier?.options.values ?? []).map((value) => value.code));
  }

  function checkTargets(targets: Record<string, number | string>) {
    const clean: Record<string, number | string> = {};
    for (const [id, value] of Object.entries(targets)) {
      const rule = KPI_TARGETS[id];
      const field = `targets.${id}`;
      if (!rule) throw badRequest(`"${id}" is not a KPI id.`, field);
      if (rule.kind === 'money') {
        const text = typeof value === 'number' ? String(value) : value;
        if (!/^\d{1,13}(\.\d{1,2})?$/.test(text))
          throw badRequest('A currency target is a positive amount with at most 2 decimals.', field);
        clean[id] = canonicalMoney(text);
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest('This target is a number.', field);
      if (value < rule.min || value > rule.max) throw badRequest(`The target of ${id} is from ${rule.min} to ${rule.max}.`, field);
      if (rule.integer && !Number.isInteger(value)) throw badRequest('This target is a whole number.', field);
      clean[id] = value;
    }
    return clean;
  }

  async function put(auth: AuthContext, input: KamSettingsInput) {
    if (input.cadenceDays) {
      const tiers = await tierCodes(auth);
      for (const [tier, days] of Object.entries(input.cadenceDays)) {
        if (!tiers.has(tier)) throw badRequest(`"${tier}" is not an account tier.`, `cadenceDays.${tier}`);
        if (days < CADENCE_RANGE.min || days > CADENCE_RANGE.max)
          throw badRequest(`A cadence is from ${CADENCE_RANGE.min} to ${CADENCE_RANGE.max} days.`, `cadenceDays.${tier}`);
      }
    }
    const targets = input.targets ? checkTargets(input.targets) : undefined;
    if (input.healthWeights) {
      for (const [factor, weight] of Object.entries(input.healthWeights)) {
        if (!(factor in HEALTH_FACTORS)) throw badRequest(`"${factor}" is not a health factor.`, `healthWeights.${factor}`);
        if (weight < 0 || weight > 100) throw badRequest('A weight is from 0 to 100.', `healthWeights.${factor}`);
      }
      const merged = { ...HEALTH_FACTORS, ...input.healthWeights };
      if (Object.values(merged).every((weight) => weight === 0))
        throw badRequest('At least one health factor needs a weight.', 'healthWeights');
    }
    await database.transaction('kam.settings', (trx) =>
      writeSettings(trx, auth.orgSchema, {
        acquisition_cost:
          input.acquisitionCost === undefined ? undefined : input.acquisitionCost === null ? null : canonicalMoney(input.acquisitionCost),
        cadence_days: input.cadenceDays,
        targets,
        health_weights: input.healthWeights,
      }),
    );
    return get(auth);
  }

  return { get, put };
}

export type KamSettingsService = ReturnType<typeof createKamSettingsService>;
