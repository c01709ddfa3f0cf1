import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { badRequest } from '../http/app-error.js';

/** The canonical IANA name of a time zone (US/Eastern → America/New_York), or undefined when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | undefined {
  // Offsets ("+01:00") and abbreviations are not zones a period can be computed in.
  if (!/^[A-Za-z]+(?:[/_+-][A-Za-z0-9]+)*$/.test(zone) || (!zone.includes('/') && zone.toUpperCase() !== 'UTC')) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** My account preferences: display name, language and time zone (PLT-1, PLT-6). */
export function createPreferenceService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  return {
    async update(auth: AuthContext, input: { name?: string; language?: 'es' | 'en' | null; timeZone?: string | null }, ip: string) {
      const changes: { name?: string; language?: string | null; time_zone?: string | null } = {};
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (!name) throw badRequest('Enter your name.', 'name');
        changes.name = name;
      }
      if (input.language !== undefined) changes.language = input.language;
      if (input.timeZone !== undefined) {
        if (input.timeZone === null) changes.time_zone = null;
        else {
          const zone = canonicalTimeZone(input.timeZone.trim());
          if (!zone) throw badRequest(`"${input.timeZone}" is not a time zone. Use an IANA name such as Europe/Madrid.`, 'timeZone');
          changes.time_zone = zone;
        }
      }
      return database.transaction('update-preferences', async (trx) => {
        const before = await trx
          .selectFrom('platform.users')
          .select(['name', 'language', 'time_zone'])
          .where('id', '=', auth.userId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const changed = (Object.keys(changes) as Array<keyof typeof changes>).filter((key) => changes[key] !== before[key]);
        let after = before;
        if (changed.length > 0) {
          after = await trx
            .updateTable('platform.users')
            .set({ ...changes, updated_at: now() })
            .where('id', '=', auth.userId)
            .returning(['name', 'language', 'time_zone'])
            .executeTakeFirstOrThrow();
          await recordAudit(trx, {
            orgId: auth.orgId,
            actorId: auth.userId,
            action: 'user.preferences_changed',
            targetType: 'user',
            targetId: auth.userId,
            before: Object.fromEntries(changed.map((key) => [key, before[key]])),
            after: Object.fromEntries(changed.map((key) => [key, after[key]])),
            ip,
          });
        }
        const org = await trx
          .selectFrom('platform.organizations')
          .select(['default_language', 'time_zone'])
          .where('id', '=', auth.orgId)
          .executeTakeFirstOrThrow();
        return {
          name: after.name,
          language: after.language ?? org.default_language,
          timeZone: after.time_zone ?? org.time_zone,
          languageIsDefault: after.language === null,
          timeZoneIsDefault: after.time_zone === null,
        };
      });
    },
  };
}
