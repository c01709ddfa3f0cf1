import { Paper, Stack, Title } from '@mantine/core';
import { useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { MergeRecords } from '../components/merge-records';

/** /records/:module/merge?ids=a,b[,c] — the merge screen (from a duplicate warning or a list's selection). */
export function MergePage() {
  const { t } = useTranslation('crm');
  const { module } = useParams({ strict: false }) as { module: string };
  const { ids } = useSearch({ strict: false }) as { ids?: unknown };
  const list = String(ids ?? '')
    .split(',')
    .filter(Boolean);
  return (
    <Stack gap="md">
      <Title order={2}>{t('merge.title')}</Title>
      <Paper withBorder p="lg" radius="md">
        <MergeRecords module={module} ids={list} />
      </Paper>
    </Stack>
  );
}
