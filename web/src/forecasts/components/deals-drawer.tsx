import { Alert, Anchor, Button, Drawer, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { FieldValue } from '../../records/components/field-value';
import { useModule } from '../../records/hooks/use-records';
import { recordName } from '../../records/format';
import { useForecastDeals, type DealsQuery } from '../api';

const COLUMNS = ['account_id', 'stage', 'forecast_category', 'amount', 'close_date', 'owner_id'];

/** The deals behind a forecast number, as the deals list shows them. */
export function DealsDrawer({ query, title, onClose }: { query: DealsQuery | null; title: string; onClose: () => void }) {
  const { t } = useTranslation('forecasts');
  return (
    <Drawer
      opened={query !== null}
      onClose={onClose}
      position="right"
      size={960}
      title={<Title order={3}>{title}</Title>}
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      {query && <DealsList query={query} />}
    </Drawer>
  );
}

function DealsList({ query }: { query: DealsQuery }) {
  const { t } = useTranslation('forecasts');
  const deals = useForecastDeals(query);
  const module = useModule('deals');
  if (deals.isError) return <Alert color="red">{errorMessage(deals.error, t)}</Alert>;
  if (!deals.data || !module.data) return <Skeleton height={200} />;
  const fields = COLUMNS.map((name) => module.data.fields.find((field) => field.apiName === name)).filter((field) => field !== undefined);
  const display = Object.assign({}, ...deals.data.pages.map((page) => page.display)) as Record<string, string>;
  const records = deals.data.pages.flatMap((page) => page.data);
  const total = deals.data.pages[0]?.total?.value ?? records.length;
  if (records.length === 0) return <Text c="dimmed">{t('noDeals')}</Text>;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('dealsCount', { count: total })}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped aria-label={t('deal')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('deal')}</Table.Th>
              {fields.map((field) => (
                <Table.Th key={field.apiName}>{field.label}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {records.map((record) => (
              <Table.Tr key={record.id}>
                <Table.Td>
                  <Anchor component={Link} to="/records/$module/$id" params={{ module: 'deals', id: record.id } as never} size="sm">
                    {recordName(record, module.data.displayFields) || record.id}
                  </Anchor>
                </Table.Td>
                {fields.map((field) => (
                  <Table.Td key={field.apiName}>
                    <FieldValue field={field} record={record} display={display} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deals.hasNextPage && (
        <Button variant="light" onClick={() => void deals.fetchNextPage()} loading={deals.isFetchingNextPage}>
          {t('loadMore')}
        </Button>
      )}
    </Stack>
  );
}
