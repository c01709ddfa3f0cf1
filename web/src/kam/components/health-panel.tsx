import { Alert, Badge, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAccountHealth, type AccountHealth, type HealthBand } from '../api';

const BAND_COLOR: Record<HealthBand, string> = { healthy: 'green', at_risk: 'orange', critical: 'red' };

/** The account's health score with its band, each factor's contribution explained, and the last 90 days. */
export function HealthPanel({ accountId }: { accountId: string }) {
  const { t } = useTranslation('kam');
  const health = useAccountHealth(accountId);
  const data = health.data;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('health.title')}>
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('health.title')}</Title>
        {data?.score !== null && data?.score !== undefined && data.band && (
          <Group gap="xs">
            <Text fw={700} fz="xl" c={`${BAND_COLOR[data.band]}.8`} data-testid="health-score">
              {data.score}
            </Text>
            <Badge color={BAND_COLOR[data.band]} variant="light">
              {t(`health.bands.${data.band}`)}
            </Badge>
          </Group>
        )}
      </Group>
      {health.isError && (
        <Alert color="red" p="xs">
          {t('health.error')}
        </Alert>
      )}
      {data && (
        <Stack gap="sm">
          {data.score === null && (
            <Text size="sm" c="dimmed">
              {t('health.noScore')}
            </Text>
          )}
          <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {data.factors.map((factor) => (
              <li key={factor.id}>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {t(`health.factors.${factor.id}`, { defaultValue: factor.id })}
                  </Text>
                  {factor.value !== null && (
                    <Text size="xs" c="dimmed">
                      {t('health.weight', { weight: factor.weight })}
                    </Text>
                  )}
                </Group>
                {factor.value !== null && (
                  <Progress
                    value={factor.value * 100}
                    size="sm"
                    color={factor.value >= 0.75 ? 'green' : factor.value >= 0.5 ? 'orange' : 'red'}
                    aria-hidden
                  />
                )}
                <Text size="xs" c={factor.value === null ? 'dimmed' : factor.points < 0 ? 'red.8' : 'green.8'}>
                  {factor.explanation}
                </Text>
              </li>
            ))}
          </Stack>
          <Text size="sm" fw={500}>
            {t('health.history')}
          </Text>
          {data.history.length === 0 ? (
            <Text size="xs" c="dimmed">
              {t('health.noHistory')}
            </Text>
          ) : (
            <HistoryLine history={data.history} />
          )}
        </Stack>
      )}
    </Paper>
  );
}

const W = 300;
const H = 60;

/** The daily scores as a line over 0–100, with the band limits 75 and 50 dashed. */
function HistoryLine({ history }: { history: AccountHealth['history'] }) {
  const { t } = useTranslation('kam');
  const first = Date.parse(history[0]!.date);
  const span = Math.max(1, Date.parse(history.at(-1)!.date) - first);
  const px = (date: string) => (history.length === 1 ? W / 2 : ((Date.parse(date) - first) / span) * (W - 8) + 4);
  const py = (score: number) => H - 4 - (score / 100) * (H - 8);
  const points = history.map((p) => `${px(p.date).toFixed(1)},${py(p.score).toFixed(1)}`).join(' ');
  const last = history.at(-1)!;
  return (
    <svg width="100%" height={H} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={t('health.chart')}>
      <title>{`${t('health.chart')}: ${history.map((p) => `${p.date} ${p.score}`).join(', ')}`}</title>
      {[75, 50].map((limit) => (
        <line key={limit} x1={0} x2={W} y1={py(limit)} y2={py(limit)} stroke="var(--mantine-color-gray-4)" strokeDasharray="3 3" />
      ))}
      {history.length > 1 && <polyline points={points} fill="none" stroke="var(--mantine-color-blue-6)" strokeWidth={2} />}
      <circle cx={px(last.date)} cy={py(last.score)} r={3} fill={`var(--mantine-color-${BAND_COLOR[last.band]}-6)`} />
    </svg>
  );
}
