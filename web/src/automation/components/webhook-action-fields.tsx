import { useRef } from 'react';
import { Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../records/api';
import { useWebhooks } from '../../settings/hooks/use-webhooks';
import {
  WEBHOOK_CONTENT_TYPES,
  WEBHOOK_METHODS,
  type Action,
  type WebhookContentType,
  type WebhookHeader,
  type WebhookMethod,
} from '../api';
import { insertAtCursor, MergeFieldPicker } from './merge-field-picker';
import { AddRowButton, RemoveRowButton } from './row-buttons';

type WebhookAction = Extract<Action, { type: 'webhook' }>;

const CONTENT_TYPE_KEYS: Record<WebhookContentType, string> = {
  'application/json': 'json',
  'application/x-www-form-urlencoded': 'form',
  'text/plain': 'text',
};

/** Leaves out the parts that say what the server assumes anyway, so a plain action stays `{type, webhookId}`. */
function tidy(action: WebhookAction): WebhookAction {
  const next: WebhookAction = { type: 'webhook', webhookId: action.webhookId };
  if (action.method && action.method !== 'POST') next.method = action.method;
  if (action.headers && action.headers.length > 0) next.headers = action.headers;
  const hasBody = next.method !== 'GET' && next.method !== 'DELETE';
  if (hasBody && action.bodyTemplate) next.bodyTemplate = action.bodyTemplate;
  if (hasBody && action.contentType && action.contentType !== 'application/json') next.contentType = action.contentType;
  return next;
}

/** A webhook action: the webhook, then the request — method, headers, content type and a body template with merge fields. */
export function WebhookActionFields({
  action,
  fields,
  onChange,
}: {
  action: WebhookAction;
  fields: Field[];
  onChange: (action: Action) => void;
}) {
  const { t } = useTranslation('automation');
  const webhooks = useWebhooks();
  const body = useRef<HTMLTextAreaElement>(null);
  const method = action.method ?? 'POST';
  const headers = action.headers ?? [];
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const change = (patch: Partial<WebhookAction>) => onChange(tidy({ ...action, ...patch }));
  const setHeader = (index: number, patch: Partial<WebhookHeader>) =>
    change({ headers: headers.map((header, i) => (i === index ? { ...header, ...patch } : header)) });

  const insert = (snippet: string) => {
    const { text, cursor } = insertAtCursor(action.bodyTemplate ?? '', body.current, snippet);
    change({ bodyTemplate: text });
    requestAnimationFrame(() => body.current?.setSelectionRange(cursor, cursor));
  };

  return (
    <Stack gap="xs">
      <Select
        label={t('editor.webhook')}
        description={t('editor.webhookHint')}
        required
        data={(webhooks.data ?? []).map((webhook) => ({ value: webhook.id, label: `${webhook.name} — ${webhook.url}` }))}
        value={action.webhookId || null}
        onChange={(webhookId) => webhookId && change({ webhookId })}
        allowDeselect={false}
      />
      <Group grow align="flex-start">
        <Select
          label={t('actionEditor.webhook.method')}
          data={[...WEBHOOK_METHODS]}
          value={method}
          onChange={(value) => value && change({ method: value as WebhookMethod })}
          allowDeselect={false}
        />
        <Select
          label={t('actionEditor.webhook.contentType')}
          data={WEBHOOK_CONTENT_TYPES.map((value) => ({
            value,
            label: t(`actionEditor.webhook.contentTypes.${CONTENT_TYPE_KEYS[value]}`),
          }))}
          value={action.contentType ?? 'application/json'}
          onChange={(value) => value && change({ contentType: value as WebhookContentType })}
          disabled={!hasBody}
          allowDeselect={false}
        />
      </Group>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('actionEditor.webhook.headers')}
        </Text>
        <Text size="xs" c="dimmed">
          {headers.length === 0 ? `${t('actionEditor.webhook.noHeaders')} ` : ''}
          {t('actionEditor.webhook.headersHint')}
        </Text>
        {headers.map((header, index) => (
          <Group key={index} gap="xs" wrap="nowrap" align="flex-start" data-testid="webhook-header">
            <TextInput
              aria-label={t('actionEditor.webhook.headerName')}
              placeholder={t('actionEditor.webhook.headerName')}
              maxLength={100}
              value={header.name}
              onChange={(event) => setHeader(index, { name: event.currentTarget.value })}
              style={{ flex: 1 }}
            />
            <TextInput
              aria-label={t('actionEditor.webhook.headerValue')}
              placeholder={t('actionEditor.webhook.headerValue')}
              maxLength={2000}
              value={header.value}
              onChange={(event) => setHeader(index, { value: event.currentTarget.value })}
              style={{ flex: 2 }}
            />
            <RemoveRowButton
              label={t('actionEditor.webhook.removeHeader', { name: header.name })}
              onClick={() => change({ headers: headers.filter((_, i) => i !== index) })}
            />
          </Group>
        ))}
        <AddRowButton
          label={t('actionEditor.webhook.addHeader')}
          disabled={headers.length >= 20}
          onClick={() => onChange({ ...action, headers: [...headers, { name: '', value: '' }] })}
        />
      </Stack>
      {hasBody ? (
        <Stack gap={4}>
          <Group justify="space-between" align="flex-end">
            <Text size="sm" fw={500}>
              {t('actionEditor.webhook.body')}
            </Text>
            <MergeFieldPicker fields={fields} onPick={insert} />
          </Group>
          <Textarea
            ref={body}
            aria-label={t('actionEditor.webhook.body')}
            description={t('actionEditor.webhook.bodyHint')}
            autosize
            minRows={3}
            maxRows={14}
            maxLength={20000}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={action.bodyTemplate ?? ''}
            onChange={(event) => change({ bodyTemplate: event.currentTarget.value })}
          />
        </Stack>
      ) : (
        <Text size="xs" c="dimmed">
          {t('actionEditor.webhook.noBody')}
        </Text>
      )}
    </Stack>
  );
}
