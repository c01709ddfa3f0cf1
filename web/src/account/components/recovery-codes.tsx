import { useState } from 'react';
import { Alert, Button, CopyButton, Group, Paper, PasswordInput, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { accountApi } from '../api';
import { describeError } from './describe-error';

/** The recovery codes, shown once right after they are made: each signs in once when the phone is lost. */
export function RecoveryCodesPanel({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation('account');
  return (
    <Alert color="yellow" icon={<IconKey size={18} />} title={t('recoveryCodes.title')} role="status">
      <Stack gap="sm">
        <Text size="sm">{t('recoveryCodes.body')}</Text>
        <Paper withBorder p="sm" data-testid="recovery-codes">
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs">
            {codes.map((code) => (
              <Text key={code} ff="monospace" size="sm">
                {code}
              </Text>
            ))}
          </SimpleGrid>
        </Paper>
        <Group>
          <CopyButton value={codes.join('\n')}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? t('recoveryCodes.copied') : t('recoveryCodes.copy')}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onDone}>{t('recoveryCodes.saved')}</Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** New codes after the password; the old ones stop working. */
export function ReplaceRecoveryCodes({ onReplaced }: { onReplaced: (codes: string[]) => void }) {
  const { t } = useTranslation('account');
  const [password, setPassword] = useState('');
  const replace = useMutation({
    mutationFn: () => accountApi.replaceRecoveryCodes(password),
    onSuccess: (result) => {
      setPassword('');
      onReplaced(result.recoveryCodes);
    },
  });
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          replace.mutate();
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>{t('recoveryCodes.replaceTitle')}</Text>
          <Text size="sm" c="dimmed">
            {t('recoveryCodes.replaceBody')}
          </Text>
          {replace.error && (
            <Alert color="red" role="alert">
              {describeError(replace.error, t, 'password')}
            </Alert>
          )}
          <Group align="flex-end">
            <PasswordInput
              label={t('recoveryCodes.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              w={260}
            />
            <Button type="submit" variant="default" loading={replace.isPending} disabled={!password}>
              {t('recoveryCodes.replace')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
