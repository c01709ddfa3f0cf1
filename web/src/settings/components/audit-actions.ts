import type { i18n as I18n, TFunction } from 'i18next';

/** The actions the server records today; the filter offers these, and unknown ones show their raw name. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset',
  'auth.reauthentication_failed',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'role.created',
  'role.updated',
  'role.deleted',
  'profile.created',
  'profile.updated',
  'profile.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'sharing.updated',
  'sharing_rule.created',
  'sharing_rule.updated',
  'sharing_rule.deleted',
  'assignment_rule.created',
  'assignment_rule.updated',
  'assignment_rule.deleted',
  'escalation_rule.created',
  'escalation_rule.updated',
  'escalation_rule.deleted',
  'approval_process.created',
  'approval_process.updated',
  'approval_process.deleted',
  'forecast_quota.set',
  'forecast_quota.removed',
  'forecast_categories.updated',
  'organization.created',
  'organization.updated',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'email.added',
  'email.verification_sent',
  'email.verified',
  'email.primary_changed',
  'email.removed',
  'token.created',
  'token.revoked',
  'two_factor.setup_started',
  'two_factor.enabled',
  'two_factor.disabled',
] as const;

function translated(t: TFunction, i18n: I18n, key: string, fallback: string): string {
  const value = i18n.getResource(i18n.language, 'settings', key) as unknown;
  return typeof value === 'string' ? t(key) : fallback;
}

/** "Inicio de sesión" for auth.signed_in; the raw name for an action this version does not know. */
export function auditActionLabel(t: TFunction, i18n: I18n, action: string): string {
  return translated(t, i18n, `audit.actions.${action}`, action);
}

/** "Rol" for role; the raw type otherwise. */
export function auditTargetLabel(t: TFunction, i18n: I18n, targetType: string): string {
  return translated(t, i18n, `audit.targets.${targetType}`, targetType);
}

/** Badge colour by the kind of action. */
export function auditActionColor(action: string): string {
  if (action.endsWith('failed')) return 'red';
  if (
    action.endsWith('deleted') ||
    action.endsWith('revoked') ||
    action.endsWith('removed') ||
    action.endsWith('deactivated') ||
    action.endsWith('disabled')
  )
    return 'orange';
  if (action.endsWith('created') || action.endsWith('added') || action.endsWith('accepted') || action.endsWith('enabled')) return 'teal';
  if (action.startsWith('auth.')) return 'blue';
  return 'gray';
}
