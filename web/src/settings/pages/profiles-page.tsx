import { useState } from 'react';
import { ActionIcon, Anchor, Menu, Paper, Table, Text } from '@mantine/core';
import { IconCopy, IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useDeleteProfile, useProfiles, type Profile } from '../hooks/use-profiles';
import { SettingsListPage } from '../components/settings-list-page';
import { ProfileNameModal, type ProfileDialog } from '../components/profile-name-modal';
import { ConfirmRemoveModal } from '../components/confirm-remove-modal';
import { BuiltinBadge } from '../components/builtin-badge';
import { profileDescription, profileName } from '../components/profile-label';

/** /settings/profiles: what each profile may do; click one to edit its permissions. */
export function ProfilesPage() {
  const { t } = useTranslation('settings');
  const navigate = useNavigate();
  const profiles = useProfiles();
  const remove = useDeleteProfile();
  const [dialog, setDialog] = useState<ProfileDialog | null>(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);

  return (
    <>
      <SettingsListPage
        title={t('sections.profiles')}
        description={t('profiles.description')}
        query={profiles}
        createLabel={t('profiles.create')}
        onCreate={() => setDialog({ mode: 'create' })}
      >
        {(list) => (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={600}>
              <Table verticalSpacing="sm" highlightOnHover aria-label={t('sections.profiles')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('profiles.name')}</Table.Th>
                    <Table.Th>{t('profiles.type')}</Table.Th>
                    <Table.Th>{t('profiles.users')}</Table.Th>
                    <Table.Th w={56} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((profile) => (
                    <Table.Tr key={profile.id} data-testid="profile-row">
                      <Table.Td>
                        <Anchor component={Link} to={`/settings/profiles/${profile.id}`} fw={500} size="sm">
                          {profileName(profile, t)}
                        </Anchor>
                        {profile.description && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {profileDescription(profile, t)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <BuiltinBadge profile={profile} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{profile.userCount ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Menu position="bottom-end">
                          <Menu.Target>
                            <ActionIcon
                              variant="subtle"
                              color="gray"
                              aria-label={t('profiles.actionsFor', { name: profileName(profile, t) })}
                            >
                              <IconDots size={18} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item
                              leftSection={<IconPencil size={16} />}
                              onClick={() => void navigate({ to: `/settings/profiles/${profile.id}` })}
                            >
                              {profile.builtin === 'administrator' ? t('profiles.view') : t('app:common.edit')}
                            </Menu.Item>
                            <Menu.Item leftSection={<IconCopy size={16} />} onClick={() => setDialog({ mode: 'clone', source: profile })}>
                              {t('profiles.clone')}
                            </Menu.Item>
                            <Menu.Item
                              color="red"
                              leftSection={<IconTrash size={16} />}
                              disabled={profile.builtin !== null}
                              onClick={() => {
                                remove.reset();
                                setDeleting(profile);
                              }}
                            >
                              {profile.builtin ? t('profiles.cannotDeleteBuiltin') : t('app:common.delete')}
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
      </SettingsListPage>
      <ProfileNameModal dialog={dialog} profiles={profiles.data ?? []} onClose={() => setDialog(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('profiles.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('profiles.deleteBody')}
        doneMessage={t('profiles.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
