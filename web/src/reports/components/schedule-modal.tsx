import { useState } from 'react';
import { ActionIcon, Alert, Button, Divider, Group, MultiSelect, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { useDirectoryUsers } from '../../records/hooks/use-records';
import { notifySuccess } from '../../settings/components/feedback';
import { useGroups } from '../../settings/hooks/use-groups';
import { useRoles } from '../../settings/hooks/use-roles';
import type { Frequency, Schedule, ScheduleFormat, ScheduleInput } from '../api';
import { useCreateSchedule, useDeleteSchedule, useSchedules } from '../hooks/use-reports';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** E-mail a report daily, weekly or monthly (CSV, XLSX or PDF) to users, roles or groups; lists the report's schedules. */
export function ScheduleModal({
  reportId,
  reportName,
  opened,
  onClose,
}: {
  reportId: string;
  reportName: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation('reports');
  return (
    <AppModal opened={opened} onClose={onClose} title={t('schedule.title', { name: reportName })} size="lg">
      {opened && <ScheduleForm reportId={reportId} />}
    </AppModal>
  );
}

function ScheduleForm({ reportId }: { reportId: string }) {
  const { t, i18n } = useTranslation('reports');
  const schedules = useSchedules(reportId, true);
  const create = useCreateSchedule(reportId);
  const remove = useDeleteSchedule(reportId);
  const users = useDirectoryUsers();
  const roles = useRoles();
  const groups = useGroups();
  const [draft, setDraft] = useState<ScheduleInput>({
    frequency: 'weekly',
    time: '08:00',
    weekday: 1,
    format: 'csv',
    recipients: { users: [], roles: [], groups: [] },
  });
  const set = (patch: Partial<ScheduleInput>) => setDraft((current) => ({ ...current, ...patch }));
  const setRecipients = (patch: Partial<ScheduleInput['recipients']>) => set({ recipients: { ...draft.recipients, ...patch } });
  const describe = (schedule: Schedule) =>
    [
      t(`schedule.frequencies.${schedule.frequency}`),
      schedule.frequency === 'weekly' && schedule.weekday ? t(`schedule.weekdays.${schedule.weekday}`) : null,
      schedule.frequency === 'monthly' && schedule.monthDay ? t('schedule.onDay', { day: schedule.monthDay }) : null,
      schedule.time,
      schedule.format.toUpperCase(),
    ]
      .filter(Boolean)
      .join(' · ');

  async function handleCreate() {
    const body: ScheduleInput = {
      frequency: draft.frequency,
      time: draft.time,
      format: draft.format,
      recipients: draft.recipients,
      ...(draft.frequency === 'weekly' ? { weekday: draft.weekday ?? 1 } : {}),
      ...(draft.frequency === 'monthly' ? { monthDay: draft.monthDay ?? 1 } : {}),
    };
    await create.mutateAsync(body);
    notifySuccess(t('schedule.created'));
  }

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('schedule.intro')}
      </Text>
      {(schedules.data ?? []).length > 0 && (
        <Stack gap={4}>
          {schedules.data!.map((schedule) => (
            <Group key={schedule.id} justify="space-between" data-testid="report-schedule">
              <Stack gap={0}>
                <Text size="sm">{describe(schedule)}</Text>
                {schedule.nextRunAt && (
                  <Text size="xs" c="dimmed">
                    {t('schedule.next', {
                      date: new Date(schedule.nextRunAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }),
                    })}
                  </Text>
                )}
                {schedule.lastError && (
                  <Text size="xs" c="red">
                    {t('schedule.lastError', { error: schedule.lastError })}
                  </Text>
                )}
              </Stack>
              <ActionIcon variant="subtle" color="red" aria-label={t('schedule.remove')} onClick={() => remove.mutate(schedule.id)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Divider />
        </Stack>
      )}
      <Group grow>
        <Select
          label={t('schedule.frequency')}
          allowDeselect={false}
          data={(['daily', 'weekly', 'monthly'] as Frequency[]).map((value) => ({ value, label: t(`schedule.frequencies.${value}`) }))}
          value={draft.frequency}
          onChange={(value) => value && set({ frequency: value as Frequency })}
        />
        {draft.frequency === 'weekly' && (
          <Select
            label={t('schedule.weekday')}
            allowDeselect={false}
            data={WEEKDAYS.map((day) => ({ value: String(day), label: t(`schedule.weekdays.${day}`) }))}
            value={String(draft.weekday ?? 1)}
            onChange={(value) => value && set({ weekday: Number(value) })}
          />
        )}
        {draft.frequency === 'monthly' && (
          <NumberInput
            label={t('schedule.monthDay')}
            min={1}
            max={31}
            value={draft.monthDay ?? 1}
            onChange={(value) => set({ monthDay: Number(value) || 1 })}
          />
        )}
        <TextInput
          type="time"
          label={t('schedule.time')}
          value={draft.time}
          onChange={(event) => set({ time: event.currentTarget.value })}
        />
        <Select
          label={t('schedule.format')}
          allowDeselect={false}
          data={(['csv', 'xlsx', 'pdf'] as ScheduleFormat[]).map((value) => ({ value, label: value.toUpperCase() }))}
          value={draft.format}
          onChange={(value) => value && set({ format: value as ScheduleFormat })}
        />
      </Group>
      <MultiSelect
        label={t('schedule.users')}
        searchable
        data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
        value={draft.recipients.users}
        onChange={(value) => setRecipients({ users: value })}
      />
      <Group grow>
        <MultiSelect
          label={t('schedule.roles')}
          data={(roles.data ?? []).map((role) => ({ value: role.id, label: role.name }))}
          value={draft.recipients.roles}
          onChange={(value) => setRecipients({ roles: value })}
        />
        <MultiSelect
          label={t('schedule.groups')}
          data={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
          value={draft.recipients.groups}
          onChange={(value) => setRecipients({ groups: value })}
        />
      </Group>
      {create.isError && <Alert color="red">{errorMessage(create.error, t)}</Alert>}
      <Group justify="flex-end">
        <Button loading={create.isPending} onClick={() => void handleCreate().catch(() => undefined)}>
          {t('schedule.add')}
        </Button>
      </Group>
    </Stack>
  );
}
