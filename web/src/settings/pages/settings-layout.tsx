import { Box, Flex, NativeSelect, NavLink, Paper, Text } from '@mantine/core';
import {
  IconBolt,
  IconBuilding,
  IconDatabase,
  IconHierarchy2,
  IconId,
  IconListDetails,
  IconMail,
  IconShare,
  IconUsers,
  IconUsersGroup,
  IconWebhook,
  IconTargetArrow,
  IconArrowsSplit,
  IconAlarm,
  IconChecklist,
  IconTimelineEvent,
  IconStars,
  IconChartBar,
  IconCode,
  IconCalendarTime,
  type Icon,
} from '@tabler/icons-react';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import { SETTINGS_SECTIONS, type SettingsSectionId } from '../palette';
import { AdminOnlyState } from '../components/settings-states';
import { PageLoader } from '../../components/page-loader';

const ICONS: Record<SettingsSectionId, Icon> = {
  organization: IconBuilding,
  users: IconUsers,
  roles: IconHierarchy2,
  profiles: IconId,
  groups: IconUsersGroup,
  sharing: IconShare,
  modules: IconDatabase,
  auditLog: IconListDetails,
  mailOutbox: IconMail,
  webhooks: IconWebhook,
  kam: IconTargetArrow,
  assignmentRules: IconArrowsSplit,
  escalationRules: IconAlarm,
  approvalProcesses: IconChecklist,
  blueprints: IconTimelineEvent,
  scoringRules: IconStars,
  customFunctions: IconCode,
  schedules: IconCalendarTime,
  automation: IconBolt,
  forecasts: IconChartBar,
};

/** Settings: the section menu (a column on wide screens, a select on phones) beside the page. Administrators only. */
export function SettingsLayout() {
  const { t } = useTranslation('settings');
  const me = useMe();
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (state) => state.location.pathname });

  if (!me.data) return <PageLoader />;
  if (!me.data.permissions.isAdmin) return <AdminOnlyState />;

  const current = SETTINGS_SECTIONS.find((section) => pathname.startsWith(section.to));
  return (
    <Flex gap="xl" align="flex-start" direction={{ base: 'column', md: 'row' }}>
      <Paper
        component="nav"
        aria-label={t('menu.label')}
        withBorder
        p="xs"
        radius="md"
        w={210}
        visibleFrom="md"
        style={{ flexShrink: 0, position: 'sticky', top: 72 }}
      >
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={6}>
          {t('app:nav.settings')}
        </Text>
        {SETTINGS_SECTIONS.map((section) => {
          const SectionIcon = ICONS[section.id];
          return (
            <NavLink
              key={section.id}
              component={Link}
              to={section.to}
              label={t(`sections.${section.id}`)}
              leftSection={<SectionIcon size={18} stroke={1.6} />}
              active={current?.id === section.id}
              aria-current={current?.id === section.id ? 'page' : undefined}
            />
          );
        })}
      </Paper>
      <NativeSelect
        hiddenFrom="md"
        w="100%"
        label={t('menu.label')}
        value={current?.to ?? ''}
        data={SETTINGS_SECTIONS.map((section) => ({ value: section.to, label: t(`sections.${section.id}`) }))}
        onChange={(event) => void navigate({ to: event.currentTarget.value })}
      />
      <Box style={{ flex: 1, minWidth: 0 }} w="100%">
        <Outlet />
      </Box>
    </Flex>
  );
}
