import { Accordion, Badge, Button, Code, Group, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconRefresh, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { PageLoader } from '../../components/page-loader';
import { useFormatters } from '../hooks/use-formatters';
import {
  useRedeliver,
  useSendWebhookTest,
  useWebhookDeliveries,
  type DeliveryStatus,
  type Webhook,
  type WebhookDelivery,
} from '../hooks/use-webhooks';
import { notifyFailure, notifySuccess } from './feedback';
import { LoadError } from './settings-states';

const STATUS_COLORS: Record<DeliveryStatus, string> = { pending: 'blue', delivered: 'teal', failed: 'red' };

/** The delivery log of one webhook: each delivery with its attempts, redeliver, and a button that sends a test event. */
export function WebhookDeliveriesModal({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const { t } = useTranslation('settings');
  return (
    <AppModal opened={webhook !== null} onClose={onClose} title={t('webhooks.deliveriesTitle', { name: webhook?.name ?? '' })} size="xl">
      {webhook && <DeliveryLog webhook={webhook} />}
    </AppModal>
  );
}

function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation('settings');
  const deliveries = useWebhookDeliveries(webhook.id);
  const test = useSendWebhookTest();
  const list = deliveries.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <Stack>
      <Group justify="flex-end">
        <Button
          leftSection={<IconSend size={16} />}
          variant="light"
          loading={test.isPending}
          disabled={!webhook.active}
          onClick={() =>
            test.mutate(webhook.id, {
              onSuccess: () => notifySuccess(t('webhooks.testSent')),
              onError: (error) => notifyFailure(errorMessage(error, t)),
            })
          }
        >
          {t('webhooks.sendTest')}
        </Button>
      </Group>
      {deliveries.isPending ? (
        <PageLoader />
      ) : deliveries.isError ? (
        <LoadError error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : list.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="xl">
          {t('webhooks.noDeliveries')}
        </Text>
      ) : (
        <Accordion variant="separated" chevronPosition="left">
          {list.map((delivery) => (
            <DeliveryItem key={delivery.id} webhook={webhook} delivery={delivery} />
          ))}
        </Accordion>
      )}
      {deliveries.hasNextPage && (
        <Button variant="default" onClick={() => void deliveries.fetchNextPage()} loading={deliveries.isFetchingNextPage}>
          {t('loadMore')}
        </Button>
      )}
    </Stack>
  );
}

function DeliveryItem({ webhook, delivery }: { webhook: Webhook; delivery: WebhookDelivery }) {
  const { t } = useTranslation('settings');
  const format = useFormatters();
  const redeliver = useRedeliver();
  return (
    <Accordion.Item value={delivery.id} data-testid="delivery-row">
      <Accordion.Control>
        <Group gap="sm" wrap="wrap">
          <Badge variant="light" color={STATUS_COLORS[delivery.status]}>
            {t(`webhooks.status.${delivery.status}`)}
          </Badge>
          <Badge variant="outline" color="gray" tt="none" data-testid="delivery-method">
            {delivery.method}
          </Badge>
          <Text size="sm" fw={500}>
            {t(`webhooks.event.${delivery.event}`, { defaultValue: delivery.event })}
          </Text>
          {delivery.redeliveryOf && (
            <Badge variant="outline" color="gray" tt="none">
              {t('webhooks.redeliveryOf')}
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            {format.dateTime(delivery.createdAt)} · {t('webhooks.attempts', { count: delivery.attempts })}
            {delivery.lastStatusCode !== null ? ` · HTTP ${delivery.lastStatusCode}` : ''}
          </Text>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="sm">
          {delivery.status === 'pending' && delivery.nextAttemptAt && (
            <Text size="xs" c="dimmed">
              {t('webhooks.nextAttempt', { when: format.dateTime(delivery.nextAttemptAt) })}
            </Text>
          )}
          {delivery.attemptLog.length > 0 && (
            <ScrollArea>
              <Table fz="xs" verticalSpacing={4} aria-label={t('webhooks.attemptLog')}>
                <Table.Tbody>
                  {delivery.attemptLog.map((attempt) => (
                    <Table.Tr key={attempt.attempt}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{t('webhooks.attempt', { n: attempt.attempt })}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(attempt.createdAt)}</Table.Td>
                      <Table.Td>{attempt.statusCode ?? t('webhooks.noAnswer')}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{t('webhooks.duration', { ms: attempt.durationMs })}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-word' }}>
                        {attempt.error && (
                          <Text size="xs" c="red">
                            {attempt.error}
                          </Text>
                        )}
                        {attempt.responseBody && (
                          <Code block fz="xs" mah={120} style={{ overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                            {attempt.responseBody}
                          </Code>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
          {delivery.request && (
            <>
              <Text size="xs" fw={600}>
                {t('webhooks.requestSent')}
              </Text>
              <Code block fz="xs" mah={200} style={{ overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                {[
                  `${delivery.method} ${webhook.url}`,
                  ...(delivery.request.body === null ? [] : [`Content-Type: ${delivery.request.contentType}`]),
                  ...delivery.request.headers.map((header) => `${header.name}: ${header.value}`),
                  ...(delivery.request.body === null ? [] : ['', delivery.request.body]),
                ].join('\n')}
              </Code>
            </>
          )}
          <Text size="xs" fw={600}>
            {t('webhooks.payload')}
          </Text>
          <Code block fz="xs" mah={200} style={{ overflow: 'auto' }}>
            {JSON.stringify(delivery.data, null, 2)}
          </Code>
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="light"
              leftSection={<IconRefresh size={14} />}
              disabled={!webhook.active}
              loading={redeliver.isPending}
              onClick={() =>
                redeliver.mutate(
                  { id: webhook.id, deliveryId: delivery.id },
                  { onSuccess: () => notifySuccess(t('webhooks.redelivered')), onError: (error) => notifyFailure(errorMessage(error, t)) },
                )
              }
            >
              {t('webhooks.redeliver')}
            </Button>
          </Group>
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}
