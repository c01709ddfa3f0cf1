import type { TFunction } from 'i18next';

/** The settings sections, in menu order; the layout's menu and the command palette both read this list. */
export const SETTINGS_SECTIONS = [
  { id: 'organization', to: '/settings/organization' },
  { id: 'users', to: '/settings/users' },
  { id: 'roles', to: '/settings/roles' },
  { id: 'profiles', to: '/settings/profiles' },
  { id: 'groups', to: '/settings/groups' },
  { id: 'sharing', to: '/settings/sharing' },
  { id: 'modules', to: '/settings/modules' },
  { id: 'auditLog', to: '/settings/audit-log' },
  { id: 'mailOutbox', to: '/settings/mail-outbox' },
  { id: 'webhooks', to: '/settings/webhooks' },
  { id: 'kam', to: '/settings/kam' },
  { id: 'assignmentRules', to: '/settings/automation/assignment-rules' },
  { id: 'escalationRules', to: '/settings/automation/escalation-rules' },
  { id: 'approvalProcesses', to: '/settings/automation/approval-processes' },
  { id: 'blueprints', to: '/settings/automation/blueprints' },
  { id: 'scoringRules', to: '/settings/automation/scoring-rules' },
  { id: 'customFunctions', to: '/settings/automation/functions' },
  { id: 'schedules', to: '/settings/automation/schedules' },
  { id: 'automation', to: '/settings/automation' },
  { id: 'forecasts', to: '/settings/forecasts' },
] as const;

export type SettingsSectionId = (typeof SETTINGS_SECTIONS)[number]['id'];

/** Command-palette entries for the settings pages (administrators only): "Configuración › Usuarios", and so on. */
export function settingsPaletteActions(t: TFunction): Array<{ id: string; label: string; to: string; description?: string }> {
  return [
    { id: 'settings', label: t('app:nav.settings'), to: '/settings/organization' },
    ...SETTINGS_SECTIONS.map((section) => ({
      id: `settings-${section.id}`,
      label: `${t('app:nav.settings')} › ${t(`settings:sections.${section.id}`)}`,
      description: t(`settings:sectionHints.${section.id}`),
      to: section.to,
    })),
  ];
}
