import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { AppModal } from '../../components/app-modal';
import { PageLoader } from '../../components/page-loader';
import { useDashboards, useSaveDashboard } from '../hooks/use-reports';
import { canBuildReports } from '../permissions';

/** /dashboards — my dashboards and those shared with me; a new one starts empty. */
export function DashboardsPage() {
  const { t } = useTranslation('reports');
  const me = useMe();
  const dashboards = useDashboards();
  const [creating, setCreating] = useState(false);
  if (dashboards.error instanceof ApiError && dashboards.error.status === 403) return <Alert color="yellow">{t('list.forbidden')}</Alert>;
  if (dashboards.isError) return <Alert color="red">{errorMessage(dashboards.error, t)}</Alert>;
  if (!dashboards.data || !me.data) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Anchor component={Link} to="/reports" size="sm">
            {t('nav.reports')}
          </Anchor>
          <Title order={2}>{t('dashboards.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('dashboards.intro')}
          </Text>
        </Stack>
        {canBuildReports(me.data.permissions) && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            {t('dashboards.new')}
          </Button>
        )}
      </Group>
      <Paper withBorder radius="md">
        {dashboards.data.length === 0 ? (
          <Text p="md" c="dimmed" size="sm">
            {t('dashboards.empty')}
          </Text>
        ) : (
          <Table highlightOnHover data-testid="dashboards-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('list.name')}</Table.Th>
                <Table.Th>{t('dashboards.widgets')}</Table.Th>
                <Table.Th>{t('dashboards.period')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dashboards.data.map((dashboard) => (
                <Table.Tr key={dashboard.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/dashboards/${dashboard.id}`}>
                      {dashboard.name}
                    </Anchor>
                    {dashboard.ownerId !== me.data!.user.id && (
                      <Badge ml="xs" size="xs" variant="outline" color="gray">
                        {t('list.shared')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{dashboard.widgets.length}</Table.Td>
                  <Table.Td>
                    {dashboard.period === null
                      ? t('dashboards.ownPeriods')
                      : typeof dashboard.period === 'string'
                        ? t(`ranges.${dashboard.period}`)
                        : `${dashboard.period.from} – ${dashboard.period.to}`}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <NewDashboardModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

/** Names a new dashboard and opens it. */
export function NewDashboardModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated?: (id: string) => void;
}) {
  const { t } = useTranslation('reports');
  const save = useSaveDashboard();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  async function handleCreate() {
    const dashboard = await save.mutateAsync({ input: { name: name.trim() } });
    setName('');
    onClose();
    if (onCreated) onCreated(dashboard.id);
    else void navigate({ to: `/dashboards/${dashboard.id}` });
  }
  return (
    <AppModal opened={opened} onClose={onClose} title={t('dashboards.new')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void handleCreate().catch(() => undefined);
        }}
      >
        <Stack>
          <TextInput
            label={t('dashboards.name')}
            required
            data-autofocus
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          {save.isError && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
              {t('dashboards.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
