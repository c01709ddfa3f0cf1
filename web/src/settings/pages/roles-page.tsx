import { useState } from 'react';
import { Badge, Box, Group, Paper, Text } from '@mantine/core';
import { IconCornerDownRight, IconHierarchy2, IconPencil, IconSubtask, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { flattenRoleTree, useRoles, type Role } from '../hooks/use-roles';
import { SettingsListPage } from '../components/settings-list-page';
import { RoleFormModal, type RoleDialog } from '../components/role-form-modal';
import { DeleteRoleModal } from '../components/delete-role-modal';
import { TooltipIconButton } from '../../components/tooltip-icon-button';

/** /settings/roles: the role hierarchy as an indented tree. Managers see the records of the roles below them. */
export function RolesPage() {
  const { t } = useTranslation('settings');
  const roles = useRoles();
  const [dialog, setDialog] = useState<RoleDialog | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);

  return (
    <>
      <SettingsListPage
        title={t('sections.roles')}
        description={t('roles.description')}
        query={roles}
        createLabel={t('roles.create')}
        onCreate={() => setDialog({ mode: 'create', parentId: null })}
        empty={{ icon: <IconHierarchy2 size={28} />, title: t('roles.emptyTitle'), body: t('roles.emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="tree" aria-label={t('sections.roles')}>
            {flattenRoleTree(list).map(({ role, depth }, index) => (
              <Group
                key={role.id}
                role="treeitem"
                aria-level={depth + 1}
                justify="space-between"
                wrap="nowrap"
                gap="xs"
                px="md"
                py={10}
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                data-testid="role-row"
              >
                <Group
                  gap={8}
                  wrap="nowrap"
                  style={{ minWidth: 0, paddingLeft: `calc(${Math.min(depth, 8)} * var(--mantine-spacing-lg))` }}
                >
                  {depth > 0 ? (
                    <IconCornerDownRight size={16} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} aria-hidden />
                  ) : (
                    <Box w={16} style={{ flexShrink: 0 }} />
                  )}
                  <Box style={{ minWidth: 0 }}>
                    <Text size="sm" fw={500} truncate>
                      {role.name}
                    </Text>
                    <Group gap={6}>
                      {role.userCount !== undefined && (
                        <Text size="xs" c="dimmed">
                          {t('roles.userCount', { count: role.userCount })}
                        </Text>
                      )}
                      {role.shareWithPeers && (
                        <Badge size="xs" variant="light" color="grape">
                          {t('roles.sharesWithPeers')}
                        </Badge>
                      )}
                    </Group>
                  </Box>
                </Group>
                <Group gap={2} wrap="nowrap">
                  <TooltipIconButton
                    tooltip={t('roles.addChild')}
                    label={t('roles.addChildTo', { name: role.name })}
                    icon={<IconSubtask size={18} />}
                    onClick={() => setDialog({ mode: 'create', parentId: role.id })}
                  />
                  <TooltipIconButton
                    tooltip={t('roles.edit')}
                    label={t('roles.editNamed', { name: role.name })}
                    color="gray"
                    icon={<IconPencil size={18} />}
                    onClick={() => setDialog({ mode: 'edit', role })}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.delete')}
                    label={t('roles.deleteNamed', { name: role.name })}
                    color="red"
                    icon={<IconTrash size={18} />}
                    onClick={() => setDeleting(role)}
                  />
                </Group>
              </Group>
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <RoleFormModal dialog={dialog} roles={roles.data ?? []} onClose={() => setDialog(null)} />
      <DeleteRoleModal role={deleting} roles={roles.data ?? []} onClose={() => setDeleting(null)} />
    </>
  );
}
