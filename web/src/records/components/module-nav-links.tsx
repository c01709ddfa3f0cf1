import { NavLink, Text } from '@mantine/core';
import { IconDatabase } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useModules } from '../hooks/use-records';

/** The sidebar's modules (plural names in the UI language), from GET /modules. */
export function ModuleNavLinks({ pathname, onNavigate }: { pathname: string; onNavigate: () => void }) {
  const { t, i18n } = useTranslation('records');
  const modules = useModules();
  const language = i18n.language.startsWith('en') ? 'en' : 'es';
  if (!modules.data?.length) return null;
  return (
    <nav aria-label={t('nav.modules')}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
        {t('nav.modules')}
      </Text>
      {modules.data.map((module) => (
        <NavLink
          key={module.apiName}
          component={Link}
          to="/records/$module"
          params={{ module: module.apiName } as never}
          label={module.labels?.[language]?.plural ?? module.pluralLabel}
          leftSection={<IconDatabase size={16} />}
          active={pathname === `/records/${module.apiName}` || pathname.startsWith(`/records/${module.apiName}/`)}
          onClick={onNavigate}
        />
      ))}
    </nav>
  );
}
