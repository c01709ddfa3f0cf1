import { Alert, Button, Drawer, Group, NumberInput, Select, Stack } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUsers } from '../../../settings/hooks/use-users';
import { ESCALATION_NOTIFY, type BlueprintState, type EscalationNotify } from '../api';

/** The side drawer of one state: its time limit in hours and whom to notify when it passes. */
export function StateDrawer({
  state,
  label,
  problems,
  onChange,
  onRemove,
  onClose,
}: {
  state: BlueprintState | null;
  label: string;
  problems: string[];
  onChange: (patch: Partial<BlueprintState>) => void;
  onRemove: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  const users = useUsers({ active: true });
  const escalation = state?.escalation ?? null;
  return (
    <Drawer
      opened={state !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={t('stateTitle', { name: label })}
      closeButtonProps={{ 'aria-label': t('app:common.close') }}
    >
      {state && (
        <Stack gap="sm" data-testid="state-drawer">
          {problems.map((problem) => (
            <Alert key={problem} color="red" role="alert">
              {problem}
            </Alert>
          ))}
          <NumberInput
            label={t('timeLimit')}
            description={t('timeLimitHint')}
            min={1}
            max={8760}
            allowDecimal={false}
            value={state.timeLimitHours ?? ''}
            onChange={(hours) =>
              typeof hours === 'number' ? onChange({ timeLimitHours: hours }) : onChange({ timeLimitHours: null, escalation: null })
            }
          />
          <Select
            label={t('escalation')}
            disabled={!state.timeLimitHours}
            data={[
              { value: 'none', label: t('notify.none') },
              ...ESCALATION_NOTIFY.map((notify) => ({ value: notify, label: t(`notify.${notify}`) })),
            ]}
            value={escalation?.notify ?? 'none'}
            onChange={(notify) =>
              onChange({
                escalation:
                  !notify || notify === 'none'
                    ? null
                    : { ...escalation, notify: notify as EscalationNotify, userId: notify === 'user' ? escalation?.userId : undefined },
              })
            }
            allowDeselect={false}
          />
          {escalation?.notify === 'user' && (
            <Select
              label={t('user')}
              required
              searchable
              data={(users.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
              value={escalation.userId ?? null}
              onChange={(userId) => onChange({ escalation: { ...escalation, userId: userId ?? undefined } })}
            />
          )}
          <Group justify="space-between" mt="md">
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={onRemove}>
              {t('removeState')}
            </Button>
            <Button onClick={onClose}>{t('done')}</Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
