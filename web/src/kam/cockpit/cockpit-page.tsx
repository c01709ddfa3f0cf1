import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { recordsApi } from '../../records/api';
import { useModule, useRecordQuery } from '../../records/hooks/use-records';
import {
  useAcquisitionCurve,
  useKpiRecords,
  useKpis,
  useOrgCalendar,
  useScopeRoles,
  useScopeUsers,
  type CockpitQuery,
  type Kpi,
  type OrgCalendar,
} from './cockpit-api';
import { CurveChart, SeriesChart } from './charts';
import { csvFileName, downloadText, formatKpi, kpisToCsv, numberOf } from './format';
import { KpiCard } from './kpi-card';
import { periodKind, periodName, periodOf, periodsBack, todayIn, type PeriodKind } from './periods';
import type { CockpitSearch } from './cockpit-search';

const HOW_MANY: Record<PeriodKind, number> = { month: 24, quarter: 12, year: 6 };

/** /kam — the key-account cockpit: filters, a card per KPI, its chart and records, CSV export, the acquisition curve. */
export function CockpitPage() {
  const { t } = useTranslation('kam');
  const calendar = useOrgCalendar();
  if (calendar.isError) return <Alert color="red">{errorMessage(calendar.error, t)}</Alert>;
  if (!calendar.data) return <PageLoader />;
  return <Cockpit calendar={calendar.data} />;
}

function Cockpit({ calendar }: { calendar: OrgCalendar }) {
  const { t, i18n } = useTranslation('kam');
  const search = useSearch({ strict: false }) as CockpitSearch;
  const navigate = useNavigate();
  const today = todayIn(calendar.timeZone);
  const period = search.period && periodKind(search.period) ? search.period : periodOf(today, 'quarter', calendar.fiscalYearStartMonth);
  const kind = periodKind(period)!;
  const scope = search.scope ?? 'org';
  const [scopeKind, scopeId] = scope.includes(':') ? (scope.split(':') as [string, string]) : [scope, ''];
  const complete = scopeKind === 'org' || scopeId !== '';
  const query: CockpitQuery | null = complete ? { period, scope, ...(search.tier ? { tier: search.tier } : {}) } : null;

  const update = (patch: Partial<CockpitSearch>) => {
    const next = { ...search, ...patch };
    const clean = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined && value !== '')) as CockpitSearch;
    void navigate({ to: '/kam', search: clean as never, replace: true });
  };

  const kpis = useKpis(query);
  const curve = useAcquisitionCurve(query);
  const periodLabel = (label: string) => periodName(label, i18n.language, t, calendar.fiscalYearStartMonth);
  const opened = kpis.data?.kpis.find((kpi) => kpi.id === search.kpi) ?? null;

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Title order={2}>{t('cockpit.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('cockpit.intro')}
        </Text>
      </Stack>
      <Filters
        calendar={calendar}
        period={period}
        kind={kind}
        today={today}
        scopeKind={scopeKind}
        scopeId={scopeId}
        tier={search.tier}
        periodLabel={periodLabel}
        onChange={update}
        onExport={
          kpis.data && query
            ? () =>
                downloadText(
                  csvFileName(kpis.data.period, kpis.data.scope, query.tier),
                  kpisToCsv(kpis.data.kpis, { t, period: kpis.data.period, scope: kpis.data.scope }),
                )
            : undefined
        }
      />
      {!complete ? (
        <Alert color="blue">{t('cockpit.pick')}</Alert>
      ) : kpis.isError ? (
        <Alert color="red">{errorMessage(kpis.error, t)}</Alert>
      ) : !kpis.data ? (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 4 }} aria-busy="true" aria-label={t('cockpit.loading')}>
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} height={128} radius="md" />
          ))}
        </SimpleGrid>
      ) : (
        <>
          {isEmpty(kpis.data.kpis) && <Alert color="gray">{t('cockpit.empty')}</Alert>}
          <SimpleGrid
            cols={{ base: 1, xs: 2, md: 3, xl: 4 }}
            aria-busy={kpis.isFetching}
            style={{ opacity: kpis.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}
          >
            {kpis.data.kpis.map((kpi) => (
              <KpiCard
                key={kpi.id}
                kpi={kpi}
                currency={calendar.currency}
                selected={kpi.id === search.kpi}
                onOpen={() => update({ kpi: kpi.id })}
              />
            ))}
          </SimpleGrid>
        </>
      )}
      {query && <CurveSection curve={curve} />}
      <Drawer
        opened={opened !== null}
        onClose={() => update({ kpi: undefined })}
        position="right"
        size="xl"
        title={opened ? <Title order={3}>{t(`cockpit.kpis.${opened.id}`)}</Title> : undefined}
        closeButtonProps={{ 'aria-label': t('cockpit.close') }}
      >
        {opened && query && <KpiDetail kpi={opened} query={query} currency={calendar.currency} periodLabel={periodLabel} />}
      </Drawer>
    </Stack>
  );
}

