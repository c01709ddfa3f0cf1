import type { ReactNode } from 'react';
import { Badge, Box, Group, Text } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { TooltipIconButton } from '../../components/tooltip-icon-button';

/**
 * One rule in a Settings list (assignment rules, case escalation): its name, badges, active state and a summary
 * line, with edit and delete buttons.
 */
export function RuleRow(props: {
  name: string;
  active: boolean;
  /** Badges shown before the active state (the rule's module…). */
  badges?: ReactNode;
  summary: string;
  first: boolean;
  testId: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation('automation');
  return (
    <Group
      role="listitem"
      justify="space-between"
      align="flex-start"
      wrap="nowrap"
      px="md"
      py="sm"
      style={{ borderTop: props.first ? undefined : '1px solid var(--mantine-color-gray-2)' }}
      data-testid={props.testId}
    >
      <Box style={{ minWidth: 0 }}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {props.name}
          </Text>
          {props.badges}
          <Badge variant="light" color={props.active ? 'green' : 'gray'}>
            {props.active ? t('assignment.active') : t('assignment.inactive')}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {props.summary}
        </Text>
      </Box>
      <Group gap={2} wrap="nowrap">
        <TooltipIconButton
          tooltip={t('app:common.edit')}
          label={t('assignment.edit', { name: props.name })}
          color="gray"
          icon={<IconPencil size={18} />}
          onClick={props.onEdit}
        />
        <TooltipIconButton
          tooltip={t('app:common.delete')}
          label={t('assignment.delete', { name: props.name })}
          color="red"
          icon={<IconTrash size={18} />}
          onClick={props.onDelete}
        />
      </Group>
    </Group>
  );
}
