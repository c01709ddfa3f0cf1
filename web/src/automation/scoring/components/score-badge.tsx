import { useState } from 'react';
import { Button, Divider, Group, Loader, Popover, Stack, Text } from '@mantine/core';
import { IconStars } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useScoreBreakdown } from '../api';
import { signed } from '../format';

/**
 * A record's score in its page header; clicked, a popover shows what gave it: each matching field rule and each
 * touchpoint rule with how many touchpoints counted. Shown for modules with a score field.
 */
export function ScoreBadge({ module, id, score }: { module: string; id: string; score: number | null }) {
  const { t } = useTranslation('automation');
  const [opened, setOpened] = useState(false);
  const breakdown = useScoreBreakdown(module, id, opened);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" shadow="md" width={340} withinPortal>
      <Popover.Target>
        <Button
          variant="light"
          color={score === null ? 'gray' : score > 0 ? 'teal' : score < 0 ? 'red' : 'gray'}
          leftSection={<IconStars size={16} />}
          onClick={() => setOpened((value) => !value)}
          aria-label={t('scoring.badgeLabel', { score: score ?? '—' })}
          data-testid="score-badge"
        >
          {t('scoring.badge', { score: score ?? '—' })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="score-breakdown">
        <Text fw={600} size="sm" mb="xs">
          {t('scoring.breakdownTitle')}
        </Text>
        {!breakdown.data ? (
          breakdown.isError ? (
            <Text size="sm" c="red">
              {t('scoring.breakdownError')}
            </Text>
          ) : (
            <Loader size="sm" />
          )
        ) : breakdown.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('scoring.breakdownEmpty')}
          </Text>
        ) : (
          <Stack gap={6}>
            {breakdown.data.items.map((item) => (
              <Group key={`${item.ruleId}:${item.entryId}`} justify="space-between" wrap="nowrap" gap="xs">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm">{item.ruleName}</Text>
                  <Text size="xs" c="dimmed">
                    {item.kind === 'field'
                      ? t('scoring.breakdownField')
                      : t('scoring.breakdownTouchpoint', {
                          event: t(`scoring.events.${item.event}`),
                          count: item.count,
                          points: signed(item.points),
                        })}
                  </Text>
                </Stack>
                <Text size="sm" fw={600} c={item.total < 0 ? 'red' : 'teal'}>
                  {signed(item.total)}
                </Text>
              </Group>
            ))}
            <Divider />
            <Group justify="space-between">
              <Text size="sm" fw={600}>
                {t('scoring.breakdownTotal')}
              </Text>
              <Text size="sm" fw={700}>
                {breakdown.data.total}
              </Text>
            </Group>
            {breakdown.data.total !== breakdown.data.score && (
              <Text size="xs" c="dimmed">
                {t('scoring.breakdownPending')}
              </Text>
            )}
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
