import { useState } from 'react';
import { ActionIcon, Alert, Anchor, Button, Group, Paper, SegmentedControl, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCamera, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { PageLoader } from '../../components/page-loader';
import { useForecast, useSnapshots, useTakeSnapshot, type ForecastRow } from '../api';
import { DealsDrawer } from '../components/deals-drawer';
import { ForecastTable, type DrillTarget } from '../components/forecast-table';
import { periodName } from '../components/format';
import { QuotaModal } from '../components/quota-modal';
import type { ForecastSearch } from '../routes';

/** /forecasts — a user's forecast for a fiscal month or quarter: their team's rows, quotas, the change since a snapshot. */
export function ForecastsPage() {
  const { t, i18n } = useTranslation('forecasts');
  const me = useMe();
  const search = useSearch({ strict: false }) as ForecastSearch;
  const navigate = useNavigate();
  const forecast = useForecast(search);
  const snapshots = useSnapshots();
  const takeSnapshot = useTakeSnapshot();
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [quotaRow, setQuotaRow] = useState<ForecastRow | null>(null);

  const update = (patch: Partial<ForecastSearch>) => {
    const next = { ...search, ...patch };
    const clean = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined && value !== ''));
    void navigate({ to: '/forecasts', search: clean as never });
  };

  if (forecast.isError) {
    const denied = forecast.error instanceof ApiError && forecast.error.status === 403 && !search.userId;
    return <Alert color={denied ? 'yellow' : 'red'}>{denied ? t('denied') : errorMessage(forecast.error, t)}</Alert>;
  }
  if (!forecast.data || !me.data) return <PageLoader />;
  const data = forecast.data;
  const period = data.period;
  const label = periodName(period, i18n.language, t);
  const isMine = data.user.id === me.data.user.id;
  const dateText = (date: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Title order={2}>{isMine ? t('title') : t('viewing', { name: data.user.name })}</Title>
        <Text c="dimmed" size="sm">
          {t('subtitle', { currency: data.currency })}
        </Text>
        {!isMine && (
          <Anchor component="button" type="button" size="sm" onClick={() => update({ userId: undefined })} w="fit-content">
            {t('backToMine')}
          </Anchor>
        )}
      </Stack>
      <Paper withBorder p="sm">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="xs" wrap="nowrap">
            <SegmentedControl
              aria-label={t('periodKind')}
              value={period.kind}
              data={[
                { value: 'month', label: t('month') },
                { value: 'quarter', label: t('quarter') },
              ]}
              // A month starts at the quarter's first; a quarter is the current one (its fiscal label comes from the server).
              onChange={(kind) => update({ period: kind === 'month' ? period.start.slice(0, 7) : undefined, compareTo: undefined })}
            />
            <ActionIcon
              variant="default"
              aria-label={t('previousPeriod')}
              onClick={() => update({ period: period.previous, compareTo: undefined })}
            >
              <IconChevronLeft size={16} />
            </ActionIcon>
            <Text fw={600} miw={220} ta="center" aria-label={t('period')} data-testid="forecast-period">
              {label}
            </Text>
            <ActionIcon
              variant="default"
              aria-label={t('nextPeriod')}
              onClick={() => update({ period: period.next, compareTo: undefined })}
            >
              <IconChevronRight size={16} />
            </ActionIcon>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Select
              aria-label={t('compareTo')}
              placeholder={t('compareTo')}
              w={230}
              clearable
              value={search.compareTo ?? null}
              data={(snapshots.data?.data ?? [])
                .filter((snapshot) => snapshot.periods.includes(period.label))
                .map((snapshot) => ({ value: snapshot.takenOn, label: dateText(snapshot.takenOn) }))}
              onChange={(value) => update({ compareTo: value ?? undefined })}
            />
            {me.data.permissions.isAdmin && (
              <Tooltip label={t('snapshotHint')}>
                <Button
                  variant="default"
                  leftSection={<IconCamera size={16} />}
                  loading={takeSnapshot.isPending}
                  onClick={() =>
                    takeSnapshot.mutate(undefined, {
                      onSuccess: (taken) =>
                        notifications.show({ color: 'teal', message: t('snapshotTaken', { date: dateText(taken.takenOn) }) }),
                      onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
                    })
                  }
                >
                  {t('takeSnapshot')}
                </Button>
              </Tooltip>
            )}
          </Group>
        </Group>
      </Paper>
      <Paper withBorder p={0}>
        <ForecastTable
          rows={data.rows}
          query={{ period: period.label, compareTo: search.compareTo }}
          currency={data.currency}
          onDrill={setDrill}
          onEditQuota={setQuotaRow}
          onOpenForecast={(userId) => update({ userId })}
        />
      </Paper>
      <DealsDrawer
        query={drill && { period: period.label, userId: drill.userId, category: drill.category, scope: drill.scope }}
        title={drill ? t('dealsTitle', { category: t(`categories.${drill.category}`), name: drill.name, period: label }) : ''}
        onClose={() => setDrill(null)}
      />
      <QuotaModal row={quotaRow} period={period.label} periodLabel={label} currency={data.currency} onClose={() => setQuotaRow(null)} />
    </Stack>
  );
}
