import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconShieldCheck, IconShieldOff } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { RecoveryCodesPanel, ReplaceRecoveryCodes } from './recovery-codes';
import { useTranslation } from 'react-i18next';
import { useRefreshMe, type Me } from '../../app/session';
import { accountApi } from '../api';
import { describeError } from './describe-error';
import { FormHeading } from '../../components/form-heading';
import { PasswordConfirmModal } from './password-confirm-modal';
import { QrCode } from './qr-code';

/** The base32 secret in groups of four, the way people copy it into an app. */
const groupSecret = (secret: string) =>
  secret
    .replace(/\s+/g, '')
    .match(/.{1,4}/g)
    ?.join(' ') ?? secret;

function CopyValue({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation('account');
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('twoFactor.copied') : t('twoFactor.copy')}>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`${t('twoFactor.copy')}: ${label}`}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/**
 * Set-up: the password first (a borrowed session must not tie the account to
 * someone else's app), then scan (or type) the secret and prove it works with
 * a code; only then is two-factor on.
 */
function EnableTwoFactor({ onEnabled }: { onEnabled: (recoveryCodes: string[]) => void }) {
  const { t } = useTranslation('account');
  const refreshMe = useRefreshMe();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const setup = useMutation({
    mutationFn: () => accountApi.setUpTwoFactor(password),
    onSuccess: () => setPassword(''),
  });
  const enable = useMutation({
    mutationFn: () => accountApi.enableTwoFactor(code),
    onSuccess: async (result) => {
      notifications.show({ color: 'teal', message: t('twoFactor.enabled') });
      onEnabled(result.recoveryCodes);
      await refreshMe();
    },
  });

  if (!setup.data) {
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setup.mutate();
        }}
      >
        <Stack align="flex-start">
          <Text size="sm">{t('twoFactor.startBody')}</Text>
          {setup.error && (
            <Alert color="red" role="alert" w="100%">
              {describeError(setup.error, t, 'password')}
            </Alert>
          )}
          <PasswordInput
            label={t('twoFactor.startPassword')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            w={320}
          />
          <Button type="submit" leftSection={<IconShieldCheck size={18} />} loading={setup.isPending} disabled={password === ''}>
            {t('twoFactor.start')}
          </Button>
        </Stack>
      </form>
    );
  }

  const { secret, otpauthUrl } = setup.data;
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="lg">
        <Stack gap="sm">
          <Text fw={600}>{t('twoFactor.step1')}</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <Paper withBorder p={4} radius="md" w="fit-content" h="fit-content" bg="white">
              <QrCode value={otpauthUrl} label={t('twoFactor.qrLabel')} />
            </Paper>
            <Stack gap="md">
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {t('twoFactor.secret')}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('twoFactor.secretHint')}
                </Text>
                <Group gap="xs" wrap="nowrap">
                  <Code fz="md" ff="monospace" style={{ letterSpacing: 1, overflowWrap: 'anywhere' }} data-testid="two-factor-secret">
                    {groupSecret(secret)}
                  </Code>
                  <CopyValue value={secret} label={t('twoFactor.secret')} />
                </Group>
              </Stack>
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {t('twoFactor.otpauthUrl')}
                </Text>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Code fz="xs" style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>
                    {otpauthUrl}
                  </Code>
                  <CopyValue value={otpauthUrl} label={t('twoFactor.otpauthUrl')} />
                </Group>
              </Stack>
            </Stack>
          </SimpleGrid>
        </Stack>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            enable.mutate();
          }}
        >
          <Stack gap="sm">
            <Text fw={600}>{t('twoFactor.step2')}</Text>
            {enable.error && (
              <Alert color="red" role="alert">
                {describeError(enable.error, t, 'code')}
              </Alert>
            )}
            <Group align="flex-end" gap="sm">
              <TextInput
                label={t('twoFactor.code')}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                required
                value={code}
                onChange={(event) => setCode(event.currentTarget.value.replace(/\D/g, ''))}
                w={240}
                styles={{ input: { letterSpacing: 4, fontFamily: 'monospace' } }}
              />
              <Button type="submit" loading={enable.isPending} disabled={code.length !== 6}>
                {t('twoFactor.enable')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}

function DisableTwoFactor() {
  const { t } = useTranslation('account');
  const refreshMe = useRefreshMe();
  const [opened, setOpened] = useState(false);
  const [password, setPassword] = useState('');
  const disable = useMutation({
    mutationFn: () => accountApi.disableTwoFactor(password),
    onSuccess: async () => {
      notifications.show({ color: 'teal', message: t('twoFactor.disabled') });
      handleClose();
      await refreshMe();
    },
  });
  function handleClose() {
    setOpened(false);
    setPassword('');
    disable.reset();
  }
  return (
    <>
      <Group>
        <Button variant="light" color="red" leftSection={<IconShieldOff size={18} />} onClick={() => setOpened(true)}>
          {t('twoFactor.disable')}
        </Button>
      </Group>
      <PasswordConfirmModal
        opened={opened}
        onClose={handleClose}
        title={t('twoFactor.disableTitle')}
        message={t('twoFactor.disableBody')}
        passwordLabel={t('twoFactor.disablePassword')}
        submitLabel={t('twoFactor.disableSubmit')}
        danger
        password={password}
        onPasswordChange={setPassword}
        error={disable.error ? describeError(disable.error, t, 'password') : undefined}
        loading={disable.isPending}
        onSubmit={() => disable.mutate()}
      />
    </>
  );
}

/** Two-factor sign-in with an authenticator app (TOTP): its state comes from /me. */
export function TwoFactorTab({ me }: { me: Me }) {
  const { t } = useTranslation('account');
  const enabled = me.user.twoFactorEnabled;
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  return (
    <Stack maw={720}>
      <FormHeading
        title={t('twoFactor.title')}
        intro={enabled ? t('twoFactor.onBody') : t('twoFactor.intro')}
        order={3}
        badge={
          <Badge color={enabled ? 'teal' : 'gray'} variant="light">
            {enabled ? t('twoFactor.statusOn') : t('twoFactor.statusOff')}
          </Badge>
        }
      />
      {enabled && recoveryCodes && <RecoveryCodesPanel codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />}
      {enabled && !recoveryCodes && <ReplaceRecoveryCodes onReplaced={setRecoveryCodes} />}
      {enabled ? <DisableTwoFactor /> : <EnableTwoFactor onEnabled={setRecoveryCodes} />}
    </Stack>
  );
}
