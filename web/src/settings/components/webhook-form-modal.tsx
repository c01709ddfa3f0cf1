import { useState } from 'react';
import { Checkbox, Stack, Switch, TagsInput, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { useCreateWebhook, useUpdateWebhook, WEBHOOK_EVENTS, type Webhook } from '../hooks/use-webhooks';
import { fieldErrorUnder, notifySuccess } from './feedback';
import { ModalForm } from './modal-form';
import { NameInput, useRequiredName } from './name-input';
import { WebhookSecret } from './webhook-secret';

export type WebhookDialog = { mode: 'create' } | { mode: 'edit'; webhook: Webhook };

const MODULE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Create or edit a webhook; after creating, the dialog shows the signing secret (once). */
export function WebhookFormModal({ dialog, onClose }: { dialog: WebhookDialog | null; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const [secret, setSecret] = useState<string | null>(null);
  const close = () => {
    setSecret(null);
    onClose();
  };
  return (
    <AppModal
      opened={dialog !== null}
      onClose={close}
      title={
        secret
          ? t('webhooks.secretTitle')
          : dialog?.mode === 'edit'
            ? t('webhooks.editTitle', { name: dialog.webhook.name })
            : t('webhooks.createTitle')
      }
      size="lg"
    >
      {secret ? (
        <WebhookSecret secret={secret} onDone={close} />
      ) : (
        dialog && <WebhookForm dialog={dialog} onDone={close} onCreated={setSecret} />
      )}
    </AppModal>
  );
}

function WebhookForm({ dialog, onDone, onCreated }: { dialog: WebhookDialog; onDone: () => void; onCreated: (secret: string) => void }) {
  const { t } = useTranslation('settings');
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const editing = dialog.mode === 'edit' ? dialog.webhook : null;
  const mutation = editing ? update : create;
  const name = useRequiredName(editing?.name ?? '');
  const [url, setUrl] = useState(editing?.url ?? 'https://');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [allEvents, setAllEvents] = useState(editing ? editing.events.includes('*') : true);
  const [events, setEvents] = useState<string[]>(editing && !editing.events.includes('*') ? editing.events : []);
  const [eventsError, setEventsError] = useState<string | null>(null);
  const [modules, setModules] = useState<string[]>(editing?.modules ?? []);
  const [active, setActive] = useState(editing?.active ?? true);

  function handleSubmit() {
    const trimmedName = name.take();
    const trimmedUrl = url.trim();
    const urlOk = /^https?:\/\/[^/\s]+/i.test(trimmedUrl);
    setUrlError(urlOk ? null : t('webhooks.badUrl'));
    const chosen = allEvents ? ['*'] : events;
    setEventsError(chosen.length ? null : t('webhooks.pickEvents'));
    if (!trimmedName || !urlOk || chosen.length === 0) return;
    const body = { name: trimmedName, url: trimmedUrl, events: chosen, modules, active };
    if (editing)
      update.mutate(
        { id: editing.id, patch: body },
        { onSuccess: () => (notifySuccess(t('webhooks.saved', { name: trimmedName })), onDone()) },
      );
    else
      create.mutate(body, {
        onSuccess: (created) => {
          notifySuccess(t('webhooks.created', { name: trimmedName }));
          onCreated(created.secret);
        },
      });
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={mutation.error}
      fields={['name', 'url', 'events', 'modules', 'active']}
      submitLabel={editing ? t('app:common.save') : t('app:common.create')}
      submitting={mutation.isPending}
    >
      <NameInput label={t('webhooks.name')} name={name} serverError={fieldError(mutation.error, 'name')} />
      <TextInput
        label={t('webhooks.url')}
        description={t('webhooks.urlHint')}
        required
        type="url"
        value={url}
        onChange={(event) => {
          setUrl(event.currentTarget.value);
          setUrlError(null);
        }}
        maxLength={2000}
        error={urlError ?? fieldError(mutation.error, 'url')}
      />
      <Checkbox.Group
        label={t('webhooks.events')}
        description={t('webhooks.eventsHint')}
        value={allEvents ? [...WEBHOOK_EVENTS] : events}
        onChange={(value) => {
          setEvents(value);
          setEventsError(null);
        }}
        error={eventsError ?? fieldErrorUnder(mutation.error, 'events')}
      >
        <Stack gap={6} mt={6}>
          <Switch
            label={t('webhooks.allEvents')}
            checked={allEvents}
            onChange={(event) => {
              setAllEvents(event.currentTarget.checked);
              setEventsError(null);
            }}
          />
          {WEBHOOK_EVENTS.map((event) => (
            <Checkbox key={event} value={event} label={t(`webhooks.event.${event}`)} disabled={allEvents} />
          ))}
        </Stack>
      </Checkbox.Group>
      <TagsInput
        label={t('webhooks.modules')}
        description={t('webhooks.modulesHint')}
        placeholder={modules.length ? undefined : t('webhooks.allModules')}
        value={modules}
        onChange={(value) => setModules(value.map((module) => module.trim().toLowerCase()).filter((module) => MODULE_NAME.test(module)))}
        clearable
        error={fieldErrorUnder(mutation.error, 'modules')}
      />
      <Switch label={t('webhooks.active')} checked={active} onChange={(event) => setActive(event.currentTarget.checked)} />
    </ModalForm>
  );
}
