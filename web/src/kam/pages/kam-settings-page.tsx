import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { useModule } from '../../records/hooks/use-records';
import { useKamSettings, useSaveKamSettings } from '../api';

/** The KPI ids a target may be set for (server/src/kam/settings/kam-settings.rules.ts). */
const KPI_IDS = [
  'nps',
  'csat',
  'enps',
  'churn_rate',
  'revenue_churn',
  'nrr',
  'grr',
  'renewal_rate',
  'upsell_rate',
  'cross_sell_rate',
  'clv',
  'referenceable_rate',
  'outcomes_on_track',
  'touchpoints',
  'days_since_last_touch',
  'resolution_time_hours',
  'referral_revenue_share',
  'repeat_customer_share',
  'new_to_repeat_ratio',
  'sla_compliance',
  'sow_growth',
  'acquisition_rate',
  'health_score',
] as const;

const FACTORS = [
  'nps',
  'touch_cadence',
  'cases_past_sla',
  'renewal_risk',
  'outcomes_on_track',
  'revenue_trend',
  'relationship_coverage',
] as const;

type Numbers = Record<string, number | string>;

/** Settings › Key account management: acquisition cost, cadence per tier, KPI targets, health weights. */
export function KamSettingsPage() {
  const { t, i18n } = useTranslation('kam');
  const settings = useKamSettings();
  const accounts = useModule('accounts');
  const save = useSaveKamSettings();
  const [cost, setCost] = useState('');
  const [cadence, setCadence] = useState<Numbers>({});
  const [targets, setTargets] = useState<Numbers>({});
  const [weights, setWeights] = useState<Numbers>({});

  useEffect(() => {
    if (!settings.data) return;
    setCost(settings.data.acquisitionCost ?? '');
    setCadence(settings.data.cadenceDays);
    setTargets(settings.data.targets);
    setWeights(settings.data.healthWeights);
  }, [settings.data]);

  if (settings.isError) return <Alert color="red">{errorMessage(settings.error, t)}</Alert>;
  if (!settings.data || !accounts.data) return <PageLoader />;
  const language = i18n.language === 'en' ? 'en' : 'es';
  const tiers = accounts.data.fields.find((field) => field.apiName === 'tier')?.options.values?.filter((v) => !v.hidden) ?? [];
  const fieldError = (field: string) =>
    save.error instanceof ApiError && save.error.field === field ? errorMessage(save.error, t) : undefined;
  const numbers = (values: Numbers) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== '' && value !== undefined)
        .map(([key, value]) => [key, Number(value)]),
    );

  const submit = () => {
    const targetValues = numbers(Object.fromEntries(Object.entries(targets).filter(([key]) => key !== 'clv')));
    const clv = targets.clv;
    save.mutate(
      {
        acquisitionCost: cost.trim() === '' ? null : cost.trim().replace(',', '.'),
        cadenceDays: numbers(cadence),
        targets: { ...targetValues, ...(clv !== undefined && clv !== '' ? { clv: String(clv).replace(',', '.') } : {}) },
        healthWeights: numbers(weights),
      },
      { onSuccess: () => notifications.show({ color: 'green', message: t('settings.saved') }) },
    );
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2}>{t('settings.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('settings.hint')}
          </Text>
        </Stack>
        <Paper withBorder radius="md" p="md">
          <Stack gap="md">
            <TextInput
              label={t('settings.acquisitionCost')}
              inputMode="decimal"
              maw={260}
              value={cost}
              onChange={(e) => setCost(e.currentTarget.value)}
              error={fieldError('acquisitionCost')}
            />
            <Text fw={600}>{t('settings.cadence')}</Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              {tiers.map((tier) => (
                <NumberInput
                  key={tier.code}
                  label={tier.labels[language]}
                  min={1}
                  max={365}
                  allowDecimal={false}
                  value={cadence[tier.code] ?? ''}
                  onChange={(value) => setCadence((c) => ({ ...c, [tier.code]: value }))}
                  error={fieldError(`cadenceDays.${tier.code}`)}
                />
              ))}
            </SimpleGrid>
          </Stack>
        </Paper>
        <Paper withBorder radius="md" p="md">
          <Text fw={600}>{t('settings.targets')}</Text>
          <Text size="sm" c="dimmed" mb="sm">
            {t('settings.targetsHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            {KPI_IDS.map((id) =>
              id === 'clv' ? (
                <TextInput
                  key={id}
                  label={t(`cockpit.kpis.${id}`)}
                  inputMode="decimal"
                  value={String(targets[id] ?? '')}
                  onChange={({ currentTarget: { value } }) => setTargets((v) => ({ ...v, [id]: value }))}
                  error={fieldError(`targets.${id}`)}
                />
              ) : (
                <NumberInput
                  key={id}
                  label={t(`cockpit.kpis.${id}`)}
                  decimalScale={4}
                  value={targets[id] ?? ''}
                  onChange={(value) => setTargets((v) => ({ ...v, [id]: value }))}
                  error={fieldError(`targets.${id}`)}
                />
              ),
            )}
          </SimpleGrid>
        </Paper>
        <Paper withBorder radius="md" p="md">
          <Text fw={600}>{t('settings.weights')}</Text>
          <Text size="sm" c="dimmed" mb="sm">
            {t('settings.weightsHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            {FACTORS.map((id) => (
              <NumberInput
                key={id}
                label={t(`settings.factors.${id}`)}
                min={0}
                max={100}
                value={weights[id] ?? ''}
                onChange={(value) => setWeights((v) => ({ ...v, [id]: value }))}
                error={fieldError(`healthWeights.${id}`)}
              />
            ))}
          </SimpleGrid>
        </Paper>
        {save.isError && !(save.error instanceof ApiError && save.error.field) && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t('settings.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
