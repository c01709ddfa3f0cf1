import { useEffect, useState } from 'react';
import { Button, Checkbox, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { fromFilter, toFilter, type FilterGroup } from '../../../records/components/filter-builder';
import { CriteriaButton } from '../../components/criteria-button';
import { useModule } from '../../../records/hooks/use-records';
import { useUsers } from '../../../settings/hooks/use-users';
import { useSaveEscalationRule, type EscalationLevel, type EscalationRule } from '../api';
import { CaseFieldsEditor } from './case-fields-editor';

interface DraftLevel {
  hours: number | string;
  target: 'manager' | 'user';
  userId: string | null;
  notifyOwner: boolean;
  reassign: boolean;
  setFields: Array<{ field: string; value: unknown }>;
}

const toDraft = (level: EscalationLevel): DraftLevel => ({
  hours: level.afterMinutes / 60,
  target: level.target.type,
  userId: level.target.type === 'user' ? level.target.userId : null,
  notifyOwner: level.notifyOwner === true,
  reassign: level.reassign === true,
  setFields: level.setFields ?? [],
});

const fromDraft = (level: DraftLevel): EscalationLevel => ({
  afterMinutes: Math.round(Number(level.hours || 0) * 60),
  target: level.target === 'user' ? { type: 'user', userId: level.userId ?? '' } : { type: 'manager' },
  notifyOwner: level.notifyOwner,
  ...(level.reassign ? { reassign: true } : {}),
  ...(level.setFields.length > 0 ? { setFields: level.setFields } : {}),
});

const firstLevel = (): DraftLevel => ({ hours: 0, target: 'manager', userId: null, notifyOwner: false, reassign: false, setFields: [] });

/** The dialog that creates or edits a case escalation rule: which cases, then the levels (when, to whom). */
export function EscalationRuleEditor({ rule, opened, onClose }: { rule: EscalationRule | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automation');
  const save = useSaveEscalationRule();
  const cases = useModule('cases');
  const users = useUsers({ active: true });
  const [name, setName] = useState('');
  const [active, setActive] = useState(true);
  const [criteria, setCriteria] = useState<FilterGroup>({ kind: 'and', items: [] });
  const [levels, setLevels] = useState<DraftLevel[]>([firstLevel()]);

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setName(rule?.name ?? '');
    setActive(rule?.active ?? true);
    setCriteria(fromFilter(rule?.criteria));
    setLevels(rule ? rule.levels.map(toDraft) : [firstLevel()]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, rule]);

  const change = (index: number, patch: Partial<DraftLevel>) =>
    setLevels((list) => list.map((level, i) => (i === index ? { ...level, ...patch } : level)));
  const submit = () =>
    save.mutate(
      { id: rule?.id, rule: { name: name.trim(), active, criteria: toFilter(criteria) ?? null, levels: levels.map(fromDraft) } },
      {
        onSuccess: () => {
          notifySuccess(t('escalation.saved'));
          onClose();
        },
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} size="lg" title={rule ? t('escalation.editorTitleEdit') : t('escalation.editorTitleNew')}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        error={save.error}
        fields={['name']}
        submitLabel={t('assignment.save')}
        submitting={save.isPending}
      >
        <TextInput
          label={t('assignment.name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          required
          maxLength={120}
        />
        <Switch
          label={t('assignment.active')}
          description={t('escalation.activeHint')}
          checked={active}
          onChange={(event) => setActive(event.currentTarget.checked)}
        />
        <CriteriaButton
          fields={cases.data?.fields ?? []}
          value={criteria}
          onApply={setCriteria}
          label={t('escalation.cases')}
          emptyLabel={t('escalation.allCases')}
        />
        {levels.map((level, index) => (
          <Paper key={index} withBorder radius="md" p="sm" data-testid="escalation-level">
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600} size="sm">
                  {t('escalation.level', { n: index + 1 })}
                </Text>
                <TooltipIconButton
                  tooltip={t('escalation.removeLevel')}
                  label={t('escalation.removeLevel')}
                  color="red"
                  icon={<IconTrash size={16} />}
                  disabled={levels.length === 1}
                  onClick={() => setLevels((list) => list.filter((_, i) => i !== index))}
                />
              </Group>
              <Group grow align="flex-start">
                <NumberInput
                  label={index === 0 ? t('escalation.afterDue') : t('escalation.afterPrevious')}
                  value={level.hours}
                  onChange={(value) => change(index, { hours: value })}
                  min={0}
                  max={8760}
                  decimalScale={2}
                />
                <Select
                  label={t('escalation.to')}
                  data={[
                    { value: 'manager', label: t('escalation.targets.manager') },
                    { value: 'user', label: t('escalation.targets.user') },
                  ]}
                  value={level.target}
                  onChange={(value) => change(index, { target: value === 'user' ? 'user' : 'manager' })}
                  allowDeselect={false}
                />
              </Group>
              {level.target === 'user' && (
                <Select
                  label={t('assignment.user')}
                  data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
                  value={level.userId}
                  onChange={(value) => change(index, { userId: value })}
                  searchable
                />
              )}
              <Checkbox
                label={t('escalation.notifyOwner')}
                checked={level.notifyOwner}
                onChange={(event) => change(index, { notifyOwner: event.currentTarget.checked })}
              />
              <Switch
                label={t('actionEditor.escalation.reassign')}
                description={t('actionEditor.escalation.reassignHint')}
                checked={level.reassign}
                onChange={(event) => change(index, { reassign: event.currentTarget.checked })}
              />
              <CaseFieldsEditor
                fields={cases.data?.fields ?? []}
                value={level.setFields}
                onChange={(setFields) => change(index, { setFields })}
              />
            </Stack>
          </Paper>
        ))}
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          disabled={levels.length >= 5}
          onClick={() => setLevels((list) => [...list, { ...firstLevel(), hours: 4 }])}
        >
          {t('escalation.addLevel')}
        </Button>
      </ModalForm>
    </Modal>
  );
}
