import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  Paper,
  Popover,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconColumns, IconFilter, IconLayoutKanban, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import type { Field, ModuleDetail, SavedView, SortEntry } from '../api';
import { recordName } from '../format';
import { useModule, useRecordList } from '../hooks/use-records';
import { FieldValue } from '../components/field-value';
import { countConditions, FilterBuilder, fromFilter, toFilter, type FilterGroup } from '../components/filter-builder';
import { SavedViewsMenu } from '../components/saved-views-menu';
import { MassActions } from '../components/mass-actions';

/** The columns a list starts with: the layout's first fields (no long texts), at most six. */
function defaultColumns(module: ModuleDetail): string[] {
  const first = module.layout.flatMap((section) => section.fields);
  const usable = new Set(module.fields.filter((field) => field.type !== 'long_text').map((field) => field.apiName));
  return [...new Set(first.filter((name) => usable.has(name)))].slice(0, 6);
}

/** /records/:module — the list view. */
export function RecordListPage() {
  const { t } = useTranslation('records');
  const { module: moduleName } = useParams({ strict: false }) as { module: string };
  const module = useModule(moduleName);
  if (module.isError) return <Alert color="red">{errorMessage(module.error, t)}</Alert>;
  if (!module.data) return <PageLoader />;
  return <RecordList key={moduleName} module={module.data} />;
}

