import { useMemo, useState } from 'react';
import { MultiSelect, Pill, Select, Textarea } from '@mantine/core';
import { IconHierarchy2, IconUser, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { useCreateGroup, useUpdateGroup, type Group, type MemberType, type ShareRecords } from '../hooks/use-groups';
import { flattenRoleTree, type Role } from '../hooks/use-roles';
import type { SettingsUser } from '../hooks/use-users';
import { fieldErrorUnder, notifySuccess } from './feedback';
import { AppModal } from '../../components/app-modal';
import { ModalForm } from './modal-form';
import { NameInput, useRequiredName } from './name-input';

export type GroupDialog = { mode: 'create' } | { mode: 'edit'; group: Group };

interface Directory {
  users: SettingsUser[];
  roles: Role[];
  groups: Group[];
}

const memberValue = (type: MemberType, id: string) => `${type}:${id}`;
const MEMBER_ICONS = { user: IconUser, role: IconHierarchy2, group: IconUsersGroup };

export function GroupFormModal({ dialog, directory, onClose }: { dialog: GroupDialog | null; directory: Directory; onClose: () => void }) {
  const { t } = useTranslation('settings');
  return (
    <AppModal
      opened={dialog !== null}
      onClose={onClose}
      title={dialog?.mode === 'edit' ? t('groups.editTitle', { name: dialog.group.name }) : t('groups.createTitle')}
      size="lg"
    >
      {dialog && <GroupForm dialog={dialog} directory={directory} onDone={onClose} />}
    </AppModal>
  );
}

function GroupForm({ dialog, directory, onDone }: { dialog: GroupDialog; directory: Directory; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const create = useCreateGroup();
  const update = useUpdateGroup();
  const editing = dialog.mode === 'edit' ? dialog.group : null;
  const mutation = editing ? update : create;
  const name = useRequiredName(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [shareRecords, setShareRecords] = useState<ShareRecords>(editing?.shareRecords ?? 'none');
  const [members, setMembers] = useState<string[]>(editing?.members.map((member) => memberValue(member.type, member.id)) ?? []);

  // One picker across users, roles and other groups; a group never lists itself.
  const data = useMemo(() => {
    const known = new Set<string>();
    const users = directory.users.map((user) => {
      known.add(memberValue('user', user.id));
      return {
        value: memberValue('user', user.id),
        label: user.active ? `${user.name} <${user.email}>` : `${user.name} <${user.email}> · ${t('users.inactive')}`,
      };
    });
    const roles = flattenRoleTree(directory.roles).map(({ role }) => {
      known.add(memberValue('role', role.id));
      return { value: memberValue('role', role.id), label: role.name };
    });
    const groups = directory.groups
      .filter((group) => group.id !== editing?.id)
      .map((group) => {
        known.add(memberValue('group', group.id));
        return { value: memberValue('group', group.id), label: group.name };
      });
    // Members the lists do not hold (not loaded, or gone) still show, by their stored name.
    const others = (editing?.members ?? [])
      .filter((member) => !known.has(memberValue(member.type, member.id)))
      .map((member) => ({ value: memberValue(member.type, member.id), label: member.name ?? member.id }));
    return [
      { group: t('groups.memberTypes.user'), items: [...users, ...others.filter((option) => option.value.startsWith('user:'))] },
      { group: t('groups.memberTypes.role'), items: [...roles, ...others.filter((option) => option.value.startsWith('role:'))] },
      { group: t('groups.memberTypes.group'), items: [...groups, ...others.filter((option) => option.value.startsWith('group:'))] },
    ].filter((section) => section.items.length > 0);
  }, [directory, editing, t]);

  function handleSubmit() {
    const trimmed = name.take();
    if (!trimmed) return;
    const body = {
      name: trimmed,
      description: description.trim() || null,
      shareRecords,
      members: members.map((value) => {
        const [type, id] = value.split(':') as [MemberType, string];
        return { type, id };
      }),
    };
    if (editing)
      update.mutate({ id: editing.id, patch: body }, { onSuccess: () => (notifySuccess(t('groups.saved', { name: trimmed })), onDone()) });
    else create.mutate(body, { onSuccess: () => (notifySuccess(t('groups.created', { name: trimmed })), onDone()) });
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={mutation.error}
      fields={['name', 'description', 'members', 'shareRecords']}
      submitLabel={editing ? t('app:common.save') : t('app:common.create')}
      submitting={mutation.isPending}
    >
      <NameInput label={t('groups.name')} name={name} serverError={fieldError(mutation.error, 'name')} />
      <Textarea
        label={t('groups.descriptionLabel')}
        value={description}
        onChange={(event) => setDescription(event.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={500}
        error={fieldError(mutation.error, 'description')}
      />
      <MultiSelect
        label={t('groups.members')}
        description={t('groups.membersHint')}
        placeholder={members.length ? undefined : t('groups.pickMembers')}
        data={data}
        value={members}
        onChange={setMembers}
        searchable
        clearable
        hidePickedOptions
        nothingFoundMessage={t('nothingFound')}
        maxDropdownHeight={280}
        renderPill={({ option, onRemove }) => {
          const type = String(option.value).split(':')[0] as MemberType;
          const MemberIcon = MEMBER_ICONS[type] ?? IconUser;
          const name = option.label.replace(/ <.*$/, '');
          return (
            <Pill withRemoveButton onRemove={onRemove} removeButtonProps={{ 'aria-label': t('groups.removeMember', { name }) }}>
              <MemberIcon size={12} style={{ marginRight: 4, verticalAlign: -1 }} aria-label={t(`groups.memberTypes.${type}`)} />
              {name}
            </Pill>
          );
        }}
        error={fieldErrorUnder(mutation.error, 'members')}
      />
      <Select
        label={t('groups.shareRecords')}
        data={(['none', 'read', 'read_write'] as const).map((value) => ({ value, label: t(`groups.share.${value}`) }))}
        value={shareRecords}
        onChange={(value) => value && setShareRecords(value as ShareRecords)}
        allowDeselect={false}
        error={fieldError(mutation.error, 'shareRecords')}
      />
    </ModalForm>
  );
}
