import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Grid, Group, NavLink, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconFolder, IconFolders, IconLayoutDashboard, IconPlus, IconSparkles, IconTerminal2 } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { AppModal } from '../../components/app-modal';
import { PageLoader } from '../../components/page-loader';
import { useModules } from '../../records/hooks/use-records';
import { useGallery, useReports } from '../hooks/use-reports';
import { canBuildReports } from '../permissions';

const ALL = '\u0000all';
const NO_FOLDER = '\u0000none';

/** /reports — the reports I own or that are shared with me, by folder, and the gallery of ready reports. */
export function ReportsPage() {
  const { t, i18n } = useTranslation('reports');
  const me = useMe();
  const reports = useReports();
  const modules = useModules();
  const [folder, setFolder] = useState(ALL);
  const [galleryOpen, setGalleryOpen] = useState(false);
  if (reports.error instanceof ApiError && reports.error.status === 403) return <Alert color="yellow">{t('list.forbidden')}</Alert>;
  if (reports.isError) return <Alert color="red">{errorMessage(reports.error, t)}</Alert>;
  if (!reports.data || !me.data) return <PageLoader />;
  const canBuild = canBuildReports(me.data.permissions);
  const folders = [...new Set(reports.data.map((report) => report.folder).filter((name): name is string => !!name))].sort((a, b) =>
    a.localeCompare(b, i18n.language),
  );
  const shown = reports.data.filter((report) => folder === ALL || (folder === NO_FOLDER ? !report.folder : report.folder === folder));
  const moduleLabel = (apiName: string) => modules.data?.find((module) => module.apiName === apiName)?.pluralLabel ?? apiName;
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2}>{t('list.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('list.intro')}
          </Text>
        </Stack>
        <Group>
          <Button variant="default" component={Link} to="/dashboards" leftSection={<IconLayoutDashboard size={16} />}>
            {t('nav.dashboards')}
          </Button>
          <Button variant="default" component={Link} to="/reports/query" leftSection={<IconTerminal2 size={16} />}>
            {t('nav.query')}
          </Button>
          {canBuild && (
            <>
              <Button variant="light" leftSection={<IconSparkles size={16} />} onClick={() => setGalleryOpen(true)}>
                {t('list.fromGallery')}
              </Button>
              <Button
                component={Link}
                to="/reports/new"
                search={(folder !== ALL && folder !== NO_FOLDER ? { folder } : {}) as never}
                leftSection={<IconPlus size={16} />}
              >
                {t('list.new')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, sm: 3 }}>
          <Paper withBorder radius="md" p={4}>
            <NavLink
              label={t('list.allFolders')}
              leftSection={<IconFolders size={16} />}
              active={folder === ALL}
              onClick={() => setFolder(ALL)}
              rightSection={
                <Badge size="xs" variant="light">
                  {reports.data.length}
                </Badge>
              }
            />
            {folders.map((name) => (
              <NavLink
                key={name}
                label={name}
                leftSection={<IconFolder size={16} />}
                active={folder === name}
                onClick={() => setFolder(name)}
                rightSection={
                  <Badge size="xs" variant="light">
                    {reports.data.filter((report) => report.folder === name).length}
                  </Badge>
                }
              />
            ))}
            <NavLink
              label={t('list.noFolder')}
              leftSection={<IconFolder size={16} />}
              active={folder === NO_FOLDER}
              onClick={() => setFolder(NO_FOLDER)}
            />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 9 }}>
          <Paper withBorder radius="md">
            {shown.length === 0 ? (
              <Stack p="lg" align="center" gap="xs">
                <Text c="dimmed" size="sm">
                  {t('list.empty')}
                </Text>
                {canBuild && (
                  <Button variant="light" size="xs" leftSection={<IconSparkles size={14} />} onClick={() => setGalleryOpen(true)}>
                    {t('list.fromGallery')}
                  </Button>
                )}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={560}>
                <Table highlightOnHover data-testid="reports-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('list.name')}</Table.Th>
                      <Table.Th>{t('list.module')}</Table.Th>
                      <Table.Th>{t('list.type')}</Table.Th>
                      <Table.Th>{t('list.folder')}</Table.Th>
                      <Table.Th>{t('list.updated')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((report) => (
                      <Table.Tr key={report.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/reports/${report.id}`}>
                            {report.name}
                          </Anchor>
                          {report.ownerId !== me.data!.user.id && (
                            <Badge ml="xs" size="xs" variant="outline" color="gray">
                              {t('list.shared')}
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>{moduleLabel(report.definition.module)}</Table.Td>
                        <Table.Td>{t(`types.${report.definition.type}`)}</Table.Td>
                        <Table.Td>{report.folder ?? '—'}</Table.Td>
                        <Table.Td>{dateFormat.format(new Date(report.updatedAt))}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
      <GalleryModal opened={galleryOpen} onClose={() => setGalleryOpen(false)} />
    </Stack>
  );
}

/** The ready reports: pick one, the builder opens with it to adjust and save. */
function GalleryModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('reports');
  const gallery = useGallery(opened);
  const navigate = useNavigate();
  return (
    <AppModal opened={opened} onClose={onClose} title={t('list.galleryTitle')} size="xl">
      {gallery.isError ? (
        <Alert color="red">{errorMessage(gallery.error, t)}</Alert>
      ) : !gallery.data ? (
        <PageLoader />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {gallery.data.map((entry) => (
            <Card key={entry.key} withBorder radius="md" data-testid="gallery-entry">
              <Stack gap={6} h="100%" justify="space-between">
                <Stack gap={4}>
                  <Group gap="xs">
                    <Text fw={600}>{entry.name}</Text>
                    <Badge size="xs" variant="light">
                      {t(`types.${entry.definition.type}`)}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {entry.description}
                  </Text>
                </Stack>
                <Button
                  size="xs"
                  variant="light"
                  aria-label={t('list.useTemplate', { name: entry.name })}
                  onClick={() => {
                    onClose();
                    void navigate({ to: '/reports/new', search: { gallery: entry.key } as never });
                  }}
                >
                  {t('list.use')}
                </Button>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </AppModal>
  );
}
