import { useMemo, useState } from 'react';
import { Alert, Anchor, Button, Grid, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { notifySuccess } from '../../settings/components/feedback';
import type { Report, ReportDefinition } from '../api';
import { DefinitionEditor } from '../components/definition-editor';
import { ReportResult } from '../components/report-result';
import { useGallery, usePreview, useReport, useSaveReport } from '../hooks/use-reports';

const DEFAULT_DEFINITION: ReportDefinition = {
  module: 'deals',
  type: 'summary',
  groupBy: [{ field: 'stage' }],
  aggregates: [{ key: 'count', fn: 'count' }],
  chart: { type: 'bar' },
};

/** /reports/new (optionally `?gallery=<key>` or `?folder=`) and /reports/$id/edit — the builder with a live preview. */
export function ReportBuilderPage() {
  const { t } = useTranslation('reports');
  const params = useParams({ strict: false }) as { id?: string };
  const search = useSearch({ strict: false }) as { gallery?: string; folder?: string };
  const report = useReport(params.id);
  const gallery = useGallery(!params.id && !!search.gallery);
  if (params.id && report.isError) return <Alert color="red">{errorMessage(report.error, t)}</Alert>;
  if (params.id && !report.data) return <PageLoader />;
  if (!params.id && search.gallery && !gallery.data)
    return gallery.isError ? <Alert color="red">{errorMessage(gallery.error, t)}</Alert> : <PageLoader />;
  const template = gallery.data?.find((entry) => entry.key === search.gallery);
  const initial: Pick<Report, 'name' | 'folder' | 'definition'> & { id?: string } = report.data ?? {
    name: template?.name ?? '',
    folder: search.folder ?? null,
    definition: template?.definition ?? DEFAULT_DEFINITION,
  };
  return <Builder key={report.data?.id ?? search.gallery ?? 'new'} initial={initial} />;
}

/** The definition without the parts its type does not use (a matrix's columns once it is a summary again). */
export function cleanDefinition(definition: ReportDefinition): ReportDefinition {
  const { columns, groupBy, columnGroupBy, aggregates, formulas, chart, limit, ...rest } = definition;
  if (definition.type === 'tabular') return { ...rest, ...(columns ? { columns } : {}), ...(limit ? { limit } : {}) };
  return {
    ...rest,
    groupBy,
    ...(definition.type === 'matrix' ? { columnGroupBy } : {}),
    aggregates,
    ...(formulas?.length ? { formulas } : {}),
    ...(chart ? { chart } : {}),
  };
}

/** A definition worth asking the server about: summary and matrix reports need their groupings. */
const isRunnable = (definition: ReportDefinition) =>
  definition.type === 'tabular'
    ? (definition.columns?.length ?? 0) > 0
    : (definition.groupBy?.length ?? 0) > 0 && (definition.type !== 'matrix' || (definition.columnGroupBy?.length ?? 0) > 0);

function Builder({ initial }: { initial: Pick<Report, 'name' | 'folder' | 'definition'> & { id?: string } }) {
  const { t, i18n } = useTranslation('reports');
  const navigate = useNavigate();
  const save = useSaveReport();
  const [name, setName] = useState(initial.name);
  const [folder, setFolder] = useState(initial.folder ?? '');
  const [definition, setDefinition] = useState<ReportDefinition>(initial.definition);
  const [nameError, setNameError] = useState<string | null>(null);
  const cleaned = useMemo(() => cleanDefinition(definition), [definition]);
  const [debounced] = useDebouncedValue(cleaned, 350);
  const preview = usePreview(isRunnable(debounced) ? debounced : null);

  async function handleSave() {
    if (!name.trim()) return setNameError(t('builder.nameRequired'));
    setNameError(null);
    const saved = await save.mutateAsync({
      id: initial.id,
      input: { name: name.trim(), folder: folder.trim() || null, definition: cleanDefinition(definition) },
    });
    notifySuccess(t('builder.saved'));
    void navigate({ to: `/reports/${saved.id}` });
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Anchor component={Link} to="/reports" size="sm">
            {t('nav.reports')}
          </Anchor>
          <Title order={2}>{initial.id ? t('builder.editTitle') : t('builder.newTitle')}</Title>
        </Stack>
        <Group align="flex-end">
          <TextInput
            label={t('builder.name')}
            required
            w={280}
            value={name}
            error={nameError}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <TextInput
            label={t('builder.folder')}
            w={180}
            placeholder={t('list.noFolder')}
            value={folder}
            onChange={(event) => setFolder(event.currentTarget.value)}
          />
          <Button
            leftSection={<IconDeviceFloppy size={16} />}
            loading={save.isPending}
            onClick={() => void handleSave().catch(() => undefined)}
          >
            {t('builder.save')}
          </Button>
        </Group>
      </Group>
      {save.isError && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder p="md" radius="md">
            <DefinitionEditor definition={definition} onChange={(patch) => setDefinition((current) => ({ ...current, ...patch }))} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Paper withBorder p="md" radius="md" data-testid="report-preview">
            <Group justify="space-between" mb="sm">
              <Title order={4}>{t('builder.preview')}</Title>
              {preview.isFetching && <Loader size="xs" aria-label={t('builder.running')} />}
            </Group>
            {!isRunnable(debounced) ? (
              <Text c="dimmed" size="sm">
                {t('builder.incomplete')}
              </Text>
            ) : preview.isError ? (
              <Alert color="red" title={t('builder.invalid')}>
                {errorMessage(preview.error, t)}
                {/* The server names the bad part (`groupBy[1].field: unknown field…`), in English: precise, so shown too. */}
                {preview.error instanceof ApiError && i18n.language !== 'en' && (
                  <Text size="xs" c="dimmed" mt={4} ff="monospace">
                    {preview.error.message}
                  </Text>
                )}
              </Alert>
            ) : preview.data ? (
              <ReportResult result={preview.data} definition={debounced} source={{ definition: debounced }} />
            ) : (
              <Loader size="sm" />
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
