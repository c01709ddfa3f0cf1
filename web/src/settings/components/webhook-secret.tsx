import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A webhook's signing secret, shown once (after creating or rotating), with a copy button. */
export function WebhookSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation('settings');
  return (
    <Stack>
      <Alert color="orange" role="status" title={t('webhooks.secretTitle')}>
        {t('webhooks.secretBody')}
      </Alert>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('webhooks.secret')}
        </Text>
        <Code block fz="sm" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="webhook-secret">
          {secret}
        </Code>
      </Stack>
      <Group justify="flex-end">
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              color={copied ? 'teal' : 'blue'}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              onClick={copy}
            >
              {copied ? t('webhooks.copied') : t('webhooks.copy')}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>{t('webhooks.done')}</Button>
      </Group>
    </Stack>
  );
}
