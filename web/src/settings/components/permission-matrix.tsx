import { useState } from 'react';
import { ActionIcon, Button, Checkbox, Group, Select, Table, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { PROFILE_ACTIONS, type ModuleActions, type ProfileAction } from '../hooks/use-profiles';
import { moduleLabeler, useModules } from '../hooks/use-modules';
import { actionsOf, allActions, isNonModulePermission, newRowActions, NON_MODULE_PERMISSIONS } from './permission-keys';

export interface ModuleRow {
  module: string;
  actions: ModuleActions;
}

interface PermissionMatrixProps {
  rows: ModuleRow[];
  onChange: (rows: ModuleRow[]) => void;
  readOnly?: boolean;
}

/**
 * Rows are modules ('*' = every module without its own row) and the permissions that are not modules (KAM surveys),
 * columns the six actions; a non-module row offers only the actions that mean something for it.
 */
export function PermissionMatrix({ rows, onChange, readOnly }: PermissionMatrixProps) {
  const { t } = useTranslation('settings');
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const modules = useModules();
  const labelOf = moduleLabeler(modules.data);
  const label = (module: string) =>
    module === '*' ? t('profiles.allModules') : isNonModulePermission(module) ? t(`profiles.other.${module}.label`) : labelOf(module);

  const setAction = (module: string, action: ProfileAction, value: boolean) =>
    onChange(rows.map((row) => (row.module === module ? { ...row, actions: { ...row.actions, [action]: value } } : row)));
  const setRow = (module: string, value: boolean) =>
    onChange(rows.map((row) => (row.module === module ? { ...row, actions: allActions(module, value) } : row)));

  function handleAdd() {
    const module = adding;
    if (!module) return setAddError(t('modules.pick'));
    if (rows.some((row) => row.module === module)) return setAddError(t('modules.duplicate'));
    onChange([...rows, { module, actions: newRowActions(module, rows.find((row) => row.module === '*')?.actions) }]);
    setAdding('');
    setAddError(null);
  }

  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing={8} withTableBorder withColumnBorders aria-label={t('profiles.matrix')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('profiles.module')}</Table.Th>
              {PROFILE_ACTIONS.map((action) => (
                <Table.Th key={action} ta="center" w={84}>
                  {t(`profiles.actions.${action}`)}
                </Table.Th>
              ))}
              <Table.Th ta="center" w={70}>
                {t('profiles.allActions')}
              </Table.Th>
              {!readOnly && <Table.Th w={48} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const offered = actionsOf(row.module);
              const granted = offered.filter((action) => row.actions[action]).length;
              return (
                <Table.Tr key={row.module} data-testid="permission-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {row.module === '*' ? (
                      <Text size="sm" fw={600}>
                        {label(row.module)}
                      </Text>
                    ) : isNonModulePermission(row.module) ? (
                      <>
                        <Text size="sm">{label(row.module)}</Text>
                        <Text size="xs" c="dimmed" style={{ whiteSpace: 'normal' }}>
                          {t(`profiles.other.${row.module}.hint`)}
                        </Text>
                      </>
                    ) : (
                      <Text size="sm">{label(row.module)}</Text>
                    )}
                  </Table.Td>
                  {PROFILE_ACTIONS.map((action) => (
                    <Table.Td key={action}>
                      <Group justify="center">
                        {offered.includes(action) ? (
                          <Checkbox
                            aria-label={t('profiles.actionOn', { action: t(`profiles.actions.${action}`), module: label(row.module) })}
                            checked={row.actions[action]}
                            disabled={readOnly}
                            onChange={(event) => setAction(row.module, action, event.currentTarget.checked)}
                          />
                        ) : (
                          <Text size="sm" c="dimmed" title={t('profiles.notApplicable')} aria-label={t('profiles.notApplicable')}>
                            —
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Group justify="center">
                      <Checkbox
                        aria-label={t('profiles.allActionsOn', { module: label(row.module) })}
                        checked={granted === offered.length}
                        indeterminate={granted > 0 && granted < offered.length}
                        disabled={readOnly}
                        onChange={(event) => setRow(row.module, event.currentTarget.checked)}
                      />
                    </Group>
                  </Table.Td>
                  {!readOnly && (
                    <Table.Td>
                      {row.module !== '*' && (
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('profiles.removeModule', { module: label(row.module) })}
                          onClick={() => onChange(rows.filter((other) => other.module !== row.module))}
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!readOnly && (
        <Group align="flex-start" gap="xs">
          <Select
            aria-label={t('sharing.module')}
            placeholder={t('modules.pick')}
            data={[
              {
                group: t('profiles.modulesGroup'),
                items: (modules.data ?? [])
                  .filter((module) => !rows.some((row) => row.module === module.apiName))
                  .map((module) => ({ value: module.apiName, label: module.pluralLabel })),
              },
              {
                group: t('profiles.otherGroup'),
                items: Object.keys(NON_MODULE_PERMISSIONS)
                  .filter((key) => !rows.some((row) => row.module === key))
                  .map((key) => ({ value: key, label: label(key) })),
              },
            ].filter((group) => group.items.length > 0)}
            value={adding || null}
            onChange={(value) => setAdding(value ?? '')}
            searchable
            error={addError}
            w={240}
          />
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={handleAdd}>
            {t('profiles.addModule')}
          </Button>
        </Group>
      )}
    </>
  );
}
