import { Alert, Button, Checkbox, Divider, Drawer, Group, MultiSelect, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../../records/api';
import { isComputed } from '../../../records/format';
import { fromFilter, toFilter } from '../../../records/components/filter-builder';
import { useUsers } from '../../../settings/hooks/use-users';
import { useRoles } from '../../../settings/hooks/use-roles';
import { useGroups } from '../../../settings/hooks/use-groups';
import { CriteriaButton } from '../../components/criteria-button';
import { ActionList } from '../../components/rule-editor-modal';
import { NOTE_MODES, type BlueprintTransition, type NoteMode } from '../api';

/**
 * The side drawer of one transition: its name, from and to states; before (who may take it, its conditions), during
 * (fields to fill in, note, attachment) and after (workflow actions). Changes go to the editor's draft at once.
 */
export function TransitionDrawer({
  transition,
  states,
  fields,
  blueprintField,
  problems,
  onChange,
  onRemove,
  onClose,
}: {
  transition: BlueprintTransition | null;
  /** The Blueprint's states, as options. */
  states: Array<{ value: string; label: string }>;
  /** The module's fields. */
  fields: Field[];
  /** The picklist the Blueprint runs on: never one of the fields to fill in. */
  blueprintField: string;
  /** What the server said about this transition on the last save. */
  problems: string[];
  onChange: (patch: Partial<BlueprintTransition>) => void;
  onRemove: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  const users = useUsers({ active: true });
  const roles = useRoles();
  const groups = useGroups();
  const visible = fields.filter((field) => !field.hidden);
  const fillable = visible.filter((field) => !isComputed(field) && field.apiName !== blueprintField);
  const modes = NOTE_MODES.map((mode) => ({ value: mode, label: t(`mode.${mode}`) }));

  return (
    <Drawer
      opened={transition !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={transition ? t('transitionTitle', { name: transition.name }) : ''}
      closeButtonProps={{ 'aria-label': t('app:common.close') }}
    >
      {transition && (
        <Stack gap="sm" data-testid="transition-drawer">
          {problems.map((problem) => (
            <Alert key={problem} color="red" role="alert">
              {problem}
            </Alert>
          ))}
          <TextInput
            label={t('transitionName')}
            required
            maxLength={120}
            value={transition.name}
            onChange={(event) => onChange({ name: event.currentTarget.value })}
          />
          <Group grow align="flex-start">
            <MultiSelect label={t('from')} required data={states} value={transition.from} onChange={(from) => onChange({ from })} />
            <Select
              label={t('to')}
              required
              data={states}
              value={transition.to}
              onChange={(to) => to && onChange({ to })}
              allowDeselect={false}
            />
          </Group>

          <Divider label={t('before')} labelPosition="left" />
          <Title order={6}>{t('who')}</Title>
          <Checkbox
            label={t('whoOwner')}
            checked={transition.before.who.owner}
            onChange={(event) =>
              onChange({ before: { ...transition.before, who: { ...transition.before.who, owner: event.currentTarget.checked } } })
            }
          />
          <MultiSelect
            label={t('whoUsers')}
            searchable
            data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
            value={transition.before.who.users}
            onChange={(ids) => onChange({ before: { ...transition.before, who: { ...transition.before.who, users: ids } } })}
          />
          <Group grow align="flex-start">
            <MultiSelect
              label={t('whoRoles')}
              searchable
              data={(roles.data ?? []).map((role) => ({ value: role.id, label: role.name }))}
              value={transition.before.who.roles}
              onChange={(ids) => onChange({ before: { ...transition.before, who: { ...transition.before.who, roles: ids } } })}
            />
            <MultiSelect
              label={t('whoGroups')}
              searchable
              data={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
              value={transition.before.who.groups}
              onChange={(ids) => onChange({ before: { ...transition.before, who: { ...transition.before.who, groups: ids } } })}
            />
          </Group>
          <Text size="xs" c="dimmed">
            {t('whoHint')}
          </Text>
          <CriteriaButton
            fields={visible}
            value={fromFilter(transition.before.criteria)}
            onApply={(group) => onChange({ before: { ...transition.before, criteria: toFilter(group) ?? null } })}
            label={t('transitionCriteria')}
            emptyLabel={t('transitionCriteriaNone')}
          />

          <Divider label={t('during')} labelPosition="left" />
          <MultiSelect
            label={t('requiredFields')}
            searchable
            data={fillable.map((field) => ({ value: field.apiName, label: field.label }))}
            value={transition.during.requiredFields}
            onChange={(requiredFields) => onChange({ during: { ...transition.during, requiredFields } })}
          />
          <Group grow align="flex-start">
            <Select
              label={t('note')}
              data={modes}
              value={transition.during.note}
              onChange={(note) => note && onChange({ during: { ...transition.during, note: note as NoteMode } })}
              allowDeselect={false}
            />
            <Select
              label={t('attachment')}
              data={modes}
              value={transition.during.attachment}
              onChange={(attachment) => attachment && onChange({ during: { ...transition.during, attachment: attachment as NoteMode } })}
              allowDeselect={false}
            />
          </Group>

          <Divider label={t('after')} labelPosition="left" />
          <ActionList actions={transition.after} fields={visible} onChange={(after) => onChange({ after })} />

          <Group justify="space-between" mt="md">
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={onRemove}>
              {t('removeTransition')}
            </Button>
            <Button onClick={onClose}>{t('done')}</Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
