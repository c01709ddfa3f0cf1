import { useState } from 'react';
import { Badge, Button, Group, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { recordsApi, type RecordData } from '../../records/api';
import { recordsKeys, useRecordQuery } from '../../records/hooks/use-records';

const DAY = 86_400_000;
const dayOf = (value: unknown) => (typeof value === 'string' ? Date.parse(`${value.slice(0, 10)}T00:00:00Z`) : NaN);
const num = (value: unknown) => (value === null || value === undefined || value === '' ? null : Number(value));

/**
 * Where a goal should be on a day: from its baseline (0 when none) on its start (else the day it was set)
 * to its target on the target date, in a straight line, held flat outside that span.
 */
export function expectedOn(goal: RecordData, day: number): number | null {
  const target = num(goal.target_value);
  const end = dayOf(goal.target_date);
  const start = Number.isNaN(dayOf(goal.start_date)) ? dayOf(goal.created_at) : dayOf(goal.start_date);
  if (target === null || Number.isNaN(end)) return null;
  const baseline = num(goal.baseline_value) ?? 0;
  if (Number.isNaN(start) || end <= start || day >= end) return target;
  if (day <= start) return baseline;
  return baseline + ((target - baseline) * (day - start)) / (end - start);
}

/** The latest actual meets the target pro-rated to today (at or past it; at or below it for a goal that goes down). */
export function onTrack(goal: RecordData, latest: number | null, today: number): boolean | null {
  const expected = expectedOn(goal, today);
  if (latest === null || expected === null) return null;
  const down = (num(goal.target_value) ?? 0) < (num(goal.baseline_value) ?? 0);
  return down ? latest <= expected : latest >= expected;
}

/** The account's goals: target, latest actual, on track or not, expected against actual; a measurement added inline. */
export function AccountPlanPanel({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const { t } = useTranslation('kam');
  const goals = useRecordQuery('account_goals', {
    filter: { field: 'account_id', op: 'eq', value: accountId },
    sort: [{ field: 'target_date', direction: 'asc' }],
    limit: 100,
  });
  const goalIds = (goals.data?.data ?? []).map((goal) => goal.id);
  const measurements = useRecordQuery(
    'goal_measurements',
    {
      filter: { field: 'goal_id', op: 'in', value: goalIds },
      sort: [{ field: 'measured_on', direction: 'asc' }],
      fields: ['goal_id', 'measured_on', 'actual_value'],
      limit: 500,
    },
    goalIds.length > 0,
  );
  const rows = goals.data?.data ?? [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('plan.title')}>
      <Title order={4} mb="sm">
        {t('plan.title')}
      </Title>
      {goals.isSuccess && rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('plan.empty')}
        </Text>
      ) : (
        <Stack gap="md">
          {rows.map((goal) => (
            <GoalRow
              key={goal.id}
              goal={goal}
              points={(measurements.data?.data ?? []).filter((m) => m.goal_id === goal.id)}
              canEdit={canEdit}
            />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function GoalRow({ goal, points, canEdit }: { goal: RecordData; points: RecordData[]; canEdit: boolean }) {
  const { t, i18n } = useTranslation('kam');
  const format = (value: number | null) =>
    value === null ? '—' : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(value);
  const latest = points.length > 0 ? num(points[points.length - 1]!.actual_value) : null;
  const today = dayOf(new Date().toISOString());
  const status = onTrack(goal, latest, today);
  const unit = typeof goal.unit === 'string' ? ` ${goal.unit}` : '';
  return (
    <Stack gap={4} data-testid="account-goal">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" fw={600}>
          {String(goal.name ?? '')}
        </Text>
        {status === null ? (
          <Badge size="sm" variant="light" color="gray" style={{ flexShrink: 0 }}>
            {t('plan.noActual')}
          </Badge>
        ) : (
          <Badge size="sm" variant="light" color={status ? 'green' : 'orange'} style={{ flexShrink: 0 }}>
            {status ? t('plan.onTrack') : t('plan.offTrack')}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {t('plan.target')}: {format(num(goal.target_value))}
        {unit} · {t('plan.actual')}: {format(latest)}
        {latest === null ? '' : unit}
      </Text>
      <GoalChart goal={goal} points={points} />
      {canEdit && <AddMeasurement goalId={goal.id} />}
    </Stack>
  );
}

/** Expected (dashed, baseline → target) against actual (solid, the measurements) over the goal's span. */
function GoalChart({ goal, points }: { goal: RecordData; points: RecordData[] }) {
  const { t } = useTranslation('kam');
  const start = Number.isNaN(dayOf(goal.start_date)) ? dayOf(goal.created_at) : dayOf(goal.start_date);
  const end = dayOf(goal.target_date);
  const actual = points.map((p) => ({ x: dayOf(p.measured_on), y: num(p.actual_value) ?? 0 }));
  const xs = [start, end, ...actual.map((p) => p.x)].filter((x) => !Number.isNaN(x));
  if (xs.length < 2) return null;
  const expected = [start, end].filter((x) => !Number.isNaN(x)).map((x) => ({ x, y: expectedOn(goal, x) ?? 0 }));
  const ys = [...expected, ...actual].map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + DAY)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys, 1)];
  const W = 240;
  const H = 48;
  const px = (x: number) => ((x - x0) / (x1 - x0)) * (W - 8) + 4;
  const py = (y: number) => H - 4 - ((y - y0) / (y1 - y0 || 1)) * (H - 8);
  const line = (list: Array<{ x: number; y: number }>) => list.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
  return (
    <svg width="100%" height={H} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={t('plan.chart')}>
      <title>{`${t('plan.expected')} / ${t('plan.real')}`}</title>
      <polyline points={line(expected)} fill="none" stroke="var(--mantine-color-gray-5)" strokeDasharray="4 3" strokeWidth={1.5} />
      {actual.length > 0 && <polyline points={line(actual)} fill="none" stroke="var(--mantine-color-blue-6)" strokeWidth={2} />}
      {actual.map((p, i) => (
        <circle key={i} cx={px(p.x)} cy={py(p.y)} r={2.5} fill="var(--mantine-color-blue-6)" />
      ))}
    </svg>
  );
}

function AddMeasurement({ goalId }: { goalId: string }) {
  const { t } = useTranslation('kam');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState<number | string>('');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const create = useMutation({
    mutationFn: () => recordsApi.create('goal_measurements', { goal_id: goalId, measured_on: date, actual_value: String(value) }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('plan.saved') });
      setOpen(false);
      setValue('');
      void client.invalidateQueries({ queryKey: recordsKeys.list('goal_measurements') });
    },
    onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
  });
  if (!open)
    return (
      <Group>
        <Button size="compact-xs" variant="subtle" onClick={() => setOpen(true)}>
          {t('plan.addMeasurement')}
        </Button>
      </Group>
    );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (value !== '') create.mutate();
      }}
    >
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput size="xs" type="date" label={t('plan.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} w={140} />
        <NumberInput size="xs" label={t('plan.value')} value={value} onChange={setValue} w={100} decimalScale={4} />
        <Button size="xs" type="submit" loading={create.isPending} disabled={value === ''}>
          {t('plan.save')}
        </Button>
      </Group>
    </form>
  );
}
