import { useState } from 'react';
import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Display, ModuleDetail, RecordData } from '../../../records/api';
import { useFormatMoment } from '../../approvals/hooks/use-format-moment';
import { useRecordBlueprint, useRefreshRecordBlueprint, type OfferedTransition } from '../api';
import { elapsedParts } from '../format';
import { TakeTransitionModal } from './take-transition-modal';

/**
 * The record page's Blueprint panel, shown only when a Blueprint governs the record: the current state, how long it
 * has been in it and when it is due (red once overdue), a button per transition open to the caller, the history.
 */
export function BlueprintPanel({ module, record, display }: { module: ModuleDetail; record: RecordData; display: Display }) {
  const { t } = useTranslation('automationBlueprints');
  const answer = useRecordBlueprint(module.apiName, record.id);
  const refresh = useRefreshRecordBlueprint(module.apiName, record.id);
  const when = useFormatMoment();
  const [taking, setTaking] = useState<OfferedTransition | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const data = answer.data;
  if (!data?.blueprint) return null;
  const { state } = data;
  const elapsed = state ? elapsedParts(state.enteredAt) : null;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('panelTitle')} data-testid="blueprint-panel">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={4}>{t('panelTitle')}</Title>
        <Text size="xs" c="dimmed" truncate>
          {data.blueprint.name}
        </Text>
      </Group>
      <Stack gap="sm">
        {state && (
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {t('currentState')} · {data.blueprint.fieldLabel}
            </Text>
            <Group gap="xs">
              <Badge size="lg" variant="light" color={state.overdue ? 'red' : 'blue'} data-testid="blueprint-state">
                {state.label}
              </Badge>
            </Group>
            {elapsed && (
              <Text size="sm" c="dimmed">
                {t('inStateFor', { duration: t(`duration.${elapsed.unit}`, elapsed) })}
              </Text>
            )}
            {state.dueAt && (
              <Text size="sm" c={state.overdue ? 'red' : 'dimmed'} fw={state.overdue ? 600 : undefined} data-testid="blueprint-due">
                {t(state.overdue ? 'overdueSince' : 'dueAt', { time: when(state.dueAt) })}
              </Text>
            )}
          </Stack>
        )}
        {conflict && (
          <Alert color="yellow" withCloseButton onClose={() => setConflict(null)} closeButtonLabel={t('app:common.close')}>
            {conflict}
          </Alert>
        )}
        {data.transitions.length > 0 ? (
          <Group gap="xs">
            {data.transitions.map((transition) => (
              <Button
                key={transition.id}
                size="sm"
                variant="light"
                rightSection={<IconArrowRight size={14} />}
                onClick={() => {
                  setConflict(null);
                  setTaking(transition);
                }}
              >
                {transition.name}
              </Button>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('noOffered')}
          </Text>
        )}
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('history')}
          </Text>
          {data.history.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('historyEmpty')}
            </Text>
          ) : (
            <List size="sm" spacing={6} aria-label={t('history')} data-testid="blueprint-history">
              {data.history.map((step) => (
                <List.Item key={step.id}>
                  <Text size="sm" span fw={500}>
                    {step.transitionName}
                  </Text>
                  <Text size="sm" span>
                    {': '}
                    {step.fromLabel ?? '—'} → {step.toLabel}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('historyBy', { name: step.user?.name ?? '—', time: when(step.at) })}
                  </Text>
                  {step.note && (
                    <Text size="sm" fs="italic">
                      “{step.note}”
                    </Text>
                  )}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      </Stack>
      <TakeTransitionModal
        transition={taking}
        fromLabel={state?.label ?? ''}
        module={module}
        record={record}
        display={display}
        onClose={() => setTaking(null)}
        onConflict={(message) => {
          setTaking(null);
          setConflict(message);
          void refresh();
        }}
      />
    </Paper>
  );
}