function RecordList({ module }: { module: ModuleDetail }) {
  const { t } = useTranslation('records');
  const navigate = useNavigate();
  const [columns, setColumns] = useState<string[]>(() => defaultColumns(module));
  const [sort, setSort] = useState<SortEntry[]>([]);
  const [filterGroup, setFilterGroup] = useState<FilterGroup>({ kind: 'and', items: [] });
  const [filterOpen, setFilterOpen] = useState(false);
  const [view, setView] = useState<SavedView | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const filter = useMemo(() => toFilter(filterGroup), [filterGroup]);
  const byName = useMemo(() => new Map(module.fields.map((field) => [field.apiName, field])), [module]);
  const shown = columns.map((name) => byName.get(name)).filter((field): field is Field => !!field);
  const fields = [
    ...new Set([...columns, ...module.displayFields, ...(module.fields.some((f) => f.apiName === 'currency') ? ['currency'] : [])]),
  ].filter((name) => byName.has(name));
  const list = useRecordList(module.apiName, { filter, sort: sort.length ? sort : undefined, fields });
  const records = list.data?.pages.flatMap((page) => page.data) ?? [];
  const display = Object.assign({}, ...(list.data?.pages.map((page) => page.display) ?? []));
  const total = list.data?.pages[0]?.total;
  const conditions = countConditions(filterGroup);
  const allSelected = records.length > 0 && records.every((record) => selected.has(record.id));

  const applyView = (next: SavedView | null) => {
    setView(next);
    setSelected(new Set());
    setColumns(next?.columns?.length ? next.columns : defaultColumns(module));
    setSort(next?.sort ?? []);
    setFilterGroup(fromFilter(next?.filter));
  };

  const toggleSort = (apiName: string) => {
    const current = sort[0]?.field === apiName ? sort[0].direction : undefined;
    setSort(current === 'asc' ? [{ field: apiName, direction: 'desc' }] : current === 'desc' ? [] : [{ field: apiName, direction: 'asc' }]);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>{module.pluralLabel}</Title>
          {total && (
            <Text size="sm" c="dimmed" data-testid="list-total">
              {t(total.exact ? 'list.total' : 'list.totalApprox', { count: total.value })}
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          {module.apiName === 'deals' && (
            <Button component={Link} to="/records/deals/board" variant="default" leftSection={<IconLayoutKanban size={16} />}>
              {t('list.board')}
            </Button>
          )}
          {module.permissions.create && (
            <Button
              component={Link}
              to="/records/$module/new"
              params={{ module: module.apiName } as never}
              leftSection={<IconPlus size={16} />}
            >
              {t('list.newNamed', { name: module.label })}
            </Button>
          )}
        </Group>
      </Group>

      <Group gap="xs">
        <SavedViewsMenu module={module.apiName} current={view} onPick={applyView} state={{ columns, sort, filter: filter ?? null }} />
        <Popover opened={filterOpen} onChange={setFilterOpen} width={720} position="bottom-start" shadow="md" trapFocus>
          <Popover.Target>
            <Button
              variant={conditions ? 'light' : 'default'}
              leftSection={<IconFilter size={16} />}
              onClick={() => setFilterOpen((o) => !o)}
            >
              {conditions ? t('list.filterCount', { count: conditions }) : t('list.filter')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <FilterBuilder
              fields={module.fields}
              value={filterGroup}
              onApply={(group) => {
                setFilterGroup(group);
                setSelected(new Set());
                setFilterOpen(false);
              }}
            />
          </Popover.Dropdown>
        </Popover>
        <Menu closeOnItemClick={false} position="bottom-start" shadow="md">
          <Menu.Target>
            <Button variant="default" leftSection={<IconColumns size={16} />}>
              {t('list.columns')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown mah={420} style={{ overflowY: 'auto' }} aria-label={t('list.chooseColumns')}>
            {module.fields.map((field) => (
              <Menu.Item
                key={field.apiName}
                onClick={() =>
                  setColumns((current) =>
                    current.includes(field.apiName) ? current.filter((c) => c !== field.apiName) : [...current, field.apiName],
                  )
                }
              >
                <Checkbox
                  label={field.label}
                  checked={columns.includes(field.apiName)}
                  readOnly
                  tabIndex={-1}
                  style={{ pointerEvents: 'none' }}
                />
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        {selected.size > 0 && <MassActions module={module} ids={[...selected]} onDone={() => setSelected(new Set())} />}
      </Group>

      {list.isError && <Alert color="red">{errorMessage(list.error, t)}</Alert>}
      <Paper withBorder radius="md">
        <ScrollArea>
          <Table highlightOnHover striped={false} verticalSpacing="xs" stickyHeader miw={600}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('list.selectAll')}
                    checked={allSelected}
                    indeterminate={!allSelected && selected.size > 0}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(records.map((record) => record.id)))}
                  />
                </Table.Th>
                {shown.map((field) => {
                  const direction = sort[0]?.field === field.apiName ? sort[0].direction : undefined;
                  return (
                    <Table.Th
                      key={field.apiName}
                      aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}
                    >
                      <UnstyledButton onClick={() => toggleSort(field.apiName)} fw={600} fz="sm">
                        <Group gap={4} wrap="nowrap">
                          {field.label}
                          {direction === 'asc' && <IconArrowUp size={14} aria-label={t('list.sortAsc')} />}
                          {direction === 'desc' && <IconArrowDown size={14} aria-label={t('list.sortDesc')} />}
                        </Group>
                      </UnstyledButton>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.map((record) => {
                const name = recordName(record, module.displayFields);
                return (
                  <Table.Tr
                    key={record.id}
                    data-testid="record-row"
                    style={{ cursor: 'pointer' }}
                    onClick={() => void navigate({ to: '/records/$module/$id', params: { module: module.apiName, id: record.id } })}
                  >
                    <Table.Td onClick={(event) => event.stopPropagation()}>
                      <Checkbox
                        aria-label={t('list.selectRow', { name })}
                        checked={selected.has(record.id)}
                        onChange={() =>
                          setSelected((current) => {
                            const next = new Set(current);
                            if (next.has(record.id)) next.delete(record.id);
                            else next.add(record.id);
                            return next;
                          })
                        }
                      />
                    </Table.Td>
                    {shown.map((field) => (
                      <Table.Td key={field.apiName}>
                        {module.displayFields[0] === field.apiName ? (
                          <Text size="sm" fw={600} c="blue.8">
                            {name || '—'}
                          </Text>
                        ) : (
                          <FieldValue field={field} record={record} display={display} />
                        )}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {list.isPending && <PageLoader />}
        {!list.isPending && records.length === 0 && (
          <Text c="dimmed" ta="center" py="xl">
            {conditions ? t('list.emptyFiltered') : t('list.empty')}
          </Text>
        )}
      </Paper>
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('list.loadMore')}
          </Button>
          {selected.size > 0 && <Badge variant="light">{t('list.selected', { count: selected.size })}</Badge>}
        </Group>
      )}
    </Stack>
  );
}
