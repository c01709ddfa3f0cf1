import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { descendantIds, useDeleteRole, type Role } from '../hooks/use-roles';
import { RoleSelect } from './role-select';
import { ConfirmModal } from '../../components/confirm-modal';
import { notifySuccess } from './feedback';

/**
 * Deleting a role. A role still in use answers 409; the dialog then says so
 * and offers to move its users and child roles to another role first.
 */
export function DeleteRoleModal({ role, roles, onClose }: { role: Role | null; roles: Role[]; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const remove = useDeleteRole();
  const [transferTo, setTransferTo] = useState<string | null>(null);
  const inUse = remove.error instanceof ApiError && remove.error.status === 409;
  const excluded = role ? descendantIds(roles, role.id) : new Set<string>();

  function close() {
    remove.reset();
    setTransferTo(null);
    onClose();
  }

  return (
    <ConfirmModal
      opened={role !== null}
      title={t('roles.deleteTitle', { name: role?.name ?? '' })}
      message={inUse ? t('roles.inUse') : t('roles.deleteBody')}
      confirmLabel={inUse && transferTo ? t('roles.transferAndDelete') : t('app:common.delete')}
      danger
      loading={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() =>
        role &&
        remove.mutate(
          { id: role.id, transferTo: inUse && transferTo ? transferTo : undefined },
          {
            onSuccess: () => {
              notifySuccess(t('roles.deleted', { name: role.name }));
              close();
            },
          },
        )
      }
    >
      {inUse && (
        <RoleSelect
          label={t('roles.transferTo')}
          placeholder={t('roles.transferPick')}
          roles={roles}
          exclude={excluded}
          value={transferTo}
          onChange={setTransferTo}
        />
      )}
    </ConfirmModal>
  );
}
