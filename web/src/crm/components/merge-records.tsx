import { useState } from 'react';
import { Alert, Button, Group, Radio, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { useMergeRecords, useModule, useRecords, type ApiRecord } from '../hooks/use-crm';

const show = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
};

/**
 * The merge screen for two or three records of a module: pick the record
 * that stays, then per field (only fields whose values differ) the value it
 * keeps. Reachable from a duplicate warning and a list's selection.
 */
export function MergeRecords({ module, ids, onMerged }: { module: string; ids: string[]; onMerged?: (masterId: string) => void }) {
  const { t } = useTranslation('crm');
  const meta = useModule(module);
  const merge = useMergeRecords(module);
  const records = useRecords(module, ids, !merge.isSuccess);
  const [master, setMaster] = useState<string>(ids[0] ?? '');
  const [choices, setChoices] = useState<Record<string, string>>({});

  if (ids.length < 2 || ids.length > 3) return <Alert color="yellow">{t('merge.needTwo')}</Alert>;
  if (merge.isSuccess)
    return (
      <Alert color="green" data-testid="merge-done">
        {t('merge.done')}
      </Alert>
    );
  if (meta.isPending || records.isPending) return <PageLoader />;
  if (meta.isError || records.isError) return <Alert color="red">{errorMessage(meta.error ?? records.error, t)}</Alert>;

  const rows: ApiRecord[] = records.data;
  const differing = meta.data.fields.filter(
    (field) =>
      !field.readOnly && field.apiName in rows[0]! && new Set(rows.map((row) => JSON.stringify(row[field.apiName] ?? null))).size > 1,
  );
  const chosen = (field: string) => choices[field] ?? master;
  const name = (row: ApiRecord) =>
    (meta.data.displayFields ?? ['name'])
      .map((f) => show(row[f]))
      .filter(Boolean)
      .join(' ') || row.id;

  const submit = () => {
    const values: Record<string, string> = {};
    for (const field of differing) values[field.apiName] = chosen(field.apiName);
    merge.mutate({ masterId: master, otherIds: ids.filter((id) => id !== master), values }, { onSuccess: () => onMerged?.(master) });
  };

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('merge.intro')}
      </Text>
      <ScrollArea>
        <Table withTableBorder striped data-testid="merge-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('merge.field')}</Table.Th>
              {rows.map((row, i) => (
                <Table.Th key={row.id}>
                  <Radio
                    name="master"
                    checked={master === row.id}
                    onChange={() => setMaster(row.id)}
                    label={`${t('merge.master')}: ${name(row)}`}
                    aria-label={`${t('merge.master')}: ${t('merge.record', { n: i + 1 })}`}
                  />
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {differing.map((field) => (
              <Table.Tr key={field.apiName}>
                <Table.Td>{field.label}</Table.Td>
                {rows.map((row) => (
                  <Table.Td key={row.id}>
                    <Radio
                      name={`field-${field.apiName}`}
                      checked={chosen(field.apiName) === row.id}
                      onChange={() => setChoices((c) => ({ ...c, [field.apiName]: row.id }))}
                      label={show(row[field.apiName]) || t('merge.empty')}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {merge.isError && <Alert color="red">{errorMessage(merge.error, t)}</Alert>}
      <Group justify="flex-end">
        <Button onClick={submit} loading={merge.isPending}>
          {t('merge.submit')}
        </Button>
      </Group>
    </Stack>
  );
}
