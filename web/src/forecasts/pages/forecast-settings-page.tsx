import { useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { useForecastSettings, useSaveForecastSettings, type OpenCategory, type StageCategory } from '../api';

const OPEN_CATEGORIES: OpenCategory[] = ['pipeline', 'best_case', 'commit', 'omitted'];

/** Settings › Forecasts: the forecast category of each open deal stage (won and lost stages are fixed). */
export function ForecastSettingsPage() {
  const { t } = useTranslation('forecasts');
  const settings = useForecastSettings();
  if (settings.isError) return <Alert color="red">{errorMessage(settings.error, t)}</Alert>;
  if (!settings.data) return <PageLoader />;
  return <StageMapping key={JSON.stringify(settings.data.stages)} stages={settings.data.stages} />;
}

function StageMapping({ stages }: { stages: StageCategory[] }) {
  const { t, i18n } = useTranslation('forecasts');
  const save = useSaveForecastSettings();
  const [chosen, setChosen] = useState<Record<string, OpenCategory>>(() =>
    Object.fromEntries(stages.filter((stage) => !stage.fixed).map((stage) => [stage.stage, stage.category as OpenCategory])),
  );
  const label = (stage: StageCategory) => stage.labels[i18n.language] ?? stage.labels.es ?? stage.stage;
  const submit = (values: Record<string, OpenCategory>) =>
    save.mutate(values, { onSuccess: () => notifications.show({ color: 'teal', message: t('settings.saved') }) });
  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Title order={2}>{t('settings.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('settings.hint')}
        </Text>
      </Stack>
      <Paper withBorder p={0}>
        <Table aria-label={t('settings.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.stage')}</Table.Th>
              <Table.Th ta="right">{t('settings.probability')}</Table.Th>
              <Table.Th>{t('settings.category')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stages.map((stage) => (
              <Table.Tr key={stage.stage}>
                <Table.Td>{label(stage)}</Table.Td>
                <Table.Td ta="right">{stage.probability === null ? '—' : `${stage.probability} %`}</Table.Td>
                <Table.Td>
                  {stage.fixed ? (
                    <Group gap="xs">
                      <Text size="sm">{t(`categories.${stage.category}`)}</Text>
                      <Badge variant="light" color="gray" size="sm">
                        {t('settings.fixed')}
                      </Badge>
                    </Group>
                  ) : (
                    <Select
                      aria-label={`${t('settings.category')} · ${label(stage)}`}
                      w={220}
                      allowDeselect={false}
                      value={chosen[stage.stage] ?? stage.category}
                      data={OPEN_CATEGORIES.map((category) => ({ value: category, label: t(`categories.${category}`) }))}
                      description={t('settings.byDefault', { category: t(`categories.${stage.defaultCategory}`) })}
                      onChange={(value) => value && setChosen((current) => ({ ...current, [stage.stage]: value as OpenCategory }))}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {save.isError && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
      <Group justify="space-between">
        <Button variant="subtle" onClick={() => submit({})} loading={save.isPending}>
          {t('settings.reset')}
        </Button>
        <Button onClick={() => submit(chosen)} loading={save.isPending}>
          {t('save')}
        </Button>
      </Group>
    </Stack>
  );
}
