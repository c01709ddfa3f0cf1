import { Anchor, Button, Drawer, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { formatValue, recordName } from '../../records/format';
import { useModule } from '../../records/hooks/use-records';
import { reportsApi, type GroupKeys, type ReportDefinition } from '../api';

export interface DrillTarget {
  keys: GroupKeys;
  label: string;
}

/**
 * The records behind a bar, slice, point, group row or matrix cell: the report's filter and period plus the group's
 * keys, paged, each one a link to its record page.
 */
export function DrillDrawer({
  source,
  definition,
  target,
  onClose,
}: {
  /** A saved report (its id) or the definition being built. */
  source: { id: string } | { definition: ReportDefinition };
  definition: ReportDefinition;
  target: DrillTarget | null;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('reports');
  const me = useMe();
  const module = useModule(definition.module);
  const query = useInfiniteQuery({
    queryKey: ['reports', 'drill', 'id' in source ? source.id : source.definition, target?.keys ?? null],
    queryFn: ({ pageParam }) => reportsApi.records(source, target!.keys, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: target !== null,
  });
  const records = query.data?.pages.flatMap((page) => page.data) ?? [];
  const display = Object.assign({}, ...(query.data?.pages.map((page) => page.display ?? {}) ?? []));
  const fields = module.data?.fields ?? [];
  // Beside each name: the fields the report sums or averages (the amount behind a revenue bar), then the groupings.
  const shownNames = [
    ...(definition.aggregates ?? []).map((aggregate) => aggregate.field),
    ...(definition.groupBy ?? []).map((group) => group.field),
  ].filter((name, index, all): name is string => !!name && !name.includes('.') && all.indexOf(name) === index);
  const shown = shownNames
    .map((name) => fields.find((field) => field.apiName === name))
    .filter((field) => !!field)
    .slice(0, 3);
  const context = {
    language: i18n.language,
    currency: me.data?.organization.currency ?? 'EUR',
    timeZone: me.data?.user.timeZone ?? undefined,
    display,
  };

  return (
    <Drawer
      opened={target !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={t('drill.title', { label: target?.label ?? '' })}
      closeButtonProps={{ 'aria-label': t('drill.close') }}
    >
      {query.isPending ? (
        <Loader size="sm" />
      ) : query.isError ? (
        <Text c="red">{errorMessage(query.error, t)}</Text>
      ) : records.length === 0 ? (
        <Text c="dimmed">{t('drill.empty')}</Text>
      ) : (
        <Stack gap="sm">
          <Table highlightOnHover data-testid="drill-records">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('drill.record')}</Table.Th>
                {shown.map((field) => (
                  <Table.Th key={field.apiName}>{field.label}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.map((record) => (
                <Table.Tr key={record.id} data-testid="drill-record">
                  <Table.Td>
                    <Anchor component={Link} to={`/records/${definition.module}/${record.id}`} size="sm">
                      {recordName(record, module.data?.displayFields ?? []) || record.id}
                    </Anchor>
                  </Table.Td>
                  {shown.map((field) => (
                    <Table.Td key={field.apiName}>{formatValue(field, record[field.apiName], context, record)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('drill.count', { count: records.length })}
            </Text>
            {query.hasNextPage && (
              <Button variant="light" size="xs" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                {t('drill.more')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
