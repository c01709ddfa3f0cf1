import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDownRight, IconArrowRight, IconArrowUpRight, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Kpi } from './cockpit-api';
import { Sparkline } from './charts';
import { formatChange, formatKpi, targetMet, trendIsGood, trendOf } from './format';

/**
 * One KPI: value in its unit, change from the previous period with an arrow, target (met or not) and a sparkline.
 * A restricted KPI (the profile hides some of its data) shows "—" with a lock and says why; it does not open.
 */
export function KpiCard({
  kpi,
  currency,
  onOpen,
  selected = false,
  compact = false,
  sparkline = true,
}: {
  kpi: Kpi;
  currency: string;
  onOpen?: () => void;
  selected?: boolean;
  compact?: boolean;
  /** The series as a small line (off where a full chart stands beside the card). */
  sparkline?: boolean;
}) {
  const { t, i18n } = useTranslation('kam');
  const context = { language: i18n.language, currency, t };
  const name = t(`cockpit.kpis.${kpi.id}`);
  const trend = trendOf(kpi);
  const good = trendIsGood(kpi.id, trend);
  const change = formatChange(kpi, context);
  const met = targetMet(kpi);
  const Arrow = trend === 'up' ? IconArrowUpRight : trend === 'down' ? IconArrowDownRight : IconArrowRight;
  const color = good === null ? 'gray' : good ? 'green' : 'red';

  const restricted = kpi.restricted === true;
  const open = restricted ? undefined : onOpen;

  const body = restricted ? (
    <Stack gap={4}>
      <Text size="sm" fw={600} c="dimmed" lineClamp={1} title={name}>
        {name}
      </Text>
      <Group gap={6} wrap="nowrap" title={t('cockpit.restricted')}>
        <IconLock size={20} aria-hidden="true" color="var(--mantine-color-dimmed)" />
        <Text fz={compact ? 22 : 26} fw={700} lh={1.1} c="dimmed" data-testid={`kpi-value-${kpi.id}`}>
          —
        </Text>
      </Group>
      <Text size="xs" c="dimmed" data-testid={`kpi-restricted-${kpi.id}`}>
        {t('cockpit.restricted')}
      </Text>
    </Stack>
  ) : (
    <Stack gap={4}>
      <Text size="sm" fw={600} c="dimmed" lineClamp={1} title={name}>
        {name}
      </Text>
      <Group justify="space-between" align="flex-end" wrap="nowrap" gap="xs">
        <Text fz={compact ? 22 : 26} fw={700} lh={1.1} data-testid={`kpi-value-${kpi.id}`}>
          {formatKpi(kpi.id, kpi.unit, kpi.value, context)}
        </Text>
        {sparkline && <Sparkline values={kpi.series.map((point) => point.value)} />}
      </Group>
      <Group gap={6} wrap="nowrap">
        {trend !== null ? (
          <Group gap={2} wrap="nowrap" c={color} aria-label={`${t(`cockpit.${trend}`)} ${change ?? ''}`}>
            <Arrow size={16} aria-hidden="true" />
            <Text size="xs" c={color} fw={600}>
              {change}
            </Text>
          </Group>
        ) : null}
        <Text size="xs" c="dimmed" truncate>
          {t('cockpit.previous')}: {formatKpi(kpi.id, kpi.unit, kpi.previous, context)}
        </Text>
      </Group>
      <Group gap={6} wrap="nowrap">
        {kpi.target === null ? (
          <Text size="xs" c="dimmed">
            {t('cockpit.noTarget')}
          </Text>
        ) : (
          <>
            <Text size="xs" c="dimmed">
              {t('cockpit.target')}: {formatKpi(kpi.id, kpi.unit, kpi.target, context)}
            </Text>
            {met !== null && (
              <Badge size="xs" variant="light" color={met ? 'green' : 'red'}>
                {met ? t('cockpit.targetMet') : t('cockpit.targetMissed')}
              </Badge>
            )}
          </>
        )}
      </Group>
    </Stack>
  );

  return (
    <Paper
      withBorder
      radius="md"
      p={0}
      data-testid={`kpi-card-${kpi.id}`}
      style={selected ? { borderColor: 'var(--mantine-color-blue-6)', boxShadow: '0 0 0 1px var(--mantine-color-blue-6)' } : undefined}
    >
      {open ? (
        <UnstyledButton
          onClick={open}
          p="sm"
          w="100%"
          h="100%"
          aria-haspopup="dialog"
          title={t('cockpit.open', { name })}
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
        >
          {body}
        </UnstyledButton>
      ) : (
        <div style={{ padding: 'var(--mantine-spacing-sm)' }}>{body}</div>
      )}
    </Paper>
  );
}
