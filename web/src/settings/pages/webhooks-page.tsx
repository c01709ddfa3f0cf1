import { useState } from 'react';
import { Badge, Box, Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { IconKey, IconListDetails, IconPencil, IconTrash, IconWebhook } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { ConfirmModal } from '../../components/confirm-modal';
import { TooltipIconButton } from '../../components/tooltip-icon-button';
import { ConfirmRemoveModal } from '../components/confirm-remove-modal';
import { notifyFailure, notifySuccess } from '../components/feedback';
import { SettingsListPage } from '../components/settings-list-page';
import { WebhookDeliveriesModal } from '../components/webhook-deliveries-modal';
import { WebhookFormModal, type WebhookDialog } from '../components/webhook-form-modal';
import { WebhookSecret } from '../components/webhook-secret';
import { useDeleteWebhook, useRotateWebhookSecret, useUpdateWebhook, useWebhooks, type Webhook } from '../hooks/use-webhooks';

/** /settings/webhooks: URLs that receive the organization's record events, signed; their delivery logs. */
export function WebhooksPage() {
  const { t } = useTranslation('settings');
  const webhooks = useWebhooks();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhookSecret();
  const [dialog, setDialog] = useState<WebhookDialog | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [newSecret, setNewSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<Webhook | null>(null);

  const toggle = (webhook: Webhook, active: boolean) =>
    update.mutate(
      { id: webhook.id, patch: { active } },
      {
        onSuccess: () => notifySuccess(t(active ? 'webhooks.activated' : 'webhooks.deactivated', { name: webhook.name })),
        onError: (error) => notifyFailure(errorMessage(error, t)),
      },
    );

  return (
    <>
      <SettingsListPage
        title={t('sections.webhooks')}
        description={t('webhooks.description')}
        query={webhooks}
        createLabel={t('webhooks.create')}
        onCreate={() => setDialog({ mode: 'create' })}
        empty={{ icon: <IconWebhook size={28} />, title: t('webhooks.emptyTitle'), body: t('webhooks.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('sections.webhooks')}>
            {list.map((webhook, index) => (
              <Group
                key={webhook.id}
                role="listitem"
                justify="space-between"
                align="flex-start"
                wrap="nowrap"
                gap="sm"
                px="md"
                py="sm"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                data-testid="webhook-row"
              >
                <Stack gap={6} style={{ minWidth: 0 }}>
                  <Box>
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        {webhook.name}
                      </Text>
                      {!webhook.active && (
                        <Badge size="sm" variant="light" color="gray">
                          {t('webhooks.inactive')}
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                      {webhook.url}
                    </Text>
                  </Box>
                  <Group gap={4}>
                    {webhook.events.includes('*') ? (
                      <Badge variant="light" tt="none">
                        {t('webhooks.allEvents')}
                      </Badge>
                    ) : (
                      webhook.events.map((event) => (
                        <Badge key={event} variant="light" tt="none">
                          {t(`webhooks.event.${event}`, { defaultValue: event })}
                        </Badge>
                      ))
                    )}
                    {webhook.modules.length === 0 ? (
                      <Badge variant="outline" color="gray" tt="none">
                        {t('webhooks.allModules')}
                      </Badge>
                    ) : (
                      webhook.modules.map((module) => (
                        <Badge key={module} variant="outline" color="grape" tt="none">
                          {module}
                        </Badge>
                      ))
                    )}
                  </Group>
                </Stack>
                <Group gap={2} wrap="nowrap">
                  <Switch
                    aria-label={t('webhooks.activate', { name: webhook.name })}
                    checked={webhook.active}
                    onChange={(event) => toggle(webhook, event.currentTarget.checked)}
                    mr="xs"
                  />
                  <TooltipIconButton
                    tooltip={t('webhooks.deliveries')}
                    label={t('webhooks.deliveriesNamed', { name: webhook.name })}
                    color="gray"
                    icon={<IconListDetails size={18} />}
                    onClick={() => setLogOf(webhook)}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.edit')}
                    label={t('webhooks.editNamed', { name: webhook.name })}
                    color="gray"
                    icon={<IconPencil size={18} />}
                    onClick={() => setDialog({ mode: 'edit', webhook })}
                  />
                  <TooltipIconButton
                    tooltip={t('webhooks.rotate')}
                    label={t('webhooks.rotateNamed', { name: webhook.name })}
                    color="gray"
                    icon={<IconKey size={18} />}
                    onClick={() => {
                      rotate.reset();
                      setRotating(webhook);
                    }}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.delete')}
                    label={t('webhooks.deleteNamed', { name: webhook.name })}
                    color="red"
                    icon={<IconTrash size={18} />}
                    onClick={() => {
                      remove.reset();
                      setDeleting(webhook);
                    }}
                  />
                </Group>
              </Group>
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <WebhookFormModal dialog={dialog} onClose={() => setDialog(null)} />
      <WebhookDeliveriesModal webhook={logOf} onClose={() => setLogOf(null)} />
      <ConfirmModal
        opened={rotating !== null}
        title={t('webhooks.rotateTitle', { name: rotating?.name ?? '' })}
        message={t('webhooks.rotateBody')}
        confirmLabel={t('webhooks.rotate')}
        danger
        loading={rotate.isPending}
        error={rotate.error}
        onClose={() => setRotating(null)}
        onConfirm={() =>
          rotating &&
          rotate.mutate(rotating.id, {
            onSuccess: (answer) => {
              setRotating(null);
              setNewSecret(answer.secret);
            },
          })
        }
      />
      <AppModal opened={newSecret !== null} onClose={() => setNewSecret(null)} title={t('webhooks.secretTitle')} size="lg">
        {newSecret && <WebhookSecret secret={newSecret} onDone={() => setNewSecret(null)} />}
      </AppModal>
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('webhooks.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('webhooks.deleteBody')}
        doneMessage={t('webhooks.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
