import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { RecordData } from '../api';
import { numberLocale } from '../format';
import { useRecordQuery } from '../hooks/use-records';

type Mode = 'month' | 'week';
const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
/** Monday of the week of `date` (local time). */
const mondayOf = (date: Date) => {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  return new Date(day.getTime() - ((day.getDay() + 6) % 7) * DAY);
};

function range(mode: Mode, anchor: Date): Date[] {
  const start = mode === 'week' ? mondayOf(anchor) : mondayOf(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
  const count = mode === 'week' ? 7 : 42;
  return Array.from({ length: count }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
}

interface Item {
  id: string;
  module: 'meetings' | 'tasks';
  title: string;
  day: string;
  time?: string;
}

/** /calendar — the signed-in user's meetings (start) and tasks (due date) by month or week; a click opens the record. */
export function CalendarPage() {
  const { t, i18n } = useTranslation('records');
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>('month');
  const [anchor, setAnchor] = useState(() => new Date());
  const days = range(mode, anchor);
  const first = days[0]!;
  const last = days.at(-1)!;
  const end = new Date(last.getTime() + DAY);
  const meetings = useRecordQuery('meetings', {
    limit: 500,
    fields: ['title', 'start_at', 'end_at'],
    sort: [{ field: 'start_at', direction: 'asc' }],
    filter: {
      and: [
        { field: 'owner_id', op: 'eq', value: '$me' },
        { field: 'start_at', op: 'gte', value: first.toISOString() },
        { field: 'start_at', op: 'lt', value: end.toISOString() },
      ],
    },
  });
  const tasks = useRecordQuery('tasks', {
    limit: 500,
    fields: ['subject', 'due_date'],
    filter: {
      and: [
        { field: 'owner_id', op: 'eq', value: '$me' },
        { field: 'due_date', op: 'between', value: [isoDay(first), isoDay(last)] },
      ],
    },
  });
  const locale = numberLocale(i18n.language);
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const items: Item[] = [
    ...(meetings.data?.data ?? []).map((record: RecordData) => {
      const start = new Date(String(record.start_at));
      return {
        id: record.id,
        module: 'meetings' as const,
        title: String(record.title ?? ''),
        day: isoDay(start),
        time: timeFormat.format(start),
      };
    }),
    ...(tasks.data?.data ?? []).map((record: RecordData) => ({
      id: record.id,
      module: 'tasks' as const,
      title: String(record.subject ?? ''),
      day: String(record.due_date),
    })),
  ];
  const step = (direction: number) =>
    setAnchor((current) =>
      mode === 'week'
        ? new Date(current.getTime() + direction * 7 * DAY)
        : new Date(current.getFullYear(), current.getMonth() + direction, 1),
    );
  const title =
    mode === 'month'
      ? new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(anchor)
      : `${new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(first)} – ${new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(last)}`;
  const weekdays = days.slice(0, 7).map((day) => new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(day));
  const today = isoDay(new Date());

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={2}>{t('calendar.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('calendar.mine')}
          </Text>
        </Group>
        <Group gap="xs">
          <ActionIcon variant="default" size="lg" onClick={() => step(-1)} aria-label={t('calendar.previous')}>
            <IconChevronLeft size={18} />
          </ActionIcon>
          <Button variant="default" onClick={() => setAnchor(new Date())}>
            {t('calendar.today')}
          </Button>
          <ActionIcon variant="default" size="lg" onClick={() => step(1)} aria-label={t('calendar.next')}>
            <IconChevronRight size={18} />
          </ActionIcon>
          <SegmentedControl
            value={mode}
            onChange={(value) => setMode(value as Mode)}
            data={[
              { value: 'month', label: t('calendar.month') },
              { value: 'week', label: t('calendar.week') },
            ]}
          />
        </Group>
      </Group>
      <Text fw={600} tt="capitalize">
        {title}
      </Text>
      <SimpleGrid cols={7} spacing={4}>
        {weekdays.map((weekday) => (
          <Text key={weekday} size="xs" fw={700} c="dimmed" tt="uppercase" ta="center">
            {weekday}
          </Text>
        ))}
        {days.map((day) => {
          const key = isoDay(day);
          const inMonth = mode === 'week' || day.getMonth() === anchor.getMonth();
          return (
            <Paper
              key={key}
              withBorder
              radius="sm"
              p={4}
              mih={mode === 'week' ? 320 : 96}
              bg={key === today ? 'blue.0' : undefined}
              style={{ opacity: inMonth ? 1 : 0.5 }}
            >
              <Text size="xs" fw={600} mb={2}>
                {day.getDate()}
              </Text>
              <Stack gap={2}>
                {items
                  .filter((item) => item.day === key)
                  .map((item) => (
                    <UnstyledButton
                      key={item.id}
                      onClick={() => void navigate({ to: '/records/$module/$id', params: { module: item.module, id: item.id } })}
                    >
                      <Badge
                        fullWidth
                        radius="sm"
                        variant="light"
                        color={item.module === 'meetings' ? 'blue' : 'orange'}
                        tt="none"
                        styles={{ label: { textAlign: 'left' } }}
                        title={`${t(`calendar.${item.module}`)}: ${item.title}`}
                      >
                        {item.time ? `${item.time} ` : ''}
                        {item.title}
                      </Badge>
                    </UnstyledButton>
                  ))}
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
