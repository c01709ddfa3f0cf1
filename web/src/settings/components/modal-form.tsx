import type { ReactNode } from 'react';
import { Alert, Button, Group, Stack, type MantineSpacing } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { namesAnyField } from './feedback';

interface ModalFormProps {
  onSubmit: () => void;
  onCancel: () => void;
  /** The save's error: shown above the fields unless it names one of `fields`, which then show it beside themselves. */
  error: unknown;
  fields: string[];
  submitLabel: string;
  submitting: boolean;
  /** A line above the error and the fields. */
  intro?: ReactNode;
  footerMt?: MantineSpacing;
  children: ReactNode;
}

/** The form inside a settings dialog: Enter submits, a general error on top, Cancel and the submit button at the end. */
export function ModalForm({ onSubmit, onCancel, error, fields, submitLabel, submitting, intro, footerMt, children }: ModalFormProps) {
  const { t } = useTranslation();
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Stack>
        {intro}
        {error && !namesAnyField(error, fields) ? (
          <Alert color="red" role="alert">
            {errorMessage(error, t)}
          </Alert>
        ) : null}
        {children}
        <Group justify="flex-end" mt={footerMt}>
          <Button variant="default" onClick={onCancel}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={submitting}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
