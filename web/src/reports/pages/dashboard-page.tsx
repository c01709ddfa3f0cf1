import { useState } from 'react';
import { Alert, Anchor, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconRefresh, IconShare, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { AppModal } from '../../components/app-modal';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageLoader } from '../../components/page-loader';
import { notifyFailure, notifySuccess } from '../../settings/components/feedback';
import { CHART_TYPES, type ChartType, type Dashboard, type PeriodRange, type Report, type Widget } from '../api';
import { DashboardGrid } from '../components/dashboard-grid';
import { placeWidgets, WIDTHS } from '../dashboard-layout';
import { PeriodSelect } from '../components/period-select';
import { ShareModal } from '../components/share-modal';
import { useDashboard, useDashboardRun, useDeleteDashboard, useReports, useSaveDashboard } from '../hooks/use-reports';

/** /dashboards/$id — the widgets, run with the dashboard's period; refresh in place; owners add, move, resize, share. */
export function DashboardPage() {
  const { t } = useTranslation('reports');
  const { id } = useParams({ strict: false }) as { id: string };
  const dashboard = useDashboard(id);
  if (dashboard.isError) return <Alert color="red">{errorMessage(dashboard.error, t)}</Alert>;
  if (!dashboard.data) return <PageLoader />;
  return <DashboardView key={dashboard.data.id} dashboard={dashboard.data} />;
}

function DashboardView({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation('reports');
  const me = useMe();
  const navigate = useNavigate();
  const reports = useReports();
  const save = useSaveDashboard();
  const remove = useDeleteDashboard();
  // The period shown: the dashboard's, or one a viewer picks for themselves (owners save theirs).
  const [period, setPeriod] = useState<PeriodRange | null>(dashboard.period);
  const run = useDashboardRun(dashboard.id, period, dashboard.widgets.length > 0);
  const [dialog, setDialog] = useState<'add' | 'share' | 'delete' | null>(null);
  const editable = !!me.data && (me.data.permissions.isAdmin || dashboard.ownerId === me.data.user.id);
  const reportsById = new Map((reports.data ?? []).map((report) => [report.id, report]));
  const runs = new Map((run.data?.widgets ?? []).map((entry) => [entry.id, entry]));

  const update = (input: Parameters<typeof save.mutateAsync>[0]['input']) =>
    save.mutateAsync({ id: dashboard.id, input }).catch((error: unknown) => {
      notifyFailure(errorMessage(error, t));
      throw error;
    });

  function handlePeriod(next: PeriodRange | null) {
    setPeriod(next);
    if (editable) void update({ period: next }).catch(() => undefined);
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Anchor component={Link} to="/dashboards" size="sm">
            {t('nav.dashboards')}
          </Anchor>
          <Title order={2}>{dashboard.name}</Title>
        </Stack>
        <Group align="flex-end">
          <PeriodSelect label={t('dashboards.period')} noneLabel={t('dashboards.ownPeriods')} value={period} onChange={handlePeriod} />
          <Button variant="default" leftSection={<IconRefresh size={16} />} loading={run.isFetching} onClick={() => void run.refetch()}>
            {t('report.refresh')}
          </Button>
          {editable && (
            <>
              <Button variant="default" leftSection={<IconShare size={16} />} onClick={() => setDialog('share')}>
                {t('share.button')}
              </Button>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog('add')}>
                {t('dashboards.addWidget')}
              </Button>
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDialog('delete')}>
                {t('report.delete')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      {run.isError && <Alert color="red">{errorMessage(run.error, t)}</Alert>}
      {dashboard.widgets.length === 0 ? (
        <Text c="dimmed" size="sm" ta="center" py="xl">
          {editable ? t('dashboards.noWidgetsOwner') : t('dashboards.noWidgets')}
        </Text>
      ) : (
        <DashboardGrid
          widgets={dashboard.widgets}
          runs={runs}
          reports={reportsById}
          loading={run.isFetching}
          editable={editable}
          periodSet={period !== null}
          onChange={(widgets) => void update({ widgets }).catch(() => undefined)}
        />
      )}
      <AddWidgetModal
        opened={dialog === 'add'}
        reports={reports.data ?? []}
        onClose={() => setDialog(null)}
        onAdd={async (widget) => {
          await update({ widgets: placeWidgets([...dashboard.widgets, widget]) });
          notifySuccess(t('dashboards.widgetAdded'));
        }}
      />
      <ShareModal
        opened={dialog === 'share'}
        title={t('share.dashboardTitle', { name: dashboard.name })}
        value={dashboard.sharedWith}
        onClose={() => setDialog(null)}
        onSave={async (sharedWith) => {
          await save.mutateAsync({ id: dashboard.id, input: { sharedWith } });
          notifySuccess(t('share.saved'));
        }}
      />
      <ConfirmModal
        opened={dialog === 'delete'}
        title={t('dashboards.deleteTitle', { name: dashboard.name })}
        message={t('dashboards.deleteMessage')}
        confirmLabel={t('report.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setDialog(null)}
        onConfirm={() => remove.mutate(dashboard.id, { onSuccess: () => void navigate({ to: '/dashboards' }) })}
      />
    </Stack>
  );
}

/** Picks a report (mine or shared with me), a title and a width. */
function AddWidgetModal({
  opened,
  reports,
  onClose,
  onAdd,
}: {
  opened: boolean;
  reports: Report[];
  onClose: () => void;
  onAdd: (widget: Widget) => Promise<void>;
}) {
  const { t } = useTranslation('reports');
  const [reportId, setReportId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [width, setWidth] = useState('6');
  const [chart, setChart] = useState<ChartType | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  async function handleAdd() {
    if (!reportId) return;
    setSaving(true);
    setError(null);
    try {
      await onAdd({ reportId, title: title.trim() || null, chart: chart ? { type: chart } : null, x: 0, y: 0, w: Number(width), h: 3 });
      setReportId(null);
      setTitle('');
      setChart(null);
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }
  return (
    <AppModal opened={opened} onClose={onClose} title={t('dashboards.addWidget')}>
      <Stack>
        <Select
          label={t('dashboards.report')}
          searchable
          data-autofocus
          data={reports.map((report) => ({ value: report.id, label: report.name }))}
          value={reportId}
          onChange={setReportId}
          nothingFoundMessage={t('dashboards.noReports')}
        />
        <TextInput
          label={t('dashboards.widgetTitle')}
          placeholder={t('dashboards.widgetTitleHint')}
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
        />
        <Select
          label={t('dashboards.width')}
          allowDeselect={false}
          data={WIDTHS.map((w) => ({ value: String(w), label: t(`dashboards.widths.${w}`) }))}
          value={width}
          onChange={(value) => value && setWidth(value)}
        />
        <Select
          label={t('dashboards.chart')}
          clearable
          placeholder={t('dashboards.reportChart')}
          data={CHART_TYPES.map((type) => ({ value: type, label: t(`charts.${type}`) }))}
          value={chart}
          onChange={(value) => setChart(value as ChartType | null)}
        />
        {error !== null && <Alert color="red">{errorMessage(error, t)}</Alert>}
        <Group justify="flex-end">
          <Button loading={saving} disabled={!reportId} onClick={() => void handleAdd()}>
            {t('dashboards.add')}
          </Button>
        </Group>
      </Stack>
    </AppModal>
  );
}
