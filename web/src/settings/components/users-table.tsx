import { useState } from 'react';
import { ActionIcon, Badge, Box, Group, Menu, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDots, IconPencil, IconUserCheck, IconShieldOff, IconUserOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { useMe } from '../../app/session';
import { useFormatters } from '../hooks/use-formatters';
import type { Role } from '../hooks/use-roles';
import { RoleSelect } from './role-select';
import type { Profile } from '../hooks/use-profiles';
import { useResetTwoFactor, useUpdateUser, type SettingsUser, type UserPatch } from '../hooks/use-users';
import { ConfirmModal } from '../../components/confirm-modal';
import { profileName } from './profile-label';
import { notifyFailure, notifySuccess } from './feedback';
import { AppModal } from '../../components/app-modal';
import { ModalForm } from './modal-form';
import { useRequiredName } from './name-input';

/** The organization's users; role and profile change in place, deactivation asks first. A table on wide screens, cards on phones. */
export function UsersTable({ users, roles, profiles }: { users: SettingsUser[]; roles: Role[]; profiles: Profile[] }) {
  const { t } = useTranslation('settings');
  const me = useMe();
  const format = useFormatters();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const update = useUpdateUser();
  const deactivate = useUpdateUser();
  const [deactivating, setDeactivating] = useState<SettingsUser | null>(null);
  const [renaming, setRenaming] = useState<SettingsUser | null>(null);
  const resetTwoFactor = useResetTwoFactor();
  const [resettingTwoFactor, setResettingTwoFactor] = useState<SettingsUser | null>(null);
  const profileData = profiles.map((profile) => ({ value: profile.id, label: profileName(profile, t) }));

  function patch(user: SettingsUser, change: UserPatch, done: string) {
    update.mutate(
      { id: user.id, patch: change },
      { onSuccess: () => notifySuccess(done), onError: (error) => notifyFailure(errorMessage(error, t)) },
    );
  }

  const pieces = (user: SettingsUser) => {
    const isMe = user.id === me.data?.user.id;
    return {
      who: (
        <Box style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} truncate>
            {user.name}
            {isMe && (
              <Text span size="xs" c="dimmed">
                {' '}
                ({t('users.you')})
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed" truncate title={t('users.joined', { date: format.date(user.createdAt) })}>
            {user.email}
          </Text>
        </Box>
      ),
      role: (
        <RoleSelect
          size="xs"
          aria-label={t('users.roleOf', { name: user.name })}
          placeholder={t('users.noRole')}
          roles={roles}
          value={user.roleId}
          clearable
          onChange={(roleId) => roleId !== user.roleId && patch(user, { roleId }, t('users.roleChanged', { name: user.name }))}
        />
      ),
      profile: (
        <Select
          size="xs"
          aria-label={t('users.profileOf', { name: user.name })}
          data={
            profileData.some((option) => option.value === user.profileId)
              ? profileData
              : [...profileData, { value: user.profileId, label: '—' }]
          }
          value={user.profileId}
          allowDeselect={false}
          onChange={(profileId) =>
            profileId && profileId !== user.profileId && patch(user, { profileId }, t('users.profileChanged', { name: user.name }))
          }
        />
      ),
      status: (
        <Badge color={user.active ? 'teal' : 'gray'} variant="light" style={{ flexShrink: 0 }}>
          {user.active ? t('users.active') : t('users.inactive')}
        </Badge>
      ),
      menu: (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={t('users.actionsFor', { name: user.name })}>
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('users.joined', { date: format.date(user.createdAt) })}</Menu.Label>
            <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setRenaming(user)}>
              {t('users.rename')}
            </Menu.Item>
            <Menu.Item
              leftSection={<IconShieldOff size={16} />}
              onClick={() => {
                resetTwoFactor.reset();
                setResettingTwoFactor(user);
              }}
            >
              {t('users.resetTwoFactor')}
            </Menu.Item>
            {user.active ? (
              <Menu.Item
                color="red"
                leftSection={<IconUserOff size={16} />}
                disabled={isMe}
                onClick={() => {
                  deactivate.reset();
                  setDeactivating(user);
                }}
              >
                {isMe ? t('users.cannotDeactivateSelf') : t('users.deactivate')}
              </Menu.Item>
            ) : (
              <Menu.Item
                leftSection={<IconUserCheck size={16} />}
                onClick={() => patch(user, { active: true }, t('users.reactivated', { name: user.name }))}
              >
                {t('users.reactivate')}
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      ),
    };
  };

  return (
    <>
      {isPhone ? (
        <Stack gap={0} aria-label={t('users.title')} role="list">
          {users.map((user, index) => {
            const piece = pieces(user);
            return (
              <Box
                key={user.id}
                role="listitem"
                py="sm"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                opacity={user.active ? 1 : 0.65}
                data-testid="user-row"
              >
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  {piece.who}
                  <Group gap={4} wrap="nowrap">
                    {piece.status}
                    {piece.menu}
                  </Group>
                </Group>
                <SimpleGrid cols={2} spacing="xs" mt="xs">
                  {piece.role}
                  {piece.profile}
                </SimpleGrid>
              </Box>
            );
          })}
        </Stack>
      ) : (
        <Table verticalSpacing="sm" highlightOnHover aria-label={t('users.title')} layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('users.user')}</Table.Th>
              <Table.Th w="28%">{t('users.role')}</Table.Th>
              <Table.Th w="22%">{t('users.profile')}</Table.Th>
              <Table.Th w={116}>{t('users.status')}</Table.Th>
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((user) => {
              const piece = pieces(user);
              return (
                <Table.Tr key={user.id} data-testid="user-row" opacity={user.active ? 1 : 0.65}>
                  <Table.Td>{piece.who}</Table.Td>
                  <Table.Td>{piece.role}</Table.Td>
                  <Table.Td>{piece.profile}</Table.Td>
                  <Table.Td>{piece.status}</Table.Td>
                  <Table.Td>{piece.menu}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmModal
        opened={deactivating !== null}
        title={t('users.deactivateTitle', { name: deactivating?.name ?? '' })}
        message={t('users.deactivateBody')}
        confirmLabel={t('users.deactivate')}
        danger
        loading={deactivate.isPending}
        error={deactivate.error}
        onClose={() => setDeactivating(null)}
        onConfirm={() =>
          deactivating &&
          deactivate.mutate(
            { id: deactivating.id, patch: { active: false } },
            {
              onSuccess: () => {
                notifySuccess(t('users.deactivated', { name: deactivating.name }));
                setDeactivating(null);
              },
            },
          )
        }
      />
      <ConfirmModal
        opened={resettingTwoFactor !== null}
        title={t('users.resetTwoFactorTitle', { name: resettingTwoFactor?.name ?? '' })}
        message={t('users.resetTwoFactorBody')}
        confirmLabel={t('users.resetTwoFactor')}
        danger
        loading={resetTwoFactor.isPending}
        error={resetTwoFactor.error}
        onClose={() => setResettingTwoFactor(null)}
        onConfirm={() =>
          resettingTwoFactor &&
          resetTwoFactor.mutate(resettingTwoFactor.id, {
            onSuccess: () => {
              notifySuccess(t('users.twoFactorWasReset', { name: resettingTwoFactor.name }));
              setResettingTwoFactor(null);
            },
          })
        }
      />
      <RenameUserModal user={renaming} onClose={() => setRenaming(null)} />
    </>
  );
}

function RenameUserModal({ user, onClose }: { user: SettingsUser | null; onClose: () => void }) {
  const { t } = useTranslation('settings');
  return (
    <AppModal opened={user !== null} onClose={onClose} title={t('users.renameTitle')}>
      {user && <RenameForm user={user} onDone={onClose} />}
    </AppModal>
  );
}

function RenameForm({ user, onDone }: { user: SettingsUser; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const update = useUpdateUser();
  const name = useRequiredName(user.name);
  return (
    <ModalForm
      onSubmit={() => {
        const trimmed = name.take();
        if (!trimmed) return;
        update.mutate({ id: user.id, patch: { name: trimmed } }, { onSuccess: () => (notifySuccess(t('users.renamed')), onDone()) });
      }}
      onCancel={onDone}
      error={update.error}
      fields={['name']}
      submitLabel={t('app:common.save')}
      submitting={update.isPending}
    >
      <TextInput
        label={t('app:common.name')}
        value={name.value}
        onChange={(event) => name.change(event.currentTarget.value)}
        error={name.missing ? t('validation.required') : fieldError(update.error, 'name')}
        data-autofocus
      />
    </ModalForm>
  );
}
