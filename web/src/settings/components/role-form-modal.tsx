import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Switch, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { descendantIds, useCreateRole, useUpdateRole, type Role } from '../hooks/use-roles';
import { RoleSelect } from './role-select';
import { namesAnyField, notifySuccess } from './feedback';

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
    <Modal opened={dialog !== null} onClose={onClose} title={title} centered closeButtonProps={{ 'aria-label': t('app:common.close') }}>
      {dialog && <RoleForm dialog={dialog} roles={roles} onDone={onClose} />}
    </Modal>
  );
}

function RoleForm({ dialog, roles, onDone }: { dialog: RoleDialog; roles: Role[]; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const create = useCreateRole();
  const update = useUpdateRole();
  const editing = dialog.mode === 'edit' ? dialog.role : null;
  const [name, setName] = useState(editing?.name ?? '');
  const [parentId, setParentId] = useState<string | null>(editing ? editing.parentId : dialog.mode === 'create' ? dialog.parentId : null);
  const [shareWithPeers, setShareWithPeers] = useState(editing?.shareWithPeers ?? false);
  const [missing, setMissing] = useState(false);
  const mutation = editing ? update : create;
  // A role cannot sit under itself or under any role below it.
  const excluded = editing ? descendantIds(roles, editing.id) : new Set<string>();

  function handleSubmit() {
    const trimmed = name.trim();
    setMissing(!trimmed);
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
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        handleSubmit();
      }}
    >
      <Stack>
        {mutation.error && !namesAnyField(mutation.error, ['name', 'parentId', 'shareWithPeers']) && (
          <Alert color="red" role="alert">
            {errorMessage(mutation.error, t)}
          </Alert>
        )}
        <TextInput
          label={t('roles.name')}
          required
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            setMissing(false);
          }}
          error={missing ? t('validation.required') : fieldError(mutation.error, 'name')}
          maxLength={100}
          data-autofocus
        />
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {editing ? t('app:common.save') : t('app:common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
