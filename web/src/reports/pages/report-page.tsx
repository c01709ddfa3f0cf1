import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconMailForward, IconPencil, IconRefresh, IconShare, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageLoader } from '../../components/page-loader';
import { notifySuccess } from '../../settings/components/feedback';
import type { PeriodRange } from '../api';
import { PeriodSelect } from '../components/period-select';
import { ReportResult } from '../components/report-result';
import { ScheduleModal } from '../components/schedule-modal';
import { ShareModal } from '../components/share-modal';
import { useDeleteReport, useReport, useRunReport, useSaveReport } from '../hooks/use-reports';
import { canBuildReports } from '../permissions';

/** /reports/$id — a saved report run as the viewer, with another period on the fly, drill-down and sharing. */
export function ReportPage() {
  const { t } = useTranslation('reports');
  const { id } = useParams({ strict: false }) as { id: string };
  const me = useMe();
  const navigate = useNavigate();
  const report = useReport(id);
  const [period, setPeriod] = useState<PeriodRange | null>(null);
  const run = useRunReport(id, period ?? undefined);
  const save = useSaveReport();
  const remove = useDeleteReport();
  const [dialog, setDialog] = useState<'share' | 'schedule' | 'delete' | null>(null);
  if (report.isError) return <Alert color="red">{errorMessage(report.error, t)}</Alert>;
  if (!report.data || !me.data) return <PageLoader />;
  const { definition } = report.data;
  const isOwner = me.data.permissions.isAdmin || (report.data.ownerId === me.data.user.id && canBuildReports(me.data.permissions));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Anchor component={Link} to="/reports" size="sm">
            {t('nav.reports')}
          </Anchor>
          <Group gap="xs">
            <Title order={2}>{report.data.name}</Title>
            <Badge variant="light">{t(`types.${definition.type}`)}</Badge>
            {report.data.folder && (
              <Badge variant="outline" color="gray">
                {report.data.folder}
              </Badge>
            )}
          </Group>
          {report.data.description && (
            <Text size="sm" c="dimmed">
              {report.data.description}
            </Text>
          )}
        </Stack>
        <Group align="flex-end">
          {definition.period && (
            <PeriodSelect label={t('report.period')} noneLabel={t('report.ownPeriod')} value={period} onChange={setPeriod} />
          )}
          <Button variant="default" leftSection={<IconRefresh size={16} />} loading={run.isFetching} onClick={() => void run.refetch()}>
            {t('report.refresh')}
          </Button>
          {isOwner && (
            <>
              <Button variant="default" leftSection={<IconShare size={16} />} onClick={() => setDialog('share')}>
                {t('share.button')}
              </Button>
              <Button variant="default" leftSection={<IconMailForward size={16} />} onClick={() => setDialog('schedule')}>
                {t('schedule.button')}
              </Button>
              <Button component={Link} to={`/reports/${id}/edit`} leftSection={<IconPencil size={16} />}>
                {t('report.edit')}
              </Button>
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDialog('delete')}>
                {t('report.delete')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Paper withBorder p="md" radius="md">
        {run.isError ? (
          <Alert color="red">{errorMessage(run.error, t)}</Alert>
        ) : run.data ? (
          <ReportResult result={run.data} definition={definition} source={{ id }} />
        ) : (
          <Loader size="sm" />
        )}
      </Paper>
      <ShareModal
        opened={dialog === 'share'}
        title={t('share.reportTitle', { name: report.data.name })}
        value={report.data.sharedWith}
        onClose={() => setDialog(null)}
        onSave={async (sharedWith) => {
          await save.mutateAsync({ id, input: { name: report.data!.name, definition, sharedWith } });
          notifySuccess(t('share.saved'));
        }}
      />
      <ScheduleModal reportId={id} reportName={report.data.name} opened={dialog === 'schedule'} onClose={() => setDialog(null)} />
      <ConfirmModal
        opened={dialog === 'delete'}
        title={t('report.deleteTitle', { name: report.data.name })}
        message={t('report.deleteMessage')}
        confirmLabel={t('report.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          remove.mutate(id, {
            onSuccess: () => {
              notifySuccess(t('report.deleted'));
              void navigate({ to: '/reports' });
            },
          })
        }
      />
    </Stack>
  );
}
