import { Paper, Stack, Title } from '@mantine/core';
import { useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { MergeRecords } from '../components/merge-records';

/** /records/:module/merge?ids=a,b[,c] — the merge screen (from a duplicate warning or a list's selection). */
export function MergePage() {
  const { t } = useTranslation('crm');
  const { module } = useParams({ strict: false }) as { module: string };
  const navigate = useNavigate();
  // The ids as written in the address (comma-separated).
  const list = (new URLSearchParams(useLocation().searchStr).get('ids') ?? '').split(',').filter(Boolean);
  return (
    <Stack gap="md">
      <Title order={2}>{t('merge.title')}</Title>
      <Paper withBorder p="lg" radius="md">
        <MergeRecords
          module={module}
          ids={list}
          onMerged={(masterId) => void navigate({ to: '/records/$module/$id', params: { module, id: masterId } })}
        />
      </Paper>
    </Stack>
  );
}
