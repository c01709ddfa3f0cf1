import type { Trx } from '../../db/database.js';
import { migrateOrgSchema } from '../../db/migrate.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { BUILTIN_PROFILES } from '../access/builtin-profiles.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { newId } from '../ids.js';

export interface NewOrganization {
  organization: string;
  name: string;
  email: string;
  passwordHash: string;
  language?: string;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Throws email_taken when a user of the installation has VERIFIED this address
 * (primary or secondary). An address someone merely added and never verified
 * blocks nobody: whoever verifies it first keeps it.
 */
export async function assertEmailFree(trx: Trx, email: string): Promise<void> {
  const taken = await trx
    .selectFrom('platform.user_emails')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(email)))
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  if (taken) throw emailTakenError();
}

export const emailTakenError = () => new AppError('email_taken', 'This e-mail address is already in use.', { field: 'email' });

/**
 * Whether a database error says the address is taken: another user verified it
 * first (unique among verified addresses), or this user already holds it.
 */
export const isEmailTakenViolation = (error: unknown): boolean =>
  isUniqueViolation(error, 'user_emails_verified_email') || isUniqueViolation(error, 'user_emails_user_email');

/**
 * Work each new organization needs from features above the platform (the
 * records module creates its standard modules' tables). Features add theirs
 * when they are registered; they run in the creating transaction.
 */
export const organizationProvisioners = new Set<(trx: Trx, org: { id: string; schema: string }) => Promise<void>>();

/**
 * Creates an organization with its schema, the built-in profiles, a top role and
 * its first administrator (whose e-mail counts as verified: they typed it to set up).
 */
export async function createOrganization(trx: Trx, input: NewOrganization): Promise<{ orgId: string; userId: string }> {
  await assertEmailFree(trx, input.email);
  const orgId = newId();
  const schemaName = `org_${orgId.replace(/-/g, '')}`;
  await trx
    .insertInto('platform.organizations')
    .values({
      id: orgId,
      name: input.organization.trim(),
      schema_name: schemaName,
      logo: null,
      default_language: input.language === 'en' ? 'en' : 'es',
      time_zone: 'Europe/Madrid',
      currency: 'EUR',
      fiscal_year_start_month: 1,
    })
    .execute();
  let adminProfileId = '';
  for (const profile of BUILTIN_PROFILES) {
    const id = newId();
    if (profile.builtin === 'administrator') adminProfileId = id;
    await trx
      .insertInto('platform.profiles')
      .values({
        id,
        org_id: orgId,
        name: profile.name,
        description: profile.description,
        builtin: profile.builtin,
        module_permissions: JSON.stringify(profile.permissions),
        field_permissions: '{}',
      })
      .execute();
  }
  const roleId = newId();
  await trx
    .insertInto('platform.roles')
    .values({ id: roleId, org_id: orgId, name: 'CEO', parent_id: null, share_with_peers: false })
    .execute();
  const userId = newId();
  await trx
    .insertInto('platform.users')
    .values({
      id: userId,
      org_id: orgId,
      name: input.name.trim(),
      password_hash: input.passwordHash,
      role_id: roleId,
      profile_id: adminProfileId,
      active: true,
      language: null,
      time_zone: null,
      totp_secret: null,
      totp_enabled: false,
    })
    .execute();
  await trx
    .insertInto('platform.user_emails')
    .values({ id: newId(), user_id: userId, email: normalizeEmail(input.email), is_primary: true, verified_at: new Date() })
    .execute();
  await migrateOrgSchema(trx, schemaName);
  for (const provision of organizationProvisioners) await provision(trx, { id: orgId, schema: schemaName });
  await recordAudit(trx, {
    orgId,
    actorId: userId,
    action: 'organization.created',
    targetType: 'organization',
    targetId: orgId,
    after: { name: input.organization },
  });
  return { orgId, userId };
}
