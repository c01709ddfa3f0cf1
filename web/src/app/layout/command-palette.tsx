import { useState } from 'react';
import { Spotlight, type SpotlightActionData, type SpotlightActionGroupData, type SpotlightFilterFunction } from '@mantine/spotlight';
import { IconFileSearch, IconHome, IconSearch, IconSettings, IconUserCircle } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Me } from '../session';
import { settingsPaletteActions } from '../../settings/palette';
import { isSearchable, recordPath, useRecordSearch } from '../../search/use-record-search';

const RECORD = 'record:';
type SpotlightActions = SpotlightActionData | SpotlightActionGroupData;

/** Pages are filtered here by their label; records come already matched (typos and accents included) from the server. */
const filter: SpotlightFilterFunction = (query, actions) => {
  const q = query.trim().toLowerCase();
  const keep = (action: SpotlightActionData) =>
    action.id.startsWith(RECORD) || !q || `${action.label ?? ''} ${action.description ?? ''}`.toLowerCase().includes(q);
  return actions.flatMap((entry): SpotlightActions[] => {
    if ('actions' in entry) {
      const actions = entry.actions.filter(keep);
      return actions.length > 0 ? [{ ...entry, actions }] : [];
    }
    return keep(entry) ? [entry] : [];
  });
};

/** Ctrl/⌘+K: jump anywhere, or find a record as you type (debounced global search). */
export function CommandPalette({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const search = useRecordSearch(query, { limit: 8 });
  const go = (to: string) => () => void navigate({ to });
  const pages: SpotlightActionData[] = [
    { id: 'home', label: t('nav.home'), onClick: go('/'), leftSection: <IconHome size={18} /> },
    { id: 'account', label: t('nav.account'), onClick: go('/account'), leftSection: <IconUserCircle size={18} /> },
    ...(me.permissions.isAdmin
      ? settingsPaletteActions(t).map((action) => ({ ...action, onClick: go(action.to), leftSection: <IconSettings size={18} /> }))
      : []),
  ];
  const records: SpotlightActionData[] = search.hits.map((hit) => ({
    id: `${RECORD}${hit.module}:${hit.id}`,
    label: hit.name || hit.moduleLabel,
    description: hit.snippet ? `${hit.moduleLabel} · ${hit.snippet}` : hit.moduleLabel,
    onClick: () => void navigate({ to: recordPath(hit) as '/' }),
    leftSection: <IconFileSearch size={18} />,
  }));
  if (isSearchable(query))
    records.push({
      id: `${RECORD}all`,
      label: t('search:seeAll', { q: query.trim() }),
      onClick: () => void navigate({ to: '/search', search: { q: query.trim() } }),
      leftSection: <IconSearch size={18} />,
    });
  const actions: SpotlightActions[] = [...(records.length > 0 ? [{ group: t('search:records'), actions: records }] : []), ...pages];
  return (
    <Spotlight
      actions={actions}
      query={query}
      onQueryChange={setQuery}
      filter={filter}
      shortcut={['mod + K', '/']}
      nothingFound={search.pending ? t('search:searching') : t('search.nothing')}
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: t('search.placeholder') }}
    />
  );
}
