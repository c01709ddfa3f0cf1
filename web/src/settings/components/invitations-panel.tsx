import { useState } from 'react';
import { Badge, Box, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconMailForward, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useInvitations, useResendInvitation, useRevokeInvitation, type Invitation } from '../hooks/use-invitations';
import { useFormatters } from '../hooks/use-formatters';
import type { Role } from '../hooks/use-roles';
import type { Profile } from '../hooks/use-profiles';
import { ConfirmRemoveModal } from './confirm-remove-modal';
import { notifyFailure, notifySuccess } from './feedback';
import { profileName } from './profile-label';
import { LoadError } from './settings-states';
import { PageLoader } from '../../components/page-loader';

/** Pending invitations under the users table: resend or revoke each. */
export function InvitationsPanel({ roles, profiles }: { roles: Role[]; profiles: Profile[] }) {
  const { t } = useTranslation('settings');
  const format = useFormatters();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const invitations = useInvitations();
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const roleName = (id: string | null) => roles.find((role) => role.id === id)?.name ?? t('users.noRole');
  const profileOf = (id: string | null) => {
    const profile = profiles.find((candidate) => candidate.id === id);
    return profile ? profileName(profile, t) : '—';
  };

  function handleResend(invitation: Invitation) {
    resend.mutate(invitation.id, {
      onSuccess: () => notifySuccess(t('users.invitations.resent', { email: invitation.email })),
      onError: (error) => notifyFailure(errorMessage(error, t)),
    });
  }

  const pieces = (invitation: Invitation) => {
    const expired = invitation.expired ?? new Date(invitation.expiresAt).getTime() < Date.now();
    return {
      who: (
        <Box style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} truncate>
            {invitation.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {invitation.email}
          </Text>
        </Box>
      ),
      access: (
        <Text size="sm">
          {roleName(invitation.roleId)} · {profileOf(invitation.profileId)}
        </Text>
      ),
      expiry: expired ? (
        <Badge color="orange" variant="light" style={{ flexShrink: 0 }}>
          {t('users.invitations.expired')}
        </Badge>
      ) : isPhone ? (
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {t('users.invitations.expiresOn', { date: format.date(invitation.expiresAt) })}
        </Text>
      ) : (
        <Text size="sm">{format.date(invitation.expiresAt)}</Text>
      ),
      sent: (
        <Text size="xs" c="dimmed">
          {t('users.invitations.sentOn', { date: format.date(invitation.createdAt) })}
        </Text>
      ),
      actions: (
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconMailForward size={14} />}
            loading={resend.isPending && resend.variables === invitation.id}
            onClick={() => handleResend(invitation)}
            aria-label={t('users.invitations.resendTo', { email: invitation.email })}
          >
            {t('users.invitations.resend')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconX size={14} />}
            onClick={() => {
              revoke.reset();
              setRevoking(invitation);
            }}
            aria-label={t('users.invitations.revokeFor', { email: invitation.email })}
          >
            {t('users.invitations.revoke')}
          </Button>
        </Group>
      ),
    };
  };

  let body;
  if (invitations.isPending) body = <PageLoader />;
  else if (invitations.isError) body = <LoadError error={invitations.error} onRetry={() => void invitations.refetch()} />;
  else if (invitations.data.length === 0)
    body = (
      <Text size="sm" c="dimmed" py="sm">
        {t('users.invitations.empty')}
      </Text>
    );
  else if (isPhone)
    body = (
      <Stack gap={0} role="list" aria-label={t('users.invitations.title')}>
        {invitations.data.map((invitation, index) => {
          const piece = pieces(invitation);
          return (
            <Box
              key={invitation.id}
              role="listitem"
              py="sm"
              style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              data-testid="invitation-row"
            >
              <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                {piece.who}
                {piece.expiry}
              </Group>
              {piece.access}
              <Group justify="space-between" mt={6} wrap="nowrap">
                {piece.sent}
                {piece.actions}
              </Group>
            </Box>
          );
        })}
      </Stack>
    );
  else
    body = (
      <Table verticalSpacing="sm" highlightOnHover aria-label={t('users.invitations.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('users.user')}</Table.Th>
            <Table.Th>{t('users.invitations.access')}</Table.Th>
            <Table.Th>{t('users.invitations.expiresAt')}</Table.Th>
            <Table.Th ta="right">{t('app:common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations.data.map((invitation) => {
            const piece = pieces(invitation);
            return (
              <Table.Tr key={invitation.id} data-testid="invitation-row">
                <Table.Td>
                  {piece.who}
                  {piece.sent}
                </Table.Td>
                <Table.Td>{piece.access}</Table.Td>
                <Table.Td>{piece.expiry}</Table.Td>
                <Table.Td>{piece.actions}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    );

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} data-testid="pending-invitations">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('users.invitations.title')}
          </Title>
          {invitations.data && invitations.data.length > 0 && (
            <Badge variant="light" color="gray">
              {invitations.data.length}
            </Badge>
          )}
        </Group>
        {body}
      </Stack>
      <ConfirmRemoveModal
        item={revoking}
        remove={revoke}
        title={t('users.invitations.revokeTitle')}
        message={t('users.invitations.revokeBody', { email: revoking?.email ?? '' })}
        confirmLabel={t('users.invitations.revoke')}
        doneMessage={t('users.invitations.revoked', { email: revoking?.email ?? '' })}
        onClose={() => setRevoking(null)}
      />
    </Paper>
  );
}
