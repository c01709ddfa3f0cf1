import { useEffect, useState } from 'react';
import { useParams } from '@tanstack/react-router';
import { useModule } from '../records/hooks/use-records';
import { Alert, Anchor, Button, Checkbox, FileInput, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError, api, apiUpload } from '../app/api';

type Mapping = Record<string, string | null>;
interface Preview {
  headers: string[];
  rows: string[][];
  mapping: Mapping;
  unmapped: string[];
  fields: Array<{ apiName: string; label: string; type: string }>;
}
interface ImportState {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  message: string | null;
  progress: { rowsRead: number; totalRows: number | null };
  counts: { created: number; updated: number; skipped: number; failed: number; warnings: number };
  errors: Array<{ row: number; field: string | null; message: string }>;
}
const MODES = ['create', 'update', 'upsert', 'skip'] as const;

/** Import page of a module: upload, mapping with suggestions, mode and key, dry run, then progress and errors. */
export function ImportPage() {
  const { module } = useParams({ strict: false }) as { module: string };
  const moduleInfo = useModule(module);
  const { t } = useTranslation('imports');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [mode, setMode] = useState<(typeof MODES)[number]>('create');
  const [key, setKey] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [state, setState] = useState<ImportState | null>(null);

  async function choose(chosen: File | null) {
    setFile(chosen);
    setPreview(null);
    setState(null);
    setError(null);
    if (!chosen) return;
    const form = new FormData();
    form.append('module', module);
    form.append('file', chosen);
    try {
      const answer = await apiUpload<Preview>('/imports/preview', form);
      setPreview(answer);
      setMapping(answer.mapping);
      if (Object.values(answer.mapping).includes('email')) setKey('email');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function start() {
    if (!file) return;
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append('module', module);
    form.append('mode', mode);
    if (key) form.append('key', key);
    form.append('mapping', JSON.stringify(mapping));
    form.append('dryRun', String(dryRun));
    form.append('file', file);
    try {
      const { id } = await apiUpload<{ id: string }>('/imports', form);
      setState(await api.get<ImportState>(`/imports/${id}`));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (!state || state.status === 'done' || state.status === 'failed') return;
    const timer = setTimeout(() => {
      api.get<ImportState>(`/imports/${state.id}`).then(setState, () => undefined);
    }, 700);
    return () => clearTimeout(timer);
  }, [state]);

  const fieldOptions = [
    { value: '', label: t('skipColumn') },
    ...(preview?.fields ?? []).map((f) => ({ value: f.apiName, label: `${f.label} (${f.apiName})` })),
  ];
  const mappedFields = Object.values(mapping).filter((v): v is string => !!v);
  const total = state?.progress.totalRows ?? null;

  return (
    <Stack maw={1000} p="md">
      <Title order={2}>{t('title', { module: moduleInfo.data?.pluralLabel ?? module })}</Title>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {!state && (
        <>
          <FileInput
            label={t('file')}
            placeholder={t('filePlaceholder')}
            accept=".csv,.xlsx,text/csv"
            value={file}
            onChange={choose}
            data-testid="import-file"
          />
          {preview && (
            <>
              <Title order={4}>{t('mapping')}</Title>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('column')}</Table.Th>
                    <Table.Th>{t('sample')}</Table.Th>
                    <Table.Th>{t('field')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.headers.map((header, index) => (
                    <Table.Tr key={header}>
                      <Table.Td>{header}</Table.Td>
                      <Table.Td>{preview.rows[0]?.[index] ?? ''}</Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={header}
                          data={fieldOptions}
                          value={mapping[header] ?? ''}
                          onChange={(value) => setMapping({ ...mapping, [header]: value || null })}
                          searchable
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {preview.unmapped.length > 0 && <Text c="dimmed">{t('unmapped', { columns: preview.unmapped.join(', ') })}</Text>}
              <Group grow>
                <Select
                  label={t('mode')}
                  data={MODES.map((m) => ({ value: m, label: t(`modes.${m}`) }))}
                  value={mode}
                  onChange={(value) => setMode((value as (typeof MODES)[number]) ?? 'create')}
                />
                <Select
                  label={t('key')}
                  data={[{ value: '', label: t('noKey') }, ...mappedFields.map((f) => ({ value: f, label: f }))]}
                  value={key ?? ''}
                  onChange={(value) => setKey(value || null)}
                />
              </Group>
              <Checkbox label={t('dryRun')} checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
              <Group>
                <Button onClick={start} loading={busy}>
                  {t('start')}
                </Button>
              </Group>
            </>
          )}
        </>
      )}
      {state && (
        <Stack data-testid="import-status">
          <Text fw={600}>{t(`status.${state.status}`)}</Text>
          {state.message && <Alert color="red">{state.message}</Alert>}
          <Progress
            value={total ? (100 * state.progress.rowsRead) / Math.max(1, total) : state.status === 'done' ? 100 : 0}
            animated={state.status === 'running' || state.status === 'queued'}
          />
          <Text>{t('progress', { read: state.progress.rowsRead, total: total ?? '?' })}</Text>
          <Text data-testid="import-counts">{t('counts', state.counts)}</Text>
          {state.counts.warnings > 0 && <Text c="dimmed">{t('warnings')}</Text>}
          {state.errors.length > 0 && (
            <>
              <Title order={4}>{t('errors')}</Title>
              <Anchor href={`/api/v1/imports/${state.id}/errors.csv`} download>
                {t('downloadErrors')}
              </Anchor>
              <Table data-testid="import-errors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('row')}</Table.Th>
                    <Table.Th>{t('field')}</Table.Th>
                    <Table.Th>{t('message')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {state.errors.map((e, i) => (
                    <Table.Tr key={`${e.row}-${i}`}>
                      <Table.Td>{e.row}</Table.Td>
                      <Table.Td>{e.field ?? ''}</Table.Td>
                      <Table.Td>{e.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
          {(state.status === 'done' || state.status === 'failed') && (
            <Group>
              <Button variant="default" onClick={() => choose(null)}>
                {t('another')}
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  );
}
