import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useGroups } from '../hooks/use-groups';
import { moduleLabeler, useModules } from '../hooks/use-modules';
import { useRoles } from '../hooks/use-roles';
import {
  RULE_PARTIES,
  useCreateSharingRule,
  useDeleteSharingRule,
  useSharingRules,
  type RuleAccess,
  type RuleParty,
  type SharingRuleInput,
} from '../hooks/use-sharing-rules';
import { fieldErrorUnder, notifyFailure, notifySuccess } from './feedback';
import { QueryBoundary } from './settings-states';

const EMPTY: SharingRuleInput = {
  module: '',
  name: '',
  sourceType: 'role',
  sourceId: '',
  targetType: 'role',
  targetId: '',
  access: 'read',
};

/** Settings → Sharing: the rules that share one role's or group's records with another, per module. */
export function SharingRulesSection() {
  const { t } = useTranslation('settings');
  const rules = useSharingRules();
  const modules = useModules();
  const roles = useRoles();
  const groups = useGroups();
  const create = useCreateSharingRule();
  const remove = useDeleteSharingRule();
  const [draft, setDraft] = useState<SharingRuleInput>(EMPTY);
  const labelOf = moduleLabeler(modules.data);
  const set = (patch: Partial<SharingRuleInput>) => setDraft((current) => ({ ...current, ...patch }));
  const parties = RULE_PARTIES.map((party) => ({ value: party, label: t(`sharingRules.parties.${party}`) }));
  const accessLevels = (['read', 'read_write'] as const).map((level) => ({ value: level, label: t(`sharingRules.access.${level}`) }));
  const choices = (type: RuleParty) =>
    type === 'group'
      ? (groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))
      : (roles.data ?? []).map((role) => ({ value: role.id, label: role.name }));
  const errorFor = (field: string) => fieldErrorUnder(create.error, field);

  function submit() {
    create.mutate(draft, {
      onSuccess: () => {
        notifySuccess(t('sharingRules.created'));
        setDraft(EMPTY);
      },
    });
  }

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
      <Stack gap="md">
        <div>
          <Title order={3} size="h5">
            {t('sharingRules.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('sharingRules.description')}
          </Text>
        </div>
        <QueryBoundary query={rules}>
          {(list) =>
            list.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('sharingRules.empty')}
              </Text>
            ) : (
              <Table verticalSpacing="sm" aria-label={t('sharingRules.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('sharingRules.name')}</Table.Th>
                    <Table.Th>{t('sharing.module')}</Table.Th>
                    <Table.Th>{t('sharingRules.source')}</Table.Th>
                    <Table.Th>{t('sharingRules.target')}</Table.Th>
                    <Table.Th>{t('sharing.access')}</Table.Th>
                    <Table.Th w={48} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((rule) => (
                    <Table.Tr key={rule.id} data-testid="sharing-rule-row">
                      <Table.Td>{rule.name}</Table.Td>
                      <Table.Td>{labelOf(rule.module)}</Table.Td>
                      <Table.Td>
                        {rule.sourceName ?? '—'}{' '}
                        <Text span size="xs" c="dimmed">
                          ({t(`sharingRules.parties.${rule.sourceType}`)})
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {rule.targetName ?? '—'}{' '}
                        <Text span size="xs" c="dimmed">
                          ({t(`sharingRules.parties.${rule.targetType}`)})
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={rule.access === 'read' ? 'blue' : 'grape'}>
                          {t(`sharingRules.access.${rule.access}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('sharingRules.delete', { name: rule.name })}
                          loading={remove.isPending && remove.variables === rule.id}
                          onClick={() =>
                            remove.mutate(rule.id, {
                              onSuccess: () => notifySuccess(t('sharingRules.deleted')),
                              onError: (error) => notifyFailure(errorMessage(error, t)),
                            })
                          }
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </QueryBoundary>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Stack gap="xs">
            <Group align="flex-start" gap="xs" grow>
              <TextInput
                label={t('sharingRules.name')}
                value={draft.name}
                onChange={(event) => set({ name: event.currentTarget.value })}
                error={errorFor('name')}
              />
              <Select
                label={t('sharing.module')}
                data={(modules.data ?? []).map((module) => ({ value: module.apiName, label: module.pluralLabel }))}
                value={draft.module || null}
                onChange={(value) => set({ module: value ?? '' })}
                searchable
                error={errorFor('module')}
              />
              <Select
                label={t('sharing.access')}
                data={accessLevels}
                value={draft.access}
                allowDeselect={false}
                onChange={(value) => value && set({ access: value as RuleAccess })}
              />
            </Group>
            <Group align="flex-start" gap="xs" grow>
              <Select
                label={t('sharingRules.sourceType')}
                data={parties}
                value={draft.sourceType}
                allowDeselect={false}
                onChange={(value) => value && set({ sourceType: value as RuleParty, sourceId: '' })}
              />
              <Select
                label={t('sharingRules.source')}
                data={choices(draft.sourceType)}
                value={draft.sourceId || null}
                onChange={(value) => set({ sourceId: value ?? '' })}
                searchable
                error={errorFor('sourceId')}
              />
              <Select
                label={t('sharingRules.targetType')}
                data={parties}
                value={draft.targetType}
                allowDeselect={false}
                onChange={(value) => value && set({ targetType: value as RuleParty, targetId: '' })}
              />
              <Select
                label={t('sharingRules.target')}
                data={choices(draft.targetType)}
                value={draft.targetId || null}
                onChange={(value) => set({ targetId: value ?? '' })}
                searchable
                error={errorFor('targetId')}
              />
            </Group>
            {create.error && !['name', 'module', 'sourceId', 'targetId'].some((f) => errorFor(f)) ? (
              <Text size="sm" c="red">
                {errorMessage(create.error, t)}
              </Text>
            ) : null}
            <Group justify="flex-end">
              <Button
                type="submit"
                leftSection={<IconPlus size={16} />}
                loading={create.isPending}
                disabled={!draft.name.trim() || !draft.module || !draft.sourceId || !draft.targetId}
              >
                {t('sharingRules.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
