import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { fromFilter, toFilter, type FilterGroup } from '../../../records/components/filter-builder';
import { useModule, useModules } from '../../../records/hooks/use-records';
import { CriteriaButton } from '../../components/criteria-button';
import { SCORED_MODULES, TOUCHPOINT_EVENTS, useSaveScoringRule, type ScoringRule, type TouchpointEvent } from '../api';

interface DraftField {
  id?: string;
  criteria: FilterGroup;
  points: number | string;
}
interface DraftTouchpoint {
  id?: string;
  event: TouchpointEvent;
  points: number | string;
}

const emptyField = (): DraftField => ({ criteria: { kind: 'and', items: [] }, points: 10 });
const emptyTouchpoint = (): DraftTouchpoint => ({ event: 'email_answered', points: 5 });

/** A row's header with its title and the remove button. */
function EntryHeader({ title, removeLabel, onRemove }: { title: string; removeLabel: string; onRemove: () => void }) {
  return (
    <Group justify="space-between">
      <Text fw={600} size="sm">
        {title}
      </Text>
      <TooltipIconButton tooltip={removeLabel} label={removeLabel} color="red" icon={<IconTrash size={16} />} onClick={onRemove} />
    </Group>
  );
}

/** The dialog that creates or edits a scoring rule: module, name, field rules and touchpoint rules with their points. */
export function ScoringRuleEditor({ rule, opened, onClose }: { rule: ScoringRule | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automation');
  const save = useSaveScoringRule();
  const modules = useModules();
  const [module, setModule] = useState<string>('leads');
  const [name, setName] = useState('');
  const [active, setActive] = useState(true);
  const [fields, setFields] = useState<DraftField[]>([]);
  const [touchpoints, setTouchpoints] = useState<DraftTouchpoint[]>([]);
  const moduleDetail = useModule(module);

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setModule(rule?.module ?? 'leads');
    setName(rule?.name ?? '');
    setActive(rule?.active ?? true);
    setFields(
      rule
        ? rule.fieldRules.map((entry) => ({ id: entry.id, criteria: fromFilter(entry.criteria), points: entry.points }))
        : [emptyField()],
    );
    setTouchpoints(rule ? rule.touchpointRules.map((entry) => ({ ...entry })) : []);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, rule]);

  const changeField = (index: number, patch: Partial<DraftField>) =>
    setFields((list) => list.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)));
  const changeTouchpoint = (index: number, patch: Partial<DraftTouchpoint>) =>
    setTouchpoints((list) => list.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)));
  // Scoring by the score itself would chase its own tail: the server refuses it, so the builder does not offer it.
  const criteriaFields = (moduleDetail.data?.fields ?? []).filter((field) => field.apiName !== 'score');

  const submit = () =>
    save.mutate(
      {
        id: rule?.id,
        rule: {
          module,
          name: name.trim(),
          active,
          fieldRules: fields.map((entry) => ({
            ...(entry.id ? { id: entry.id } : {}),
            criteria: toFilter(entry.criteria) ?? null,
            points: Number(entry.points),
          })),
          touchpointRules: touchpoints.map((entry) => ({
            ...(entry.id ? { id: entry.id } : {}),
            event: entry.event,
            points: Number(entry.points),
          })),
        },
      },
      {
        onSuccess: () => {
          notifySuccess(t('scoring.saved'));
          onClose();
        },
      },
    );

  const points = (value: number | string, onChange: (value: number | string) => void) => (
    <NumberInput
      label={t('scoring.points')}
      value={value}
      onChange={onChange}
      min={-1000}
      max={1000}
      allowDecimal={false}
      w={140}
      required
    />
  );

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={rule ? t('scoring.editorTitleEdit') : t('scoring.editorTitleNew')}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        error={save.error}
        fields={['module', 'name', 'fieldRules', 'touchpointRules']}
        submitLabel={t('scoring.save')}
        submitting={save.isPending}
      >
        <Group grow align="flex-start">
          <Select
            label={t('scoring.module')}
            data={SCORED_MODULES.map((apiName) => ({
              value: apiName,
              label: modules.data?.find((m) => m.apiName === apiName)?.pluralLabel ?? apiName,
            }))}
            value={module}
            onChange={(value) => {
              setModule(value ?? 'leads');
              setFields((list) => list.map((entry) => ({ ...entry, criteria: { kind: 'and', items: [] } })));
            }}
            disabled={!!rule}
            allowDeselect={false}
            required
          />
          <TextInput
            label={t('scoring.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={120}
          />
        </Group>
        <Switch
          label={t('scoring.active')}
          description={t('scoring.activeHint')}
          checked={active}
          onChange={(event) => setActive(event.currentTarget.checked)}
        />
        <Stack gap={4}>
          <Text fw={600}>{t('scoring.fieldRules')}</Text>
          <Text size="xs" c="dimmed">
            {t('scoring.fieldRulesHint')}
          </Text>
        </Stack>
        {fields.map((entry, index) => (
          <Paper key={entry.id ?? `field-${index}`} withBorder radius="md" p="sm" data-testid="scoring-field-rule">
            <Stack gap="xs">
              <EntryHeader
                title={t('scoring.fieldRule', { n: index + 1 })}
                removeLabel={t('scoring.removeEntry')}
                onRemove={() => setFields((list) => list.filter((_, i) => i !== index))}
              />
              <Group align="flex-end">
                <CriteriaButton
                  fields={criteriaFields}
                  value={entry.criteria}
                  onApply={(group) => changeField(index, { criteria: group })}
                  emptyLabel={t('scoring.criteriaNone')}
                />
                {points(entry.points, (value) => changeField(index, { points: value }))}
              </Group>
            </Stack>
          </Paper>
        ))}
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          disabled={fields.length >= 50}
          onClick={() => setFields((list) => [...list, emptyField()])}
        >
          {t('scoring.addFieldRule')}
        </Button>
        <Stack gap={4}>
          <Text fw={600}>{t('scoring.touchpointRules')}</Text>
          <Text size="xs" c="dimmed">
            {t('scoring.touchpointRulesHint')}
          </Text>
        </Stack>
        {touchpoints.map((entry, index) => (
          <Paper key={entry.id ?? `touchpoint-${index}`} withBorder radius="md" p="sm" data-testid="scoring-touchpoint-rule">
            <Stack gap="xs">
              <EntryHeader
                title={t('scoring.touchpointRule', { n: index + 1 })}
                removeLabel={t('scoring.removeEntry')}
                onRemove={() => setTouchpoints((list) => list.filter((_, i) => i !== index))}
              />
              <Group align="flex-end">
                <Select
                  label={t('scoring.event')}
                  data={TOUCHPOINT_EVENTS.map((event) => ({ value: event, label: t(`scoring.events.${event}`) }))}
                  value={entry.event}
                  onChange={(value) => changeTouchpoint(index, { event: (value ?? 'any') as TouchpointEvent })}
                  allowDeselect={false}
                  w={280}
                />
                {points(entry.points, (value) => changeTouchpoint(index, { points: value }))}
              </Group>
            </Stack>
          </Paper>
        ))}
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          disabled={touchpoints.length >= 20}
          onClick={() => setTouchpoints((list) => [...list, emptyTouchpoint()])}
        >
          {t('scoring.addTouchpointRule')}
        </Button>
      </ModalForm>
    </Modal>
  );
}
