import { useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  Chip,
  Group,
  Modal,
  NumberInput,
  Paper,
  Popover,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCalendarTime, IconFilter, IconHistory, IconPencil, IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../../app/errors';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { countConditions, FilterBuilder, fromFilter, toFilter, type FilterGroup } from '../../../records/components/filter-builder';
import { useModule, useModules } from '../../../records/hooks/use-records';
import { ActionEditor, newAction } from '../../components/action-editor';
import type { Action, ActionType } from '../../api';
import { useFunctions } from '../../functions/api';
import { useDeleteSchedule, useRunSchedule, useSaveSchedule, useScheduleRuns, useSchedules, type Frequency, type Schedule } from '../api';

const FREQUENCIES: Frequency[] = ['once', 'daily', 'weekly', 'monthly'];
const SCHEDULE_ACTIONS: readonly ActionType[] = ['field_update', 'task', 'email'];
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** Settings › Schedules: actions or a custom function at set times, with the next run and the history. */
export function SchedulesPage() {
  const { t } = useTranslation('automationSchedules');
  const schedules = useSchedules();
  const remove = useDeleteSchedule();
  const runNow = useRunSchedule();
  const [editing, setEditing] = useState<{ schedule: Schedule | null } | null>(null);
  const [history, setHistory] = useState<Schedule | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);

  return (
    <>
      <SettingsListPage
        title={t('title')}
        description={t('description')}
        query={schedules}
        createLabel={t('create')}
        onCreate={() => setEditing({ schedule: null })}
        empty={{ icon: <IconCalendarTime size={28} />, title: t('emptyTitle'), body: t('emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('title')}>
            {list.map((schedule, index) => (
              <Group
                key={schedule.id}
                role="listitem"
                justify="space-between"
                wrap="nowrap"
                px="md"
                py="sm"
                data-testid="schedule-row"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              >
                <Box style={{ minWidth: 0 }}>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {schedule.name}
                    </Text>
                    <Badge variant="light">{t(`frequency.${schedule.frequency}`)}</Badge>
                    <Badge variant="light" color={schedule.enabled ? 'green' : 'gray'}>
                      {schedule.enabled ? t('enabled') : t('disabled')}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {t('nextRun', { at: when(schedule.nextRunAt) })} · {t('lastRun', { at: when(schedule.lastRunAt) })}
                  </Text>
                </Box>
                <Group gap={2} wrap="nowrap">
                  <TooltipIconButton
                    tooltip={t('runNow')}
                    label={t('runNowNamed', { name: schedule.name })}
                    icon={<IconPlayerPlay size={16} />}
                    onClick={() => runNow.mutate(schedule.id, { onSuccess: () => notifySuccess(t('started', { name: schedule.name })) })}
                  />
                  <TooltipIconButton
                    tooltip={t('history')}
                    label={t('historyNamed', { name: schedule.name })}
                    icon={<IconHistory size={16} />}
                    onClick={() => setHistory(schedule)}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.edit')}
                    label={t('editNamed', { name: schedule.name })}
                    icon={<IconPencil size={16} />}
                    onClick={() => setEditing({ schedule })}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.delete')}
                    label={t('deleteNamed', { name: schedule.name })}
                    color="red"
                    icon={<IconTrash size={16} />}
                    onClick={() => {
                      remove.reset();
                      setDeleting(schedule);
                    }}
                  />
                </Group>
              </Group>
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <ScheduleEditor schedule={editing?.schedule ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <Modal opened={history !== null} onClose={() => setHistory(null)} size="lg" title={t('historyNamed', { name: history?.name ?? '' })}>
        {history && <RunHistory schedule={history} />}
      </Modal>
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('deleteNamed', { name: deleting?.name ?? '' })}
        message={t('deleteBody')}
        doneMessage={t('deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function RunHistory({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation('automationSchedules');
  const runs = useScheduleRuns(schedule.id);
  if (!runs.data) return null;
  if (runs.data.length === 0) return <Text c="dimmed">{t('noRuns')}</Text>;
  return (
    <Table data-testid="schedule-runs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('runAt')}</Table.Th>
          <Table.Th>{t('status')}</Table.Th>
          <Table.Th>{t('counts')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.data.map((run) => (
          <Table.Tr key={run.id}>
            <Table.Td>
              {when(run.dueAt)}
              {run.manual ? ` · ${t('manual')}` : ''}
            </Table.Td>
            <Table.Td>
              <Badge color={run.status === 'done' ? 'green' : run.status === 'failed' ? 'red' : 'blue'}>
                {t(`runStatus.${run.status}`)}
              </Badge>
              {run.error && (
                <Text size="xs" c="red">
                  {run.error}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{t('countsValue', { matched: run.matched, succeeded: run.succeeded, failed: run.failed })}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ScheduleEditor({ schedule, opened, onClose }: { schedule: Schedule | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automationSchedules');
  const save = useSaveSchedule();
  const modules = useModules();
  const functions = useFunctions();
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [frequency, setFrequency] = useState<Frequency>('daily');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('09:00');
  const [weekdays, setWeekdays] = useState<string[]>(['1']);
  const [monthDay, setMonthDay] = useState<number | string>(1);
  const [kind, setKind] = useState<'actions' | 'function'>('actions');
  const [module, setModule] = useState<string | null>('leads');
  const [criteria, setCriteria] = useState<FilterGroup>({ kind: 'and', items: [] });
  const [functionId, setFunctionId] = useState<string | null>(null);
  const [actions, setActions] = useState<Action[]>([]);
  const moduleDetail = useModule(module ?? 'leads');
  const fields = moduleDetail.data?.fields ?? [];

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setName(schedule?.name ?? '');
    setEnabled(schedule?.enabled ?? true);
    setFrequency(schedule?.frequency ?? 'daily');
    setDate(schedule?.date ?? '');
    setTime(schedule?.time ?? '09:00');
    setWeekdays((schedule?.weekdays ?? [1]).map(String));
    setMonthDay(schedule?.monthDay ?? 1);
    setKind(schedule?.functionId ? 'function' : 'actions');
    setModule(schedule ? schedule.module : 'leads');
    setCriteria(fromFilter(schedule?.criteria));
    setFunctionId(schedule?.functionId ?? null);
    setActions((schedule?.actions as Action[] | undefined) ?? []);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, schedule]);

  const submit = () =>
    save.mutate(
      {
        id: schedule?.id,
        schedule: {
          name: name.trim(),
          enabled,
          frequency,
          date: frequency === 'once' ? date || null : null,
          time,
          weekdays: frequency === 'weekly' ? weekdays.map(Number) : [],
          monthDay: frequency === 'monthly' ? Number(monthDay) : null,
          module: module || null,
          criteria: module ? (toFilter(criteria) ?? null) : null,
          functionId: kind === 'function' ? functionId : null,
          actions: kind === 'actions' ? (actions as Schedule['actions']) : [],
        },
      },
      {
        onSuccess: () => {
          notifySuccess(t('saved'));
          onClose();
        },
      },
    );
  const conditions = countConditions(criteria);

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={schedule ? t('editorTitleEdit') : t('editorTitleNew')}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        error={save.error}
        fields={['name', 'date', 'time', 'weekdays', 'monthDay']}
        submitLabel={t('save')}
        submitting={save.isPending}
      >
        <TextInput
          label={t('name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={fieldError(save.error, 'name')}
          required
          maxLength={200}
        />
        <Switch label={t('enabled')} checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
        <SegmentedControl
          value={frequency}
          onChange={(value) => setFrequency(value as Frequency)}
          data={FREQUENCIES.map((value) => ({ value, label: t(`frequency.${value}`) }))}
        />
        <Group grow align="flex-start">
          {frequency === 'once' && (
            <TextInput
              type="date"
              label={t('date')}
              value={date}
              onChange={(event) => setDate(event.currentTarget.value)}
              error={fieldError(save.error, 'date')}
              required
            />
          )}
          {frequency === 'monthly' && (
            <NumberInput
              label={t('monthDay')}
              description={t('monthDayHint')}
              value={monthDay}
              onChange={setMonthDay}
              min={1}
              max={31}
              error={fieldError(save.error, 'monthDay')}
            />
          )}
          <TextInput
            type="time"
            label={t('time')}
            description={t('timeHint')}
            value={time}
            onChange={(event) => setTime(event.currentTarget.value)}
            required
          />
        </Group>
        {frequency === 'weekly' && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('weekdays')}
            </Text>
            <Chip.Group multiple value={weekdays} onChange={setWeekdays}>
              <Group gap="xs">
                {[1, 2, 3, 4, 5, 6, 7].map((day) => (
                  <Chip key={day} value={String(day)} size="sm">
                    {t(`weekday.${day}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            {fieldError(save.error, 'weekdays') && (
              <Text size="xs" c="red">
                {fieldError(save.error, 'weekdays')}
              </Text>
            )}
          </Stack>
        )}
        <SegmentedControl
          value={kind}
          onChange={(value) => setKind(value as 'actions' | 'function')}
          data={[
            { value: 'actions', label: t('kindActions') },
            { value: 'function', label: t('kindFunction') },
          ]}
        />
        {kind === 'function' && (
          <Select
            label={t('function')}
            data={(functions.data ?? []).map((fn) => ({ value: fn.id, label: fn.name }))}
            value={functionId}
            onChange={setFunctionId}
            error={fieldError(save.error, 'functionId')}
            required
          />
        )}
        <Group align="flex-end">
          <Select
            label={t('module')}
            description={kind === 'function' ? t('moduleFunctionHint') : undefined}
            data={(modules.data ?? []).map((m) => ({ value: m.apiName, label: m.pluralLabel }))}
            value={module}
            onChange={setModule}
            clearable={kind === 'function'}
            error={fieldError(save.error, 'module')}
            w={260}
          />
          {module && (
            <Popover position="bottom-start" shadow="md" withinPortal trapFocus>
              <Popover.Target>
                <Button variant="light" color="gray" leftSection={<IconFilter size={16} />}>
                  {conditions === 0 ? t('allRecords') : t('criteriaCount', { count: conditions })}
                </Button>
              </Popover.Target>
              <Popover.Dropdown>
                <FilterBuilder fields={fields} value={criteria} onApply={setCriteria} />
              </Popover.Dropdown>
            </Popover>
          )}
        </Group>
        {kind === 'actions' && (
          <Stack gap="xs">
            {actions.map((action, index) => (
              <ActionEditor
                key={index}
                action={action}
                fields={fields}
                types={SCHEDULE_ACTIONS}
                onChange={(next) => setActions((list) => list.map((item, i) => (i === index ? next : item)))}
                onRemove={() => setActions((list) => list.filter((_, i) => i !== index))}
              />
            ))}
            <Button
              variant="light"
              leftSection={<IconPlus size={16} />}
              w="fit-content"
              onClick={() => setActions((list) => [...list, newAction('task', fields)])}
            >
              {t('addAction')}
            </Button>
            {fieldError(save.error, 'actions') && (
              <Text size="xs" c="red">
                {fieldError(save.error, 'actions')}
              </Text>
            )}
          </Stack>
        )}
      </ModalForm>
    </Modal>
  );
}
