import { useState } from 'react';
import { Badge, Box, Group, Paper, Stack, Text } from '@mantine/core';
import { IconHierarchy2, IconPencil, IconTrash, IconUser, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useDeleteGroup, useGroups, type Group as SettingsGroup, type GroupMember } from '../hooks/use-groups';
import { useRoles } from '../hooks/use-roles';
import { useUsers } from '../hooks/use-users';
import { SettingsListPage } from '../components/settings-list-page';
import { GroupFormModal, type GroupDialog } from '../components/group-form-modal';
import { ConfirmRemoveModal } from '../components/confirm-remove-modal';
import { TooltipIconButton } from '../../components/tooltip-icon-button';

const MEMBER_ICONS = { user: IconUser, role: IconHierarchy2, group: IconUsersGroup };
const SHOWN_MEMBERS = 6;

/** /settings/groups: named sets of users, roles and other groups, for sharing and assignment. */
export function GroupsPage() {
  const { t } = useTranslation('settings');
  const groups = useGroups();
  const users = useUsers({});
  const roles = useRoles();
  const remove = useDeleteGroup();
  const [dialog, setDialog] = useState<GroupDialog | null>(null);
  const [deleting, setDeleting] = useState<SettingsGroup | null>(null);
  const directory = { users: users.data ?? [], roles: roles.data ?? [], groups: groups.data ?? [] };

  const memberName = (member: GroupMember) => {
    if (member.name) return member.name;
    if (member.type === 'user') return directory.users.find((user) => user.id === member.id)?.name ?? '—';
    if (member.type === 'role') return directory.roles.find((role) => role.id === member.id)?.name ?? '—';
    return directory.groups.find((group) => group.id === member.id)?.name ?? '—';
  };

  return (
    <>
      <SettingsListPage
        title={t('sections.groups')}
        description={t('groups.description')}
        query={groups}
        createLabel={t('groups.create')}
        onCreate={() => setDialog({ mode: 'create' })}
        empty={{ icon: <IconUsersGroup size={28} />, title: t('groups.emptyTitle'), body: t('groups.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('sections.groups')}>
            {[...list]
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((group, index) => (
                <Group
                  key={group.id}
                  role="listitem"
                  justify="space-between"
                  align="flex-start"
                  wrap="nowrap"
                  gap="sm"
                  px="md"
                  py="sm"
                  style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                  data-testid="group-row"
                >
                  <Stack gap={6} style={{ minWidth: 0 }}>
                    <Box>
                      <Text size="sm" fw={600}>
                        {group.name}
                      </Text>
                      {group.description && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {group.description}
                        </Text>
                      )}
                    </Box>
                    {group.members.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        {t('groups.noMembers')}
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {group.members.slice(0, SHOWN_MEMBERS).map((member) => {
                          const MemberIcon = MEMBER_ICONS[member.type];
                          return (
                            <Badge
                              key={`${member.type}:${member.id}`}
                              variant="light"
                              color={member.type === 'user' ? 'blue' : member.type === 'role' ? 'grape' : 'teal'}
                              leftSection={<MemberIcon size={12} />}
                              tt="none"
                              title={t(`groups.memberTypes.${member.type}`)}
                            >
                              {memberName(member)}
                            </Badge>
                          );
                        })}
                        {group.members.length > SHOWN_MEMBERS && (
                          <Badge variant="outline" color="gray" tt="none">
                            {t('groups.more', { count: group.members.length - SHOWN_MEMBERS })}
                          </Badge>
                        )}
                      </Group>
                    )}
                    <Text size="xs" c="dimmed">
                      {t('groups.shareRecords')}: {t(`groups.share.${group.shareRecords ?? 'none'}`)}
                    </Text>
                  </Stack>
                  <Group gap={2} wrap="nowrap">
                    <TooltipIconButton
                      tooltip={t('app:common.edit')}
                      label={t('groups.editNamed', { name: group.name })}
                      color="gray"
                      icon={<IconPencil size={18} />}
                      onClick={() => setDialog({ mode: 'edit', group })}
                    />
                    <TooltipIconButton
                      tooltip={t('app:common.delete')}
                      label={t('groups.deleteNamed', { name: group.name })}
                      color="red"
                      icon={<IconTrash size={18} />}
                      onClick={() => {
                        remove.reset();
                        setDeleting(group);
                      }}
                    />
                  </Group>
                </Group>
              ))}
          </Paper>
        )}
      </SettingsListPage>
      <GroupFormModal dialog={dialog} directory={directory} onClose={() => setDialog(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('groups.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('groups.deleteBody')}
        doneMessage={t('groups.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
