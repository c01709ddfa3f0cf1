import { useState } from 'react';
import { ActionIcon, Button, Checkbox, Group, Select, Table, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { noActions, PROFILE_ACTIONS, type ModuleActions, type ProfileAction } from '../hooks/use-profiles';
import { moduleLabeler, useModules } from '../hooks/use-modules';

export interface ModuleRow {
  module: string;
  actions: ModuleActions;
}

interface PermissionMatrixProps {
  rows: ModuleRow[];
  onChange: (rows: ModuleRow[]) => void;
  readOnly?: boolean;
}

/** Rows are modules ('*' = every module without its own row), columns the six actions. */
export function PermissionMatrix({ rows, onChange, readOnly }: PermissionMatrixProps) {
  const { t } = useTranslation('settings');
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const modules = useModules();
  const labelOf = moduleLabeler(modules.data);
  const label = (module: string) => (module === '*' ? t('profiles.allModules') : labelOf(module));

  const setAction = (module: string, action: ProfileAction, value: boolean) =>
    onChange(rows.map((row) => (row.module === module ? { ...row, actions: { ...row.actions, [action]: value } } : row)));
  const setRow = (module: string, value: boolean) =>
    onChange(
      rows.map((row) =>
        row.module === module
          ? { ...row, actions: Object.fromEntries(PROFILE_ACTIONS.map((action) => [action, value])) as ModuleActions }
          : row,
      ),
    );

  function handleAdd() {
    const module = adding;
    if (!module) return setAddError(t('modules.pick'));
    if (rows.some((row) => row.module === module)) return setAddError(t('modules.duplicate'));
    // A new row starts from what '*' grants, so adding it changes nothing until edited.
    const base = rows.find((row) => row.module === '*')?.actions ?? noActions();
    onChange([...rows, { module, actions: { ...base } }]);
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
              const granted = PROFILE_ACTIONS.filter((action) => row.actions[action]).length;
              return (
                <Table.Tr key={row.module} data-testid="permission-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {row.module === '*' ? (
                      <Text size="sm" fw={600}>
                        {label(row.module)}
                      </Text>
                    ) : (
                      <Text size="sm">{label(row.module)}</Text>
                    )}
                  </Table.Td>
                  {PROFILE_ACTIONS.map((action) => (
                    <Table.Td key={action}>
                      <Group justify="center">
                        <Checkbox
                          aria-label={t('profiles.actionOn', { action: t(`profiles.actions.${action}`), module: label(row.module) })}
                          checked={row.actions[action]}
                          disabled={readOnly}
                          onChange={(event) => setAction(row.module, action, event.currentTarget.checked)}
                        />
                      </Group>
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Group justify="center">
                      <Checkbox
                        aria-label={t('profiles.allActionsOn', { module: label(row.module) })}
                        checked={granted === PROFILE_ACTIONS.length}
                        indeterminate={granted > 0 && granted < PROFILE_ACTIONS.length}
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
            data={(modules.data ?? [])
              .filter((module) => !rows.some((row) => row.module === module.apiName))
              .map((module) => ({ value: module.apiName, label: module.pluralLabel }))}
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
