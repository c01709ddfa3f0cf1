import { useState } from 'react';
import { Button, Group, List, Loader, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconLock, IconEye, IconPencil, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { moduleLabeler, useModules } from '../hooks/use-modules';
import { SharingRulesSection } from '../components/sharing-rules-section';
import { SHARING_LEVELS, usePutSharing, useSharing, type SharingAccess } from '../hooks/use-sharing';
import { SettingsPageHeader } from '../components/settings-page-header';
import { QueryBoundary } from '../components/settings-states';
import { fieldErrorUnder, notifyFailure, notifySuccess } from '../components/feedback';

const LEVEL_ICONS = { private: IconLock, public_read: IconEye, public_read_write: IconPencil };

/** /settings/sharing: who sees whose records, per module, before roles, groups and sharing rules widen it. */
export function SharingPage() {
  const { t } = useTranslation('settings');
  const sharing = useSharing();
  const put = usePutSharing();
  const add = usePutSharing();
  const [module, setModule] = useState('');
  const [access, setAccess] = useState<SharingAccess>('public_read');
  const [moduleError, setModuleError] = useState<string | null>(null);
  const modules = useModules();
  const labelOf = moduleLabeler(modules.data);
  const levels = SHARING_LEVELS.map((level) => ({ value: level, label: t(`sharing.levels.${level}`) }));

  function handleChange(name: string, value: SharingAccess) {
    put.mutate(
      { module: name, access: value },
      {
        onSuccess: () => notifySuccess(t('sharing.saved', { module: labelOf(name), access: t(`sharing.levels.${value}`) })),
        onError: (error) => notifyFailure(errorMessage(error, t)),
      },
    );
  }

  function handleAdd(existing: string[]) {
    const name = module;
    if (!name) return setModuleError(t('modules.pick'));
    if (existing.includes(name)) return setModuleError(t('modules.duplicate'));
    setModuleError(null);
    add.mutate(
      { module: name, access },
      {
        onSuccess: () => {
          notifySuccess(t('sharing.saved', { module: labelOf(name), access: t(`sharing.levels.${access}`) }));
          setModule('');
        },
      },
    );
  }

  return (
    <>
      <SettingsPageHeader title={t('sections.sharing')} description={t('sharing.description')} />
      <Stack gap="lg" maw={860}>
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Title order={3} size="h5" mb="xs">
            {t('sharing.levelsTitle')}
          </Title>
          <List spacing={6} size="sm" center>
            {SHARING_LEVELS.map((level) => {
              const LevelIcon = LEVEL_ICONS[level];
              return (
                <List.Item key={level} icon={<LevelIcon size={16} color="var(--mantine-color-blue-6)" />}>
                  <Text span fw={600} size="sm">
                    {t(`sharing.levels.${level}`)}
                  </Text>
                  {' — '}
                  {t(`sharing.explain.${level}`)}
                </List.Item>
              );
            })}
          </List>
        </Paper>
        <QueryBoundary query={sharing}>
          {(list) => (
            <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
              <Stack gap="md">
                {list.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('sharing.empty')}
                  </Text>
                ) : (
                  <Table verticalSpacing="sm" aria-label={t('sections.sharing')}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('sharing.module')}</Table.Th>
                        <Table.Th w={280}>{t('sharing.access')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {[...list]
                        .sort((a, b) => a.module.localeCompare(b.module))
                        .map((entry) => {
                          const saving = put.isPending && put.variables?.module === entry.module;
                          return (
                            <Table.Tr key={entry.module} data-testid="sharing-row">
                              <Table.Td>{labelOf(entry.module)}</Table.Td>
                              <Table.Td>
                                <Select
                                  aria-label={t('sharing.accessFor', { module: labelOf(entry.module) })}
                                  data={levels}
                                  value={saving ? (put.variables?.access ?? entry.access) : entry.access}
                                  allowDeselect={false}
                                  disabled={saving}
                                  rightSection={saving ? <Loader size={14} /> : undefined}
                                  onChange={(value) =>
                                    value && value !== entry.access && handleChange(entry.module, value as SharingAccess)
                                  }
                                />
                              </Table.Td>
                            </Table.Tr>
                          );
                        })}
                    </Table.Tbody>
                  </Table>
                )}
                <Text size="xs" c="dimmed">
                  {t('sharing.defaultNote')}
                </Text>
                <form
                  noValidate
                  onSubmit={(event) => {
                    event.preventDefault();
                    handleAdd(list.map((entry) => entry.module));
                  }}
                >
                  <Group align="flex-start" gap="xs">
                    <Select
                      label={t('sharing.module')}
                      placeholder={t('modules.pick')}
                      data={(modules.data ?? [])
                        .filter((entry) => !list.some((row) => row.module === entry.apiName))
                        .map((entry) => ({ value: entry.apiName, label: entry.pluralLabel }))}
                      value={module || null}
                      onChange={(value) => setModule(value ?? '')}
                      searchable
                      error={moduleError ?? fieldErrorUnder(add.error, 'module') ?? (add.error ? errorMessage(add.error, t) : undefined)}
                      style={{ flex: '1 1 200px' }}
                    />
                    <Select
                      label={t('sharing.access')}
                      data={levels}
                      value={access}
                      onChange={(value) => value && setAccess(value as SharingAccess)}
                      allowDeselect={false}
                      style={{ flex: '1 1 200px' }}
                    />
                    <Button type="submit" mt={25} leftSection={<IconPlus size={16} />} loading={add.isPending}>
                      {t('sharing.add')}
                    </Button>
                  </Group>
                </form>
              </Stack>
            </Paper>
          )}
        </QueryBoundary>
        <SharingRulesSection />
      </Stack>
    </>
  );
}
