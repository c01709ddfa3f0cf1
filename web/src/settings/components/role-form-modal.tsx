import { useState } from 'react';
import { Switch } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { descendantIds, useCreateRole, useUpdateRole, type Role } from '../hooks/use-roles';
import { RoleSelect } from './role-select';
import { notifySuccess } from './feedback';
import { AppModal } from '../../components/app-modal';
import { ModalForm } from './modal-form';
import { NameInput, useRequiredName } from './name-input';

/** What the role dialog is doing: a new role (under `parentId`, or at the top), or editing one. */
export type RoleDialog = { mode: 'create'; parentId: string | null } | { mode: 'edit'; role: Role };

export function RoleFormModal({ dialog, roles, onClose }: { dialog: RoleDialog | null; roles: Role[]; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const title =
    dialog?.mode === 'edit'
      ? t('roles.editTitle', { name: dialog.role.name })
      : dialog?.parentId
        ? t('roles.addChildTitle', { parent: roles.find((role) => role.id === dialog.parentId)?.name ?? '' })
        : t('roles.createTitle');
  return (
    <AppModal opened={dialog !== null} onClose={onClose} title={title}>
      {dialog && <RoleForm dialog={dialog} roles={roles} onDone={onClose} />}
    </AppModal>
  );
}

function RoleForm({ dialog, roles, onDone }: { dialog: RoleDialog; roles: Role[]; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const create = useCreateRole();
  const update = useUpdateRole();
  const editing = dialog.mode === 'edit' ? dialog.role : null;
  const name = useRequiredName(editing?.name ?? '');
  const [parentId, setParentId] = useState<string | null>(editing ? editing.parentId : dialog.mode === 'create' ? dialog.parentId : null);
  const [shareWithPeers, setShareWithPeers] = useState(editing?.shareWithPeers ?? false);
  const mutation = editing ? update : create;
  // A role cannot sit under itself or under any role below it.
  const excluded = editing ? descendantIds(roles, editing.id) : new Set<string>();

  function handleSubmit() {
    const trimmed = name.take();
    if (!trimmed) return;
    if (editing) {
      const patch: { name?: string; parentId?: string | null; shareWithPeers?: boolean } = {};
      if (trimmed !== editing.name) patch.name = trimmed;
      if (parentId !== editing.parentId) patch.parentId = parentId;
      if (shareWithPeers !== editing.shareWithPeers) patch.shareWithPeers = shareWithPeers;
      if (Object.keys(patch).length === 0) return onDone();
      update.mutate({ id: editing.id, patch }, { onSuccess: () => (notifySuccess(t('roles.saved', { name: trimmed })), onDone()) });
    } else {
      create.mutate(
        { name: trimmed, parentId, shareWithPeers },
        { onSuccess: () => (notifySuccess(t('roles.created', { name: trimmed })), onDone()) },
      );
    }
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={mutation.error}
      fields={['name', 'parentId', 'shareWithPeers']}
      submitLabel={editing ? t('app:common.save') : t('app:common.create')}
      submitting={mutation.isPending}
    >
      <NameInput label={t('roles.name')} name={name} serverError={fieldError(mutation.error, 'name')} />
      <RoleSelect
        label={t('roles.parent')}
        description={t('roles.parentHint')}
        placeholder={t('roles.noParent')}
        roles={roles}
        exclude={excluded}
        value={parentId}
        onChange={setParentId}
        clearable
        error={fieldError(mutation.error, 'parentId')}
      />
      <Switch
        label={t('roles.shareWithPeers')}
        description={t('roles.shareWithPeersHint')}
        checked={shareWithPeers}
        onChange={(event) => setShareWithPeers(event.currentTarget.checked)}
      />
    </ModalForm>
  );
}
