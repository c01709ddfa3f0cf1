import { useState } from 'react';
import { ActionIcon, Box, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import type { Display, Field, RecordData } from '../api';
import { isComputed } from '../format';
import { useUpdateRecord } from '../hooks/use-records';
import { FieldInput } from './field-input';
import { FieldValue } from './field-value';
import { errorsByField } from './field-errors';

/** One field of the record page: its value; click → the input for its type → save with PATCH, errors beside it. */
export function InlineField({
  module,
  field,
  record,
  display,
  canEdit,
}: {
  module: string;
  field: Field;
  record: RecordData;
  display: Display;
  canEdit: boolean;
}) {
  const { t } = useTranslation('records');
  const update = useUpdateRecord(module, record.id);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<unknown>(null);
  const editable = canEdit && !isComputed(field);
  const error = update.error ? (errorsByField(update.error)[field.apiName] ?? errorMessage(update.error, t)) : undefined;

  const start = () => {
    update.reset();
    setDraft(record[field.apiName] ?? null);
    setEditing(true);
  };
  const save = () => {
    update.mutate(
      { [field.apiName]: draft === '' ? null : draft },
      {
        onSuccess: () => {
          setEditing(false);
          notifications.show({ color: 'green', message: t('record.saved') });
        },
      },
    );
  };

  return (
    <Stack gap={2} data-testid={`field-${field.apiName}`}>
      <Text size="xs" c="dimmed" fw={500}>
        {field.label}
      </Text>
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setEditing(false);
          }}
        >
          <Group gap={4} align="flex-start" wrap="nowrap">
            <Box style={{ flex: 1 }}>
              <FieldInput field={field} value={draft} onChange={setDraft} error={error} display={display} hideLabel autoFocus />
            </Box>
            <ActionIcon type="submit" variant="filled" size="lg" loading={update.isPending} aria-label={t('app:common.save')}>
              <IconCheck size={16} />
            </ActionIcon>
            <ActionIcon variant="default" size="lg" onClick={() => setEditing(false)} aria-label={t('app:common.cancel')}>
              <IconX size={16} />
            </ActionIcon>
          </Group>
        </form>
      ) : editable ? (
        <Group gap={4} wrap="nowrap" className="inline-field">
          <UnstyledButton onClick={start} aria-label={t('record.editField', { field: field.label })} style={{ flex: 1, minHeight: 24 }}>
            <FieldValue field={field} record={record} display={display} />
          </UnstyledButton>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={start} aria-hidden tabIndex={-1}>
            <IconPencil size={14} />
          </ActionIcon>
        </Group>
      ) : (
        <Box mih={24}>
          <FieldValue field={field} record={record} display={display} />
        </Box>
      )}
    </Stack>
  );
}