const isEmpty = (kpis: Kpi[]) =>
  kpis.every((kpi) => kpi.series.every((point) => point.value === null || (kpi.unit === 'count' && numberOf(point.value) === 0)));

function Filters({
  calendar,
  period,
  kind,
  today,
  scopeKind,
  scopeId,
  tier,
  periodLabel,
  onChange,
  onExport,
}: {
  calendar: OrgCalendar;
  period: string;
  kind: PeriodKind;
  today: string;
  scopeKind: string;
  scopeId: string;
  tier: string | undefined;
  periodLabel: (label: string) => string;
  onChange: (patch: Partial<CockpitSearch>) => void;
  onExport: (() => void) | undefined;
}) {
  const { t, i18n } = useTranslation('kam');
  const language = i18n.language === 'en' ? 'en' : 'es';
  const users = useScopeUsers(scopeKind === 'manager');
  const roles = useScopeRoles(scopeKind === 'team');
  const accounts = useRecordQuery(
    'accounts',
    {
      filter: { field: 'is_key_account', op: 'eq', value: true },
      sort: [{ field: 'name', direction: 'asc' }],
      fields: ['name'],
      limit: 200,
    },
    scopeKind === 'account',
  );
  const accountsModule = useModule('accounts');
  const tiers = accountsModule.data?.fields.find((field) => field.apiName === 'tier')?.options.values?.filter((v) => !v.hidden) ?? [];
  const current = periodOf(today, kind, calendar.fiscalYearStartMonth);
  const periods = useMemo(() => {
    const list = periodsBack(current, HOW_MANY[kind]);
    return list.includes(period) ? list : [period, ...list];
  }, [current, kind, period]);

  const entityOptions =
    scopeKind === 'manager'
      ? (users.data ?? []).map((user) => ({ value: user.id, label: user.name }))
      : scopeKind === 'team'
        ? (roles.data ?? []).map((role) => ({ value: role.id, label: role.name }))
        : scopeKind === 'account'
          ? (accounts.data?.data ?? []).map((account) => ({ value: account.id, label: String(account.name ?? '—') }))
          : [];
  // A shared link may name an account that is not among the key accounts listed: its name is read apart.
  const listed = entityOptions.some((option) => option.value === scopeId);
  const named = useQuery({
    queryKey: ['kam', 'scope-account', scopeId],
    queryFn: () => recordsApi.get('accounts', scopeId),
    enabled: scopeKind === 'account' && scopeId !== '' && accounts.isSuccess && !listed,
  });
  if (scopeId && !listed && named.data) entityOptions.unshift({ value: scopeId, label: String(named.data.data.name ?? '—') });

  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label={t('cockpit.filters')}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="cockpit-kind">
            {t('cockpit.periodKind')}
          </Text>
          <SegmentedControl
            aria-labelledby="cockpit-kind"
            value={kind}
            onChange={(value) => onChange({ period: periodOf(today, value as PeriodKind, calendar.fiscalYearStartMonth) })}
            data={(['month', 'quarter', 'year'] as const).map((value) => ({ value, label: t(`cockpit.kinds.${value}`) }))}
          />
        </Stack>
        <Select
          label={t('cockpit.period')}
          value={period}
          allowDeselect={false}
          onChange={(value) => value && onChange({ period: value })}
          data={periods.map((value) => ({ value, label: periodLabel(value) }))}
          w={190}
        />
        <Select
          label={t('cockpit.scope')}
          value={scopeKind}
          allowDeselect={false}
          onChange={(value) => onChange({ scope: value === 'org' || !value ? undefined : `${value}:` })}
          data={(['org', 'manager', 'team', 'account'] as const).map((value) => ({ value, label: t(`cockpit.scopes.${value}`) }))}
          w={210}
        />
        {scopeKind !== 'org' && (
          <Select
            label={t(`cockpit.${scopeKind as 'manager' | 'team' | 'account'}`)}
            placeholder={t('cockpit.pick')}
            value={scopeId || null}
            searchable
            onChange={(value) => onChange({ scope: `${scopeKind}:${value ?? ''}` })}
            data={entityOptions}
            w={240}
          />
        )}
        <Select
          label={t('cockpit.tier')}
          value={tier ?? ''}
          allowDeselect={false}
          onChange={(value) => onChange({ tier: value || undefined })}
          data={[
            { value: '', label: t('cockpit.allTiers') },
            ...tiers.map((value) => ({ value: value.code, label: value.labels[language] })),
          ]}
          w={180}
        />
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={onExport} disabled={!onExport} ml="auto">
          {t('cockpit.exportCsv')}
        </Button>
      </Group>
    </Paper>
  );
}

