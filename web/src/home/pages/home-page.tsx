import type { ComponentType } from 'react';
import { Card, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconBuilding, IconChevronRight, IconLayoutDashboard, IconUserCircle, IconUserPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import classes from './home-page.module.css';

/** The hour in the user's time zone, for the greeting. */
function hourIn(timeZone: string | undefined): number {
  try {
    return Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(new Date()));
  } catch {
    return new Date().getHours();
  }
}

function QuickLink({
  to,
  icon: Icon,
  title,
  body,
  color,
}: {
  to: string;
  icon: ComponentType<{ size?: number }>;
  title: string;
  body: string;
  color: string;
}) {
  return (
    <UnstyledButton component={Link} to={to} style={{ display: 'block', height: '100%' }}>
      <Card withBorder radius="md" padding="lg" h="100%" className={classes.quickLink}>
        <Group wrap="nowrap" align="flex-start" gap="md">
          <ThemeIcon size={40} radius="md" variant="light" color={color}>
            <Icon size={22} />
          </ThemeIcon>
          <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
            <Text fw={600}>{title}</Text>
            <Text size="sm" c="dimmed">
              {body}
            </Text>
          </Stack>
          <IconChevronRight size={18} color="var(--mantine-color-gray-5)" style={{ flex: 'none', marginTop: 2 }} />
        </Group>
      </Card>
    </UnstyledButton>
  );
}

/** The start page: a greeting, quick links and, for now, word that the CRM modules arrive here. */
export function HomePage() {
  const { t, i18n } = useTranslation('home');
  const me = useMe().data;
  if (!me) return null;

  const hour = hourIn(me.user.timeZone);
  const greeting = hour < 5 || hour >= 21 ? 'greeting.evening' : hour < 13 ? 'greeting.morning' : 'greeting.afternoon';
  const firstName = me.user.name.split(/\s+/)[0] || me.user.name;
  let today: string;
  try {
    today = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full', timeZone: me.user.timeZone }).format(new Date());
  } catch {
    today = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full' }).format(new Date());
  }

  const links = [
    {
      to: '/account',
      icon: IconUserCircle,
      color: 'blue',
      ...(t('links.account', { returnObjects: true }) as { title: string; body: string }),
    },
    ...(me.permissions.isAdmin
      ? [
          {
            to: '/settings/users',
            icon: IconUserPlus,
            color: 'teal',
            ...(t('links.invite', { returnObjects: true }) as { title: string; body: string }),
          },
          {
            to: '/settings/organization',
            icon: IconBuilding,
            color: 'violet',
            ...(t('links.organization', { returnObjects: true }) as { title: string; body: string }),
          },
        ]
      : []),
  ];

  return (
    <Stack gap="xl" maw={1100}>
      <Stack gap={4}>
        <Text size="sm" c="dimmed">
          {today.charAt(0).toLocaleUpperCase(i18n.language) + today.slice(1)}
        </Text>
        <Title order={1} size="h2">
          {t(greeting, { name: firstName })}
        </Title>
        <Text c="dimmed">{t('subtitle', { organization: me.organization.name })}</Text>
      </Stack>

      <Stack gap="sm" component="section" aria-labelledby="home-quick-links">
        <Title order={2} size="h4" id="home-quick-links">
          {t('quickLinks')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {links.map((link) => (
            <QuickLink key={link.to} {...link} />
          ))}
        </SimpleGrid>
      </Stack>

      <Paper withBorder radius="md" p="xl" style={{ borderStyle: 'dashed', background: 'var(--mantine-color-gray-0)' }}>
        <Stack align="center" ta="center" gap="sm" py="lg" maw={560} mx="auto">
          <ThemeIcon size={56} radius="xl" variant="light">
            <IconLayoutDashboard size={30} />
          </ThemeIcon>
          <Title order={2} size="h3">
            {t('modules.title')}
          </Title>
          <Text c="dimmed">{t('modules.body')}</Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
