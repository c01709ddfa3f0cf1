import { Spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { IconHome, IconSearch, IconSettings, IconUserCircle } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Me } from '../session';
import { settingsPaletteActions } from '../../settings/palette';

/** Ctrl/⌘+K: jump anywhere. Later features add their own actions (records, search). */
export function CommandPalette({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const go = (to: string) => () => void navigate({ to });
  const actions: SpotlightActionData[] = [
    { id: 'home', label: t('nav.home'), onClick: go('/'), leftSection: <IconHome size={18} /> },
    { id: 'account', label: t('nav.account'), onClick: go('/account'), leftSection: <IconUserCircle size={18} /> },
    ...(me.permissions.isAdmin
      ? settingsPaletteActions(t).map((action) => ({ ...action, onClick: go(action.to), leftSection: <IconSettings size={18} /> }))
      : []),
  ];
  return (
    <Spotlight
      actions={actions}
      shortcut={['mod + K', '/']}
      nothingFound={t('search.nothing')}
      highlightQuery
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: t('search.placeholder') }}
    />
  );
}
