import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import type { ApiToken, CreatedApiToken } from '../api';
import { useDateFormat } from '../hooks/use-date-format';
import { useTokenMutations, useTokens } from '../hooks/use-tokens';
import { ConfirmModal } from '../../components/confirm-modal';
import { describeError } from './describe-error';

/** Name a new token, then show its secret once, with a copy button. */
function CreateTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('account');
  const { create } = useTokenMutations();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  function handleClose() {
    setName('');
    setCreated(null);
    create.reset();
    onClose();
  }
  const nameError = fieldError(create.error, 'name');

  return (
    <Modal
      opened={opened}
      onClose={handleClose}
      title={created ? t('tokens.createdTitle') : t('tokens.create')}
      centered
      size="lg"
      // The secret is shown only once: do not lose it to a stray click.
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert color="orange" role="status">
            {t('tokens.createdBody')}
          </Alert>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('tokens.token')}
            </Text>
            <Code block fz="sm" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="created-token">
              {created.token}
            </Code>
          </Stack>
          <Group justify="flex-end">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button
                  variant="light"
                  color={copied ? 'teal' : 'blue'}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? t('tokens.copied') : t('tokens.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={handleClose}>{t('tokens.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(name.trim(), { onSuccess: setCreated });
          }}
        >
          <Stack>
            {create.error && !nameError && (
              <Alert color="red" role="alert">
                {describeError(create.error, t)}
              </Alert>
            )}
            <TextInput
              label={t('tokens.name')}
              placeholder={t('tokens.namePlaceholder')}
              required
              maxLength={100}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={nameError}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={handleClose}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
                {t('tokens.createSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function TokenRow({ token, onRevoke }: { token: ApiToken; onRevoke: () => void }) {
  const { t } = useTranslation('account');
  const format = useDateFormat();
  const revoked = Boolean(token.revokedAt);
  return (
    <Table.Tr c={revoked ? 'dimmed' : undefined}>
      <Table.Td fw={500}>{token.name}</Table.Td>
      <Table.Td>
        <Code>{token.prefix}…</Code>
      </Table.Td>
      <Table.Td>{format.date(token.createdAt)}</Table.Td>
      <Table.Td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('tokens.never')}</Table.Td>
      <Table.Td>
        {revoked ? (
          <Badge color="gray" variant="light">
            {t('tokens.revoked')}
          </Badge>
        ) : (
          <Badge color="teal" variant="light">
            {t('tokens.active')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {!revoked && (
          <Button size="xs" variant="subtle" color="red" onClick={onRevoke} aria-label={t('tokens.revokeLabel', { name: token.name })}>
            {t('tokens.revoke')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Personal API tokens: create (secret shown once), list, revoke (with confirmation). */
export function TokensTab() {
  const { t } = useTranslation('account');
  const tokens = useTokens();
  const { revoke } = useTokenMutations();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} maw={640}>
          <Title order={3}>{t('tokens.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('tokens.intro')}
          </Text>
        </Stack>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          {t('tokens.create')}
        </Button>
      </Group>
      {tokens.isPending ? (
        <Loader size="sm" aria-label={t('app:common.loading')} />
      ) : tokens.error ? (
        <Alert color="red" role="alert">
          {describeError(tokens.error, t)}
        </Alert>
      ) : tokens.data.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="xs" ta="center">
            <ThemeIcon size={44} radius="xl" variant="light">
              <IconKey size={24} />
            </ThemeIcon>
            <Text fw={600}>{t('tokens.empty')}</Text>
            <Text size="sm" c="dimmed">
              {t('tokens.emptyHint')}
            </Text>
          </Stack>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tokens.columns.name')}</Table.Th>
                <Table.Th>{t('tokens.columns.prefix')}</Table.Th>
                <Table.Th>{t('tokens.columns.created')}</Table.Th>
                <Table.Th>{t('tokens.columns.lastUsed')}</Table.Th>
                <Table.Th>{t('tokens.columns.status')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('app:common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} onRevoke={() => setRevoking(token)} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmModal
        opened={revoking !== null}
        title={t('tokens.revokeTitle')}
        message={t('tokens.revokeBody', { name: revoking?.name ?? '' })}
        danger
        confirmLabel={t('tokens.revoke')}
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('tokens.revokedToast') });
              setRevoking(null);
            },
            onError: (error) => notifications.show({ color: 'red', message: describeError(error, t) }),
          })
        }
      />
    </Stack>
  );
}
