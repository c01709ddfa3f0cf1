import { ActionIcon, Button, Group, Select, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { FieldAccess } from '../hooks/use-profiles';
import { useModules } from '../hooks/use-modules';

export interface FieldRow {
  key: number;
  module: string;
  field: string;
  access: FieldAccess;
}

let nextKey = 1;
export function newFieldRow(values: Omit<FieldRow, 'key'>): FieldRow {
  return { key: nextKey++, ...values };
}

interface FieldPermissionsEditorProps {
  rows: FieldRow[];
  onChange: (rows: FieldRow[]) => void;
  errors: Record<number, { module?: string; field?: string }>;
  readOnly?: boolean;
}

/** Field rules: a module and field API name, hidden or read-only. Fields not listed are editable. */
export function FieldPermissionsEditor({ rows, onChange, errors, readOnly }: FieldPermissionsEditorProps) {
  const { t } = useTranslation('settings');
  const modules = useModules();
  const moduleData = (current: string) => {
    const data = (modules.data ?? []).map((module) => ({ value: module.apiName, label: module.pluralLabel }));
    // A rule saved for a module not in the list (hidden, or not loaded yet) keeps showing its API name.
    return current && !data.some((entry) => entry.value === current) ? [{ value: current, label: current }, ...data] : data;
  };
  const change = (key: number, patch: Partial<FieldRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const accessData = [
    { value: 'hidden', label: t('profiles.fields.hidden') },
    { value: 'read_only', label: t('profiles.fields.readOnly') },
  ];
  return (
    <>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('profiles.fields.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={6} aria-label={t('profiles.fields.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('profiles.module')}</Table.Th>
                <Table.Th>{t('profiles.fields.field')}</Table.Th>
                <Table.Th w={180}>{t('profiles.fields.access')}</Table.Th>
                {!readOnly && <Table.Th w={48} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.key} data-testid="field-rule-row">
                  <Table.Td>
                    <Select
                      aria-label={t('profiles.module')}
                      placeholder={t('modules.pick')}
                      data={moduleData(row.module)}
                      value={row.module || null}
                      readOnly={readOnly}
                      searchable
                      onChange={(value) => change(row.key, { module: value ?? '' })}
                      error={errors[row.key]?.module}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={t('profiles.fields.field')}
                      placeholder={t('profiles.fields.fieldPlaceholder')}
                      value={row.field}
                      readOnly={readOnly}
                      onChange={(event) => change(row.key, { field: event.currentTarget.value })}
                      error={errors[row.key]?.field}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('profiles.fields.access')}
                      data={accessData}
                      value={row.access}
                      allowDeselect={false}
                      disabled={readOnly}
                      onChange={(value) => value && change(row.key, { access: value as FieldAccess })}
                    />
                  </Table.Td>
                  {!readOnly && (
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('profiles.fields.remove', { field: row.field || '—' })}
                        onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {!readOnly && (
        <Group>
          <Button
            variant="light"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange([...rows, newFieldRow({ module: '', field: '', access: 'read_only' })])}
          >
            {t('profiles.fields.add')}
          </Button>
        </Group>
      )}
    </>
  );
}