/** The opened KPI: its chart with the target line, its figures and the records behind the number. */
function KpiDetail({
  kpi,
  query,
  currency,
  periodLabel,
}: {
  kpi: Kpi;
  query: CockpitQuery;
  currency: string;
  periodLabel: (label: string) => string;
}) {
  const { t, i18n } = useTranslation('kam');
  const context = { language: i18n.language, currency, t };
  const format = (value: Kpi['value']) => formatKpi(kpi.id, kpi.unit, value, context);
  const name = t(`cockpit.kpis.${kpi.id}`);
  return (
    <Stack gap="md">
      <KpiCard kpi={kpi} currency={currency} compact sparkline={false} />
      {kpi.value === null && (
        <Text size="sm" c="dimmed">
          {t('cockpit.noValue')}
        </Text>
      )}
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {t('cockpit.series')}
        </Text>
        <SeriesChart
          series={kpi.series}
          target={kpi.target}
          format={format}
          label={t('cockpit.chartLabel', { name })}
          periodLabel={(label) => (periodKind(label) === 'year' ? label : periodLabel(label))}
        />
      </Stack>
      {kpi.details && Object.keys(kpi.details).length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('cockpit.details')}
          </Text>
          <Group gap="lg">
            {Object.entries(kpi.details).map(([key, value]) => (
              <Stack key={key} gap={0}>
                <Text size="xs" c="dimmed">
                  {t(`cockpit.detailKeys.${key}`, { defaultValue: key })}
                </Text>
                <Text fw={600}>
                  {value === null ? '—' : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(Number(value))}
                </Text>
              </Stack>
            ))}
          </Group>
        </Stack>
      )}
      {kpi.id === 'enps' ? <Alert color="gray">{t('cockpit.enpsAggregate')}</Alert> : <KpiRecords id={kpi.id} query={query} />}
    </Stack>
  );
}

