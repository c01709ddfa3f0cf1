import { useEffect } from 'react';
import { ActionIcon, AppShell, Burger, Center, Group, Loader, NavLink, ScrollArea, Text, Title, UnstyledButton, Kbd } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { spotlight } from '@mantine/spotlight';
import {
  IconCalendar,
  IconChartBar,
  IconTrendingUp,
  IconGauge,
  IconHome,
  IconMessageStar,
  IconSearch,
  IconSettings,
  IconUserCircle,
} from '@tabler/icons-react';
import { Link, Navigate, Outlet, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe, useSetupStatus } from '../session';
import { changeLanguage } from '../i18n';
import { CommandPalette } from './command-palette';
import { UserMenu } from './user-menu';
import { NotificationBell } from '../../notifications/components/notification-bell';
import { ModuleNavLinks } from '../../records/components/module-nav-links';
import { canSeeCockpit, canSeeSurveys } from '../../kam/permissions';
import { ApprovalsNavLink } from '../../automation/approvals';
import { canSeeForecasts } from '../../forecasts';
import { canSeeReports } from '../../reports/permissions';

/** The app shell for signed-in users: navigation, search, notifications, user menu. */
export function AuthenticatedLayout() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const setup = useSetupStatus();
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  // Where the person was: the last *loaded* location. Reading the pending one made each render's
  // <Navigate> redirect again (to /sign-in?next=/sign-in?next=…), an endless loop.
  const href = useRouterState({ select: (state) => (state.resolvedLocation ?? state.location).href });

  useEffect(() => {
    const language = me.data?.user.language;
    if (language && language !== i18n.language) changeLanguage(language);
  }, [me.data?.user.language, i18n.language]);

  if (me.isPending || setup.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (setup.data?.needsSetup) return <Navigate to="/setup" />;
  if (!me.data) return <Navigate to="/sign-in" search={href === '/' ? {} : { next: href }} />;

  // `/` and `/kam` hold other pages' paths (/kam/surveys): they are active only on themselves.
  const isActive = (path: string) =>
    path === '/' || path === '/kam'
      ? pathname === path
      : pathname.startsWith(path) || (path === '/reports' && pathname.startsWith('/dashboards'));
  const nav = [
    { to: '/', label: t('nav.home'), icon: IconHome },
    { to: '/account', label: t('nav.account'), icon: IconUserCircle },
    ...(canSeeCockpit(me.data.permissions) ? [{ to: '/kam', label: t('kam:cockpit.nav'), icon: IconGauge }] : []),
    ...(canSeeSurveys(me.data.permissions) ? [{ to: '/kam/surveys', label: t('kam:nav.surveys'), icon: IconMessageStar }] : []),
    ...(canSeeForecasts(me.data.permissions) ? [{ to: '/forecasts', label: t('forecasts:nav'), icon: IconTrendingUp }] : []),
    ...(canSeeReports(me.data.permissions) ? [{ to: '/reports', label: t('reports:nav.reports'), icon: IconChartBar }] : []),
    ...(me.data.permissions.isAdmin ? [{ to: '/settings', label: t('nav.settings'), icon: IconSettings }] : []),
  ];

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Title order={3} c="blue.7">
              {t('appName')}
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {me.data.organization.name}
            </Text>
          </Group>
          <UnstyledButton onClick={() => spotlight.open()} aria-label={t('search.placeholder')} visibleFrom="xs">
            <Group gap="xs" px="sm" py={6} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, minWidth: 260 }}>
              <IconSearch size={16} />
              <Text size="sm" c="dimmed" flex={1}>
                {t('search.placeholder')}
              </Text>
              <Kbd size="xs">Ctrl K</Kbd>
            </Group>
          </UnstyledButton>
          <Group gap="xs" wrap="nowrap">
            <ActionIcon variant="subtle" size="lg" hiddenFrom="xs" onClick={() => spotlight.open()} aria-label={t('search.placeholder')}>
              <IconSearch size={20} />
            </ActionIcon>
            <NotificationBell />
            <UserMenu me={me.data} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {nav.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              leftSection={<item.icon size={18} />}
              active={isActive(item.to)}
              onClick={close}
            />
          ))}
          <ApprovalsNavLink active={isActive('/approvals')} onClick={close} />
          <NavLink
            component={Link}
            to="/calendar"
            label={t('records:nav.calendar')}
            leftSection={<IconCalendar size={18} />}
            active={isActive('/calendar')}
            onClick={close}
          />
          <ModuleNavLinks pathname={pathname} onNavigate={close} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
      <CommandPalette me={me.data} />
    </AppShell>
  );
}
