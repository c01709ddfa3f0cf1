import { Alert, Anchor, Group, Paper, SimpleGrid, Skeleton, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useKpis, useOrgCalendar } from '../cockpit/cockpit-api';
import { KpiCard } from '../cockpit/kpi-card';
import { periodName, periodOf, todayIn } from '../cockpit/periods';

/** The KPIs that mean something for one account, in the order shown. */
const ACCOUNT_KPIS = [
  'clv',
  'nps',
  'csat',
  'days_since_last_touch',
  'touchpoints',
  'sla_compliance',
  'renewal_rate',
  'upsell_rate',
  'outcomes_on_track',
  'health_score',
];

/** On an account's page: its KPIs for the current fiscal quarter with their trend, and a link to the cockpit. */
export function AccountKpiPanel({ accountId }: { accountId: string }) {
  const { t, i18n } = useTranslation('kam');
  const calendar = useOrgCalendar();
  const period = calendar.data ? periodOf(todayIn(calendar.data.timeZone), 'quarter', calendar.data.fiscalYearStartMonth) : null;
  const scope = `account:${accountId}`;
  const kpis = useKpis(period ? { period, scope } : null, ACCOUNT_KPIS);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('cockpit.panel.title')}>
      <Group justify="space-between" mb="xs" align="flex-start">
        <div>
          <Title order={4}>{t('cockpit.panel.title')}</Title>
          {period && calendar.data && (
            <Text size="xs" c="dimmed">
              {periodName(period, i18n.language, t, calendar.data.fiscalYearStartMonth)}
            </Text>
          )}
        </div>
        {period && (
          <Anchor component={Link} to="/kam" search={{ period, scope } as never} size="sm">
            {t('cockpit.panel.openCockpit')}
          </Anchor>
        )}
      </Group>
      {kpis.isError || calendar.isError ? (
        <Alert color="red">{errorMessage(kpis.error ?? calendar.error, t)}</Alert>
      ) : !kpis.data || !calendar.data ? (
        <SimpleGrid cols={2} spacing="xs">
          {ACCOUNT_KPIS.slice(0, 4).map((id) => (
            <Skeleton key={id} height={96} radius="md" />
          ))}
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {kpis.data.kpis.map((kpi) => (
            <KpiCard key={kpi.id} kpi={kpi} currency={calendar.data.currency} compact />
          ))}
        </SimpleGrid>
      )}
    </Paper>
  );
}