function KpiRecords({ id, query }: { id: string; query: CockpitQuery }) {
  const { t, i18n } = useTranslation('kam');
  const records = useKpiRecords(id, query);
  const pages = records.data?.pages ?? [];
  const first = pages[0];
  const rows = pages.flatMap((page) => page.data);
  const module = first?.module;
  // Survey answers have no record page of their own: they are listed without a link.
  const linkable = module !== undefined && module !== 'kam_survey_responses';
  const number = (value: string | null) =>
    value === null ? '—' : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(Number(value));
  return (
    <Stack gap="xs" component="section" aria-label={t('cockpit.records')}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {t('cockpit.records')}
        </Text>
        {first && first.total > 0 && (
          <Badge variant="light">{t('cockpit.recordsCount', { counted: first.counted, total: first.total })}</Badge>
        )}
      </Group>
      {records.isError ? (
        <Alert color="red">{errorMessage(records.error, t)}</Alert>
      ) : !records.data ? (
        <Skeleton height={120} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('cockpit.noRecords')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={420}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cockpit.record')}</Table.Th>
                  <Table.Th ta="right">{t('cockpit.value')}</Table.Th>
                  <Table.Th ta="center">{t('cockpit.counted')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>
                      {linkable ? (
                        <Anchor component={Link} to="/records/$module/$id" params={{ module, id: row.id } as never} size="sm">
                          {row.display || '—'}
                        </Anchor>
                      ) : (
                        <Text size="sm">{row.display || '—'}</Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{number(row.value)}</Table.Td>
                    <Table.Td ta="center">{row.counted ? t('cockpit.yes') : t('cockpit.no')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {records.hasNextPage && (
            <Button variant="default" onClick={() => void records.fetchNextPage()} loading={records.isFetchingNextPage}>
              {t('cockpit.more')}
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}

function CurveSection({ curve }: { curve: ReturnType<typeof useAcquisitionCurve> }) {
  const { t, i18n } = useTranslation('kam');
  const language = i18n.language === 'en' ? 'en' : 'es';
  const touchpoints = useModule('touchpoints');
  const channelName = (code: string) =>
    touchpoints.data?.fields.find((field) => field.apiName === 'channel')?.options.values?.find((v) => v.code === code)?.labels[language] ??
    code;
  const percent = (rate: number | null) =>
    rate === null ? '—' : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
  const data = curve.data;
  const empty = data && data.buckets.every((bucket) => bucket.leads === 0);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('cockpit.curve.title')}>
      <Title order={3} mb={4}>
        {t('cockpit.curve.title')}
      </Title>
      {curve.isError ? (
        <Alert color="red">{errorMessage(curve.error, t)}</Alert>
      ) : !data ? (
        <Skeleton height={180} />
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('cockpit.curve.intro', { to: data.to })}
          </Text>
          {empty ? (
            <Text size="sm" c="dimmed">
              {t('cockpit.curve.empty')}
            </Text>
          ) : (
            <>
              <CurveChart buckets={data.buckets} label={t('cockpit.curve.title')} format={percent} />
              <Text size="sm" fw={500}>
                {data.fallsAfter !== null ? t('cockpit.curve.fallsAfter', { count: data.fallsAfter }) : t('cockpit.curve.noFall')}
              </Text>
              <Text size="sm" fw={600}>
                {t('cockpit.curve.byChannel')}
              </Text>
              <Table.ScrollContainer minWidth={420}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('cockpit.curve.channel')}</Table.Th>
                      <Table.Th ta="right">{t('cockpit.curve.leads')}</Table.Th>
                      <Table.Th ta="right">{t('cockpit.curve.converted')}</Table.Th>
                      <Table.Th ta="right">{t('cockpit.curve.rate')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.byChannel.map((row) => (
                      <Table.Tr key={row.channel}>
                        <Table.Td>{channelName(row.channel)}</Table.Td>
                        <Table.Td ta="right">{row.leads}</Table.Td>
                        <Table.Td ta="right">{row.converted}</Table.Td>
                        <Table.Td ta="right">{percent(row.rate)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}
