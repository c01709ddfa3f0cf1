import { useState } from 'react';
import { Badge, Box, Button, Group, Paper, Switch, Text } from '@mantine/core';
import { IconBulb, IconPencil, IconTimelineEvent, IconTrash } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { notifyFailure, notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { useModule, useModules } from '../../../records/hooks/use-records';
import { useBlueprints, useDeleteBlueprint, useSetBlueprintEnabled, type Blueprint } from '../api';
import { NewBlueprintModal } from '../components/new-blueprint-modal';
import { ExamplesModal } from '../components/examples-modal';

/** Settings › Blueprints: each Blueprint with its module and field, an enabled switch, edit (the visual editor) and delete. */
export function BlueprintsPage() {
  const { t } = useTranslation('automationBlueprints');
  const blueprints = useBlueprints();
  const modules = useModules();
  const navigate = useNavigate();
  const remove = useDeleteBlueprint();
  const [creating, setCreating] = useState(false);
  const [showingExamples, setShowingExamples] = useState(false);
  const [deleting, setDeleting] = useState<Blueprint | null>(null);
  const moduleLabel = (apiName: string) => modules.data?.find((m) => m.apiName === apiName)?.pluralLabel ?? apiName;
  const openEditor = (id: string) => void navigate({ to: '/settings/automation/blueprints/$id', params: { id } as never });

  return (
    <>
      <SettingsListPage
        title={t('title')}
        description={t('description')}
        query={blueprints}
        createLabel={t('create')}
        onCreate={() => setCreating(true)}
        extraActions={
          <Button variant="default" leftSection={<IconBulb size={18} />} onClick={() => setShowingExamples(true)}>
            {t('examples')}
          </Button>
        }
        empty={{ icon: <IconTimelineEvent size={28} />, title: t('emptyTitle'), body: t('emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('title')}>
            {list.map((blueprint, index) => (
              <BlueprintRow
                key={blueprint.id}
                blueprint={blueprint}
                moduleLabel={moduleLabel(blueprint.module)}
                first={index === 0}
                onEdit={() => openEditor(blueprint.id)}
                onDelete={() => {
                  remove.reset();
                  setDeleting(blueprint);
                }}
              />
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <NewBlueprintModal opened={creating} onClose={() => setCreating(false)} onCreated={(blueprint) => openEditor(blueprint.id)} />
      <ExamplesModal opened={showingExamples} onClose={() => setShowingExamples(false)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('deleteTitle', { name: deleting?.name ?? '' })}
        message={t('deleteBody')}
        doneMessage={t('deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function BlueprintRow(props: { blueprint: Blueprint; moduleLabel: string; first: boolean; onEdit: () => void; onDelete: () => void }) {
  const { t } = useTranslation('automationBlueprints');
  const { blueprint } = props;
  const toggle = useSetBlueprintEnabled();
  const module = useModule(blueprint.module);
  const fieldLabel = module.data?.fields.find((field) => field.apiName === blueprint.field)?.label ?? blueprint.field;
  const setEnabled = (enabled: boolean) =>
    toggle.mutate(
      { id: blueprint.id, enabled },
      {
        onSuccess: () => notifySuccess(t(enabled ? 'enabledDone' : 'disabledDone', { name: blueprint.name })),
        // A second enabled Blueprint on the same field is refused (409): the server's reason is the message.
        onError: (error) => notifyFailure(errorMessage(error, t)),
      },
    );
  return (
    <Group
      role="listitem"
      justify="space-between"
      wrap="nowrap"
      px="md"
      py="sm"
      style={{ borderTop: props.first ? undefined : '1px solid var(--mantine-color-gray-2)' }}
      data-testid="blueprint-row"
    >
      <Box style={{ minWidth: 0 }}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {blueprint.name}
          </Text>
          <Badge variant="light">{props.moduleLabel}</Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t('summary', {
            field: fieldLabel,
            states: blueprint.definition.states.length,
            transitions: blueprint.definition.transitions.length,
          })}
        </Text>
      </Box>
      <Group gap="xs" wrap="nowrap">
        <Switch
          aria-label={t('enable', { name: blueprint.name })}
          checked={toggle.isPending ? (toggle.variables?.enabled ?? blueprint.enabled) : blueprint.enabled}
          disabled={toggle.isPending}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
        />
        <TooltipIconButton
          tooltip={t('app:common.edit')}
          label={t('editNamed', { name: blueprint.name })}
          color="gray"
          icon={<IconPencil size={18} />}
          onClick={props.onEdit}
        />
        <TooltipIconButton
          tooltip={t('app:common.delete')}
          label={t('deleteNamed', { name: blueprint.name })}
          color="red"
          icon={<IconTrash size={18} />}
          onClick={props.onDelete}
        />
      </Group>
    </Group>
  );
}
