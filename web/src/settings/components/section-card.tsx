import type { FormEvent, ReactNode } from 'react';
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface SectionCardProps {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** When given, the card is a form: Enter submits, and a Save button closes it. */
  onSubmit?: () => void;
  saving?: boolean;
  dirty?: boolean;
  /** A message for errors that name no visible field. */
  error?: string | null;
  readOnly?: boolean;
  testId?: string;
}

/** One section of a settings page, with its own Save button. */
export function SectionCard({ title, description, children, onSubmit, saving, dirty = true, error, readOnly, testId }: SectionCardProps) {
  const { t } = useTranslation();
  const body = (
    <Stack gap="md">
      <Stack gap={2}>
        <Title order={3} size="h4">
          {title}
        </Title>
        {description && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
      </Stack>
      {children}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {onSubmit && !readOnly && (
        <Group justify="flex-end">
          <Button type="submit" loading={saving} disabled={!dirty}>
            {t('common.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" data-testid={testId}>
      {onSubmit ? (
        <form
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (!readOnly) onSubmit();
          }}
        >
          {body}
        </form>
      ) : (
        body
      )}
    </Paper>
  );
}
