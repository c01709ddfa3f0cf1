import { useState } from 'react';
import { Alert, Anchor, Button, FileButton, Group, Stack, Text, Textarea } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import i18n from 'i18next';
import { ApiError, apiUpload } from '../../../app/api';
import { errorMessage } from '../../../app/errors';
import { AppModal } from '../../../components/app-modal';
import type { Display, Field, ModuleDetail, RecordData } from '../../../records/api';
import { FieldInput } from '../../../records/components/field-input';
import { errorsByField } from '../../../records/components/field-errors';
import { notifySuccess } from '../../../settings/components/feedback';
import { useTakeTransition, type OfferedTransition } from '../api';

/**
 * Taking a transition from the record page: the fields it asks for (the record form's inputs, filled with the
 * record's values), a note and an attachment when asked; the server's 400 details are shown on the fields.
 */
export function TakeTransitionModal({
  transition,
  fromLabel,
  module,
  record,
  display,
  onClose,
  onConflict,
}: {
  transition: OfferedTransition | null;
  fromLabel: string;
  module: ModuleDetail;
  record: RecordData | undefined;
  display: Display | undefined;
  onClose: () => void;
  /** The record moved meanwhile (409) or the transition is no longer the caller's (403): the panel reads itself again. */
  onConflict: (message: string) => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  return (
    <AppModal
      opened={transition !== null}
      onClose={onClose}
      size="lg"
      title={transition ? t('takeTitle', { name: transition.name, from: fromLabel, to: transition.toLabel }) : ''}
    >
      {transition && (
        <TakeForm
          key={transition.id}
          transition={transition}
          module={module}
          record={record}
          display={display}
          onClose={onClose}
          onConflict={onConflict}
        />
      )}
    </AppModal>
  );
}

/** The module's field for a required field the API names (its own description when the module hides it). */
function fieldOf(module: ModuleDetail, required: OfferedTransition['requiredFields'][number]): Field {
  const known = module.fields.find((field) => field.apiName === required.apiName);
  const base: Field = known ?? {
    id: required.apiName,
    apiName: required.apiName,
    type: required.type as Field['type'],
    label: required.label,
    labels: { es: required.label, en: required.label },
    isStandard: false,
    isSystem: false,
    readOnly: false,
    required: true,
    unique: false,
    defaultValue: null,
    helpText: null,
    options: { values: (required.options ?? []).map((option) => ({ code: option.value, labels: { es: option.label, en: option.label } })) },
    searchable: false,
  };
  return { ...base, required: true };
}

/** The messages of a refused transition by field: the record form's reading of `details.errors`, plus `details.fields`. */
function problemsByField(error: unknown): Record<string, string> {
  const result = errorsByField(error);
  if (!(error instanceof ApiError)) return result;
  // `details.fields` lists the names alone (`details.errors` has the messages, read above).
  const named: unknown[] = Array.isArray(error.details?.fields) ? error.details.fields : [];
  for (const name of named) if (typeof name === 'string') result[name] ??= i18n.t('records:errors.required');
  return result;
}

function TakeForm({
  transition,
  module,
  record,
  display,
  onClose,
  onConflict,
}: {
  transition: OfferedTransition;
  module: ModuleDetail;
  record: RecordData | undefined;
  display: Display | undefined;
  onClose: () => void;
  onConflict: (message: string) => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  const recordId = record?.id ?? '';
  const take = useTakeTransition(module.apiName, recordId);
  const client = useQueryClient();
  const fields = transition.requiredFields.map((required) => fieldOf(module, required));
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(fields.map((field) => [field.apiName, record?.[field.apiName] ?? null])),
  );
  const [note, setNote] = useState('');
  const [attachment, setAttachment] = useState<{ id: string; name: string } | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return apiUpload<{ id: string; name: string }>(`/records/${module.apiName}/${recordId}/attachments`, form);
    },
    onSuccess: (file) => {
      setAttachment({ id: file.id, name: file.name });
      // The file is the record's from now on, whether or not the transition is taken: its files panel shows it.
      void client.invalidateQueries({ queryKey: ['records', module.apiName, recordId, 'attachments'] });
    },
  });
  const serverErrors = problemsByField(take.error);
  const errors = { ...serverErrors, ...localErrors };
  const named = Object.keys(serverErrors).length > 0;

  const submit = () => {
    const missing: Record<string, string> = {};
    for (const field of fields) {
      const value = values[field.apiName];
      if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
        missing[field.apiName] = t('records:errors.required');
    }
    if (transition.note === 'required' && !note.trim()) missing.note = t('records:errors.required');
    if (transition.attachment === 'required' && !attachment) missing.attachmentId = t('records:errors.required');
    setLocalErrors(missing);
    if (Object.keys(missing).length > 0) return;
    take.mutate(
      {
        transitionId: transition.id,
        body: {
          ...(fields.length > 0 ? { values } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(attachment ? { attachmentId: attachment.id } : {}),
        },
      },
      {
        onSuccess: () => {
          notifySuccess(t('transitionDone', { name: transition.name }));
          onClose();
        },
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 409 || error.status === 403)) onConflict(errorMessage(error, t));
        },
      },
    );
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        {fields.map((field, index) => (
          <FieldInput
            key={field.apiName}
            field={field}
            value={values[field.apiName]}
            display={display}
            error={errors[field.apiName]}
            autoFocus={index === 0}
            onChange={(value) => setValues((current) => ({ ...current, [field.apiName]: value }))}
          />
        ))}
        {transition.note !== 'none' && (
          <Textarea
            label={t('noteLabel')}
            required={transition.note === 'required'}
            autosize
            minRows={2}
            maxLength={4000}
            value={note}
            error={errors.note}
            autoFocus={fields.length === 0}
            onChange={(event) => setNote(event.currentTarget.value)}
          />
        )}
        {transition.attachment !== 'none' && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('attachmentLabel')}
              {transition.attachment === 'required' && (
                <Text span c="red">
                  {' *'}
                </Text>
              )}
            </Text>
            <Group gap="sm">
              <FileButton onChange={(file) => file && upload.mutate(file)}>
                {(props) => (
                  <Button {...props} variant="default" size="xs" leftSection={<IconPaperclip size={14} />} loading={upload.isPending}>
                    {attachment ? t('attachmentChange') : t('attachmentPick')}
                  </Button>
                )}
              </FileButton>
              {attachment && (
                <Anchor
                  size="sm"
                  href={`/api/v1/records/${module.apiName}/${recordId}/attachments/${attachment.id}`}
                  download={attachment.name}
                >
                  {attachment.name}
                </Anchor>
              )}
            </Group>
            {(errors.attachmentId ?? errors.attachment) && (
              <Text size="xs" c="red">
                {errors.attachmentId ?? errors.attachment}
              </Text>
            )}
            {upload.error && (
              <Text size="xs" c="red">
                {errorMessage(upload.error, t)}
              </Text>
            )}
          </Stack>
        )}
        {take.error && !named && (
          <Alert color="red" role="alert">
            {errorMessage(take.error, t)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={take.isPending} disabled={upload.isPending}>
            {t('takeSubmit', { to: transition.toLabel })}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
