import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useSetQuota, type ForecastRow } from '../api';

/** Sets or removes one user's quota for the period shown. */
export function QuotaModal({
  row,
  period,
  periodLabel,
  currency,
  onClose,
}: {
  row: ForecastRow | null;
  period: string;
  periodLabel: string;
  currency: string;
  onClose: () => void;
}) {
  const { t } = useTranslation('forecasts');
  return (
    <Modal opened={row !== null} onClose={onClose} title={row ? t('quotaTitle', { name: row.name, period: periodLabel }) : ''}>
      {row && <QuotaForm key={`${row.userId}:${period}`} row={row} period={period} currency={currency} onClose={onClose} />}
    </Modal>
  );
}

function QuotaForm({ row, period, currency, onClose }: { row: ForecastRow; period: string; currency: string; onClose: () => void }) {
  const { t } = useTranslation('forecasts');
  const [amount, setAmount] = useState<string | number>(row.quota ?? '');
  const save = useSetQuota();
  const submit = (value: string | null) =>
    save.mutate(
      { userId: row.userId, period, amount: value },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: t('quotaSaved') });
          onClose();
        },
      },
    );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit(amount === '' ? null : String(amount));
      }}
    >
      <Stack>
        <NumberInput
          label={t('quotaAmount', { currency })}
          value={amount}
          onChange={setAmount}
          min={0}
          decimalScale={2}
          thousandSeparator=" "
          data-autofocus
        />
        {save.isError && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
        <Group justify="space-between">
          {row.quota !== null ? (
            <Button variant="subtle" color="red" onClick={() => submit(null)} loading={save.isPending}>
              {t('removeQuota')}
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
