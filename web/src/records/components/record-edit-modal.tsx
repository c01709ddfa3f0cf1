import { useState } from 'react';
import { Alert, Button, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import type { Display, ModuleDetail, RecordData } from '../api';
import { isComputed } from '../format';
import { useUpdateRecord } from '../hooks/use-records';
import { FieldInput } from './field-input';
import { errorsByField } from './field-errors';
import { sectionsOf } from './record-sections';

/** Edit every field of a record at once; only the changed ones are sent. */
export function RecordEditModal(props: {
  opened: boolean;
  module: ModuleDetail;
  record: RecordData;
  display: Display;
  /** Fields shown read-only with the reason (the field a Blueprint moves). */
  lockedFields?: Record<string, string>;
  onClose: () => void;
}) {
  const { t } = useTranslation('records');
  return (
    <AppModal opened={props.opened} onClose={props.onClose} title={t('record.edit')} size="xl">
      {props.opened && <EditForm {...props} />}
    </AppModal>
  );
}

function EditForm({
  module,
  record,
  display,
  lockedFields = {},
  onClose,
}: {
  module: ModuleDetail;
  record: RecordData;
  display: Display;
  lockedFields?: Record<string, string>;
  onClose: () => void;
}) {
  const { t } = useTranslation('records');
  const update = useUpdateRecord(module.apiName, record.id);
  const [values, setValues] = useState<Record<string, unknown>>(() => ({ ...record }));
  const fieldErrors = errorsByField(update.error);
  const other = update.error && Object.keys(fieldErrors).length === 0 ? errorMessage(update.error, t) : null;

  const submit = () => {
    const changed: Record<string, unknown> = {};
    for (const field of module.fields) {
      if (isComputed(field) || lockedFields[field.apiName]) continue;
      const before = record[field.apiName] ?? null;
      const after = values[field.apiName] === '' ? null : (values[field.apiName] ?? null);
      if (JSON.stringify(before) !== JSON.stringify(after)) changed[field.apiName] = after;
    }
    if (Object.keys(changed).length === 0) return onClose();
    update.mutate(changed, {
      onSuccess: () => {
        notifications.show({ color: 'green', message: t('record.saved') });
        onClose();
      },
    });
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      noValidate
    >
      <Stack>
        {sectionsOf(module, t('record.details')).map((section) => {
          const fields = section.fields.filter((field) => !isComputed(field));
          if (fields.length === 0) return null;
          return (
            <Stack key={section.key} gap="xs">
              <Title order={5}>{section.label}</Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                {fields.map((field) => (
                  <FieldInput
                    key={field.apiName}
                    field={field}
                    value={values[field.apiName]}
                    display={display}
                    error={fieldErrors[field.apiName]}
                    disabled={lockedFields[field.apiName] !== undefined}
                    hint={lockedFields[field.apiName]}
                    onChange={(value) => setValues((current) => ({ ...current, [field.apiName]: value }))}
                  />
                ))}
              </SimpleGrid>
            </Stack>
          );
        })}
        {other && <Alert color="red">{other}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending}>
            {t('app:common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
