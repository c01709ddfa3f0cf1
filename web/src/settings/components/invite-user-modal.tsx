import { useMailOutboxHint } from '../../app/mail-delivery';
import { useState } from 'react';
import { Select, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { useCreateInvitation } from '../hooks/use-invitations';
import type { Role } from '../hooks/use-roles';
import { RoleSelect } from './role-select';
import type { Profile } from '../hooks/use-profiles';
import { profileName } from './profile-label';
import { notifySuccess } from './feedback';
import { AppModal } from '../../components/app-modal';
import { ModalForm } from './modal-form';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface InviteUserModalProps {
  opened: boolean;
  onClose: () => void;
  roles: Role[];
  profiles: Profile[];
}

/** "Invite user": name, e-mail, role and profile; the person gets a link to choose a password. */
export function InviteUserModal({ opened, onClose, roles, profiles }: InviteUserModalProps) {
  const { t } = useTranslation('settings');
  return (
    <AppModal opened={opened} onClose={onClose} title={t('users.invite.title')}>
      {/* Mounted only while open, so every invitation starts from a clean form. */}
      {opened && <InviteForm onDone={onClose} roles={roles} profiles={profiles} />}
    </AppModal>
  );
}

function InviteForm({ onDone, roles, profiles }: { onDone: () => void; roles: Role[]; profiles: Profile[] }) {
  const { t } = useTranslation('settings');
  const create = useCreateInvitation();
  const outboxHint = useMailOutboxHint();
  const standard = profiles.find((profile) => profile.builtin === 'standard');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState<string | null>(null);
  const [profileId, setProfileId] = useState<string | null>(standard?.id ?? null);
  const [errors, setErrors] = useState<{ name?: string; email?: string }>({});

  function handleSubmit() {
    const found: typeof errors = {};
    if (!name.trim()) found.name = t('validation.required');
    if (!email.trim()) found.email = t('validation.required');
    else if (!EMAIL.test(email.trim())) found.email = t('validation.email');
    setErrors(found);
    if (found.name || found.email) return;
    create.mutate(
      { name: name.trim(), email: email.trim(), ...(roleId ? { roleId } : {}), ...(profileId ? { profileId } : {}) },
      {
        onSuccess: () => {
          notifySuccess([t('users.invite.sent', { email: email.trim() }), outboxHint].filter(Boolean).join(' '));
          onDone();
        },
      },
    );
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={create.error}
      fields={['name', 'email', 'roleId', 'profileId']}
      submitLabel={t('users.invite.submit')}
      submitting={create.isPending}
      footerMt="xs"
      intro={
        <Text size="sm" c="dimmed">
          {t('users.invite.intro')}
        </Text>
      }
    >
      <TextInput
        label={t('app:common.name')}
        required
        value={name}
        onChange={(event) => {
          setName(event.currentTarget.value);
          setErrors((previous) => ({ ...previous, name: undefined }));
        }}
        error={errors.name ?? fieldError(create.error, 'name')}
        data-autofocus
      />
      <TextInput
        label={t('app:common.email')}
        type="email"
        required
        value={email}
        onChange={(event) => {
          setEmail(event.currentTarget.value);
          setErrors((previous) => ({ ...previous, email: undefined }));
        }}
        error={errors.email ?? fieldError(create.error, 'email')}
      />
      <RoleSelect
        label={t('users.role')}
        placeholder={t('users.noRole')}
        roles={roles}
        value={roleId}
        onChange={setRoleId}
        clearable
        error={fieldError(create.error, 'roleId')}
      />
      <Select
        label={t('users.profile')}
        placeholder={t('users.defaultProfile')}
        data={profiles.map((profile) => ({ value: profile.id, label: profileName(profile, t) }))}
        value={profileId}
        onChange={setProfileId}
        searchable
        nothingFoundMessage={t('nothingFound')}
        error={fieldError(create.error, 'profileId')}
      />
    </ModalForm>
  );
}
