import { useMemo, useState } from 'react';
import { Button, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useUpdateOrganization, type BusinessHours, type Organization } from '../hooks/use-organization';
import { notifySuccess } from './feedback';
import { SectionCard } from './section-card';

interface DayHours {
  day: number;
  open: boolean;
  start: string;
  end: string;
  /** Further intervals the API may hold for the day; the grid edits the first and keeps these. */
  more: Array<{ start: string; end: string }>;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAYS = [1, 2, 3, 4, 5, 6, 7];

function toGrid(hours: BusinessHours): DayHours[] {
  return DAYS.map((day) => {
    const intervals = (hours?.days ?? []).filter((entry) => entry.day === day).sort((a, b) => a.start.localeCompare(b.start));
    const [first, ...more] = intervals;
    return first
      ? { day, open: true, start: first.start, end: first.end, more }
      : { day, open: false, start: '09:00', end: '18:00', more: [] };
  });
}

function toHours(grid: DayHours[]): BusinessHours {
  return {
    days: grid
      .filter((day) => day.open)
      .flatMap((day) => [{ day: day.day, start: day.start, end: day.end }, ...day.more.map((extra) => ({ day: day.day, ...extra }))]),
  };
}

/** Weekday names, Monday first, in the interface language. */
export function useWeekdayNames(): string[] {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(i18n.language, { weekday: 'long', timeZone: 'UTC' });
    // 1 January 2024 was a Monday.
    return DAYS.map((day) => {
      const name = format.format(new Date(Date.UTC(2024, 0, day)));
      return name.charAt(0).toLocaleUpperCase(i18n.language) + name.slice(1);
    });
  }, [i18n.language]);
}

/** The weekly opening hours: per day open or closed, from and to. */
export function OrgBusinessHoursSection({ organization }: { organization: Organization }) {
  const { t } = useTranslation('settings');
  const update = useUpdateOrganization();
  const names = useWeekdayNames();
  const [grid, setGrid] = useState<DayHours[]>(() => toGrid(organization.businessHours));
  const [errors, setErrors] = useState<Record<number, string>>({});
  const dirty = JSON.stringify(toHours(grid)) !== JSON.stringify(toHours(toGrid(organization.businessHours)));

  const change = (day: number, patch: Partial<DayHours>) =>
    setGrid((previous) => previous.map((entry) => (entry.day === day ? { ...entry, ...patch } : entry)));

  function handleSubmit() {
    const found: Record<number, string> = {};
    for (const entry of grid) {
      if (!entry.open) continue;
      if (!TIME.test(entry.start) || !TIME.test(entry.end)) found[entry.day] = t('organization.hours.badTime');
      else if (entry.start >= entry.end) found[entry.day] = t('organization.hours.endBeforeStart');
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    update.mutate({ businessHours: toHours(grid) }, { onSuccess: () => notifySuccess(t('organization.saved')) });
  }

  function copyMonday() {
    const monday = grid[0];
    setGrid((previous) =>
      previous.map((entry) =>
        entry.day >= 2 && entry.day <= 5 ? { ...entry, open: monday.open, start: monday.start, end: monday.end, more: monday.more } : entry,
      ),
    );
  }

  return (
    <SectionCard
      title={t('organization.hours.title')}
      description={t('organization.hours.description')}
      onSubmit={handleSubmit}
      saving={update.isPending}
      dirty={dirty}
      error={update.error ? errorMessage(update.error, t) : null}
      testId="org-business-hours"
    >
      <Stack gap={0}>
        {grid.map((entry, index) => (
          <Group
            key={entry.day}
            justify="space-between"
            gap="xs"
            py={8}
            style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
            wrap="wrap"
          >
            <Group gap="sm" w={190} wrap="nowrap">
              <Switch
                checked={entry.open}
                onChange={(event) => change(entry.day, { open: event.currentTarget.checked })}
                aria-label={t('organization.hours.openOn', { day: names[entry.day - 1] })}
              />
              <Stack gap={0}>
                <Text size="sm" fw={500}>
                  {names[entry.day - 1]}
                </Text>
                <Text size="xs" c={entry.open ? 'teal' : 'dimmed'}>
                  {entry.open ? t('organization.hours.open') : t('organization.hours.closed')}
                </Text>
              </Stack>
            </Group>
            <Stack gap={2} style={{ flex: '1 1 220px' }} align="flex-end">
              <Group gap={6} wrap="nowrap">
                <TextInput
                  type="time"
                  w={136}
                  aria-label={t('organization.hours.from', { day: names[entry.day - 1] })}
                  value={entry.start}
                  disabled={!entry.open}
                  onChange={(event) => change(entry.day, { start: event.currentTarget.value })}
                  error={Boolean(errors[entry.day])}
                />
                <Text size="sm" c="dimmed">
                  –
                </Text>
                <TextInput
                  type="time"
                  w={136}
                  aria-label={t('organization.hours.to', { day: names[entry.day - 1] })}
                  value={entry.end}
                  disabled={!entry.open}
                  onChange={(event) => change(entry.day, { end: event.currentTarget.value })}
                  error={Boolean(errors[entry.day])}
                />
              </Group>
              {errors[entry.day] && (
                <Text size="xs" c="red" role="alert">
                  {errors[entry.day]}
                </Text>
              )}
              {entry.open && entry.more.length > 0 && (
                <Text size="xs" c="dimmed">
                  {t('organization.hours.more', { intervals: entry.more.map((extra) => `${extra.start}–${extra.end}`).join(', ') })}
                </Text>
              )}
            </Stack>
          </Group>
        ))}
      </Stack>
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconCopy size={14} />} onClick={copyMonday}>
          {t('organization.hours.copyMonday')}
        </Button>
      </Group>
    </SectionCard>
  );
}
