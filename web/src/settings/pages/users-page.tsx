import { useState } from 'react';
import { Button, Group, Paper, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUsers } from '../hooks/use-users';
import { useRoles } from '../hooks/use-roles';
import { useProfiles } from '../hooks/use-profiles';
import { SettingsPageHeader } from '../components/settings-page-header';
import { LoadError, isForbidden, AdminOnlyState } from '../components/settings-states';
import { PageLoader } from '../../components/page-loader';
import { UsersTable } from '../components/users-table';
import { InvitationsPanel } from '../components/invitations-panel';
import { InviteUserModal } from '../components/invite-user-modal';

type ActiveFilter = 'all' | 'active' | 'inactive';

/** /settings/users: the users with their role and profile, and the pending invitations below. */
export function UsersPage() {
  const { t } = useTranslation('settings');
  const [search, setSearch] = useState('');
  const [activeFilter, setActiveFilter] = useState<ActiveFilter>('all');
  const [inviting, setInviting] = useState(false);
  const [q] = useDebouncedValue(search.trim(), 250);
  const users = useUsers({ q: q || undefined, active: activeFilter === 'all' ? undefined : activeFilter === 'active' });
  // Roles and profiles fill the selects; without them the page still lists users.
  const roles = useRoles();
  const profiles = useProfiles();
  const roleList = roles.data ?? [];
  const profileList = profiles.data ?? [];

  if (isForbidden(users.error)) return <AdminOnlyState />;

  let table;
  if (users.isPending) table = <PageLoader />;
  else if (users.isError) table = <LoadError error={users.error} onRetry={() => void users.refetch()} />;
  else if (users.data.length === 0)
    table = (
      <Text size="sm" c="dimmed" py="lg" ta="center">
        {q || activeFilter !== 'all' ? t('users.noMatch') : t('users.empty')}
      </Text>
    );
  else table = <UsersTable users={users.data} roles={roleList} profiles={profileList} />;

  return (
    <>
      <SettingsPageHeader
        title={t('sections.users')}
        description={t('users.description')}
        actions={
          <Button leftSection={<IconUserPlus size={18} />} onClick={() => setInviting(true)}>
            {t('users.invite.title')}
          </Button>
        }
      />
      <Stack gap="lg">
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Stack gap="md">
            <Group gap="sm" wrap="wrap">
              <TextInput
                aria-label={t('users.searchLabel')}
                placeholder={t('users.search')}
                leftSection={<IconSearch size={16} />}
                value={search}
                onChange={(event) => setSearch(event.currentTarget.value)}
                style={{ flex: '1 1 240px' }}
              />
              <SegmentedControl
                aria-label={t('users.status')}
                value={activeFilter}
                onChange={(value) => setActiveFilter(value as ActiveFilter)}
                data={[
                  { value: 'all', label: t('users.filterAll') },
                  { value: 'active', label: t('users.filterActive') },
                  { value: 'inactive', label: t('users.filterInactive') },
                ]}
              />
            </Group>
            {table}
          </Stack>
        </Paper>
        <InvitationsPanel roles={roleList} profiles={profileList} />
      </Stack>
      <InviteUserModal opened={inviting} onClose={() => setInviting(false)} roles={roleList} profiles={profileList} />
    </>
  );
}
