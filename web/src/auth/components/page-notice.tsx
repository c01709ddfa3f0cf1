import type { ReactNode } from 'react';
import { Button, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle, IconMailForward } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';

const ICONS = { success: IconCircleCheck, warning: IconAlertTriangle, info: IconInfoCircle, mail: IconMailForward } as const;
const COLORS = { success: 'teal', warning: 'orange', info: 'blue', mail: 'blue' } as const;

interface PageNoticeProps {
  kind: keyof typeof ICONS;
  title: string;
  children: ReactNode;
  /** A button below the text. */
  action?: { label: string; to: string; hash?: string };
}

/** The whole content of a public page that only has something to say (link used, set-up done, mail sent). */
export function PageNotice({ kind, title, children, action }: PageNoticeProps) {
  const Icon = ICONS[kind];
  return (
    <Stack align="center" ta="center" gap="md" role={kind === 'warning' ? 'alert' : 'status'}>
      <ThemeIcon size={56} radius="xl" variant="light" color={COLORS[kind]}>
        <Icon size={30} />
      </ThemeIcon>
      <Title order={2} size="h3">
        {title}
      </Title>
      <Text c="dimmed" size="sm">
        {children}
      </Text>
      {action && (
        <Button component={Link} to={action.to} hash={action.hash} fullWidth>
          {action.label}
        </Button>
      )}
    </Stack>
  );
}
