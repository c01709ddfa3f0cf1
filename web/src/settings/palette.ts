import type { TFunction } from 'i18next';

/** Command-palette entries for the settings pages (administrators only). */
export function settingsPaletteActions(t: TFunction): Array<{ id: string; label: string; to: string }> {
  return [{ id: 'settings', label: t('app:nav.settings'), to: '/settings' }];
}
