import { useState } from 'react';
import { Badge, Box, Button, Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { IconBolt, IconFlask, IconListDetails, IconPencil, IconSparkles, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { TooltipIconButton } from '../../components/tooltip-icon-button';
import { useModules } from '../../records/hooks/use-records';
import { ConfirmRemoveModal } from '../../settings/components/confirm-remove-modal';
import { notifyFailure, notifySuccess } from '../../settings/components/feedback';
import { SettingsListPage } from '../../settings/components/settings-list-page';
import { useCreateExampleRule, useDeleteRule, useSetRuleEnabled, useWorkflowRules, type WorkflowRule } from '../api';
import { ExecutionLogModal } from '../components/execution-log-modal';
import { RuleEditorModal, type RuleDialog } from '../components/rule-editor-modal';
import { TestRuleModal } from '../components/test-rule-modal';

/** /settings/automation: workflow rules — list, switch on and off, edit, test on a record, execution log. */
export function WorkflowRulesPage() {
  const { t } = useTranslation('automation');
  const rules = useWorkflowRules();
  const modules = useModules();
  const enable = useSetRuleEnabled();
  const remove = useDeleteRule();
  const example = useCreateExampleRule();
  const [dialog, setDialog] = useState<RuleDialog | null>(null);
  const [logOf, setLogOf] = useState<WorkflowRule | null>(null);
  const [testing, setTesting] = useState<WorkflowRule | null>(null);
  const [deleting, setDeleting] = useState<WorkflowRule | null>(null);
  const moduleLabel = (apiName: string) => modules.data?.find((module) => module.apiName === apiName)?.pluralLabel ?? apiName;

  const toggle = (rule: WorkflowRule, enabled: boolean) =>
    enable.mutate(
      { id: rule.id, enabled },
      {
        onSuccess: () => notifySuccess(t(enabled ? 'enabledOn' : 'enabledOff', { name: rule.name })),
        onError: (error) => notifyFailure(errorMessage(error, t)),
      },
    );
  const addExample = () =>
    example.mutate('high_priority_lead', {
      onSuccess: (rule) => notifySuccess(t('exampleCreated', { name: rule.name })),
      onError: (error) => notifyFailure(errorMessage(error, t)),
    });

  return (
    <>
      <SettingsListPage
        title={t('title')}
        description={t('description')}
        query={rules}
        createLabel={t('create')}
        onCreate={() => setDialog({ mode: 'create' })}
      >
        {(list) => (
          <Stack>
            <Group justify="flex-end">
              <Button variant="subtle" leftSection={<IconSparkles size={16} />} loading={example.isPending} onClick={addExample}>
                {t('example')}
              </Button>
            </Group>
            {list.length === 0 ? (
              <Paper withBorder radius="md" p="xl">
                <Stack align="center" gap={4}>
                  <IconBolt size={28} />
                  <Text fw={600}>{t('emptyTitle')}</Text>
                  <Text size="sm" c="dimmed" ta="center">
                    {t('emptyBody')}
                  </Text>
                </Stack>
              </Paper>
            ) : (
              <Paper withBorder radius="md" role="list" aria-label={t('title')}>
                {list.map((rule, index) => (
                  <Group
                    key={rule.id}
                    role="listitem"
                    justify="space-between"
                    align="flex-start"
                    wrap="nowrap"
                    gap="sm"
                    px="md"
                    py="sm"
                    style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                    data-testid="workflow-rule-row"
                  >
                    <Box style={{ minWidth: 0 }}>
                      <Group gap="xs">
                        <Text size="sm" fw={600}>
                          {rule.name}
                        </Text>
                        {!rule.enabled && (
                          <Badge size="sm" variant="light" color="gray">
                            {t('disabled')}
                          </Badge>
                        )}
                      </Group>
                      {rule.description && (
                        <Text size="xs" c="dimmed">
                          {rule.description}
                        </Text>
                      )}
                      <Group gap={4} mt={4}>
                        <Badge variant="outline" color="grape" tt="none">
                          {moduleLabel(rule.module)}
                        </Badge>
                        <Badge variant="light" tt="none">
                          {rule.trigger === 'field_update' ? t('triggerOn', { field: rule.triggerField }) : t(`trigger.${rule.trigger}`)}
                        </Badge>
                        <Badge variant="light" color="gray" tt="none">
                          {t('actionsCount', { count: rule.actions.length })}
                        </Badge>
                        {rule.scheduled.length > 0 && (
                          <Badge variant="light" color="gray" tt="none">
                            {t('scheduledCount', { count: rule.scheduled.length })}
                          </Badge>
                        )}
                      </Group>
                    </Box>
                    <Group gap={2} wrap="nowrap">
                      <Switch
                        aria-label={t('enabledNamed', { name: rule.name })}
                        checked={rule.enabled}
                        onChange={(event) => toggle(rule, event.currentTarget.checked)}
                        mr="xs"
                      />
                      <TooltipIconButton
                        tooltip={t('log')}
                        label={t('logNamed', { name: rule.name })}
                        color="gray"
                        icon={<IconListDetails size={18} />}
                        onClick={() => setLogOf(rule)}
                      />
                      <TooltipIconButton
                        tooltip={t('test')}
                        label={t('testNamed', { name: rule.name })}
                        color="gray"
                        icon={<IconFlask size={18} />}
                        onClick={() => setTesting(rule)}
                      />
                      <TooltipIconButton
                        tooltip={t('app:common.edit')}
                        label={t('editNamed', { name: rule.name })}
                        color="gray"
                        icon={<IconPencil size={18} />}
                        onClick={() => setDialog({ mode: 'edit', rule })}
                      />
                      <TooltipIconButton
                        tooltip={t('app:common.delete')}
                        label={t('deleteNamed', { name: rule.name })}
                        color="red"
                        icon={<IconTrash size={18} />}
                        onClick={() => setDeleting(rule)}
                      />
                    </Group>
                  </Group>
                ))}
              </Paper>
            )}
          </Stack>
        )}
      </SettingsListPage>
      <RuleEditorModal dialog={dialog} onClose={() => setDialog(null)} />
      <ExecutionLogModal rule={logOf} onClose={() => setLogOf(null)} />
      <TestRuleModal rule={testing} onClose={() => setTesting(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('deleteNamed', { name: deleting?.name ?? '' })}
        message={t('confirmDelete', { name: deleting?.name ?? '' })}
        doneMessage={t('deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
