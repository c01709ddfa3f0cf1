import { useState } from 'react';
import { Select, Textarea } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import { useCloneProfile, useCreateProfile, type Profile } from '../hooks/use-profiles';
import { profileName } from './profile-label';
import { notifySuccess } from './feedback';
import { AppModal } from '../../components/app-modal';
import { ModalForm } from './modal-form';
import { NameInput, useRequiredName } from './name-input';

/** A new profile, blank (read-only access everywhere) or copied from `source`; opens the editor afterwards. */
export type ProfileDialog = { mode: 'create' } | { mode: 'clone'; source: Profile };

export function ProfileNameModal({
  dialog,
  profiles,
  onClose,
}: {
  dialog: ProfileDialog | null;
  profiles: Profile[];
  onClose: () => void;
}) {
  const { t } = useTranslation('settings');
  return (
    <AppModal
      opened={dialog !== null}
      onClose={onClose}
      title={dialog?.mode === 'clone' ? t('profiles.cloneTitle', { name: dialog.source.name }) : t('profiles.createTitle')}
    >
      {dialog && <ProfileNameForm dialog={dialog} profiles={profiles} onDone={onClose} />}
    </AppModal>
  );
}

function ProfileNameForm({ dialog, profiles, onDone }: { dialog: ProfileDialog; profiles: Profile[]; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const navigate = useNavigate();
  const create = useCreateProfile();
  const clone = useCloneProfile();
  const name = useRequiredName(dialog.mode === 'clone' ? t('profiles.copyOf', { name: dialog.source.name }) : '');
  const [description, setDescription] = useState('');
  const [sourceId, setSourceId] = useState<string | null>(dialog.mode === 'clone' ? dialog.source.id : null);
  const mutation = sourceId ? clone : create;

  const opened = (profile: Profile) => {
    notifySuccess(t('profiles.created', { name: profile.name }));
    onDone();
    void navigate({ to: `/settings/profiles/${profile.id}` });
  };

  function handleSubmit() {
    const trimmed = name.take();
    if (!trimmed) return;
    if (sourceId) clone.mutate({ id: sourceId, name: trimmed }, { onSuccess: opened });
    else
      create.mutate(
        {
          name: trimmed,
          description: description.trim() || null,
          modules: { '*': { create: false, read: true, edit: false, delete: false, import: false, export: false } },
          fields: {},
        },
        { onSuccess: opened },
      );
  }

  return (
    <ModalForm
      onSubmit={handleSubmit}
      onCancel={onDone}
      error={mutation.error}
      fields={['name', 'description']}
      submitLabel={dialog.mode === 'clone' ? t('profiles.clone') : t('app:common.create')}
      submitting={mutation.isPending}
    >
      <NameInput label={t('profiles.name')} name={name} serverError={fieldError(mutation.error, 'name')} />
      {dialog.mode === 'create' && (
        <>
          <Select
            label={t('profiles.startFrom')}
            description={t('profiles.startFromHint')}
            placeholder={t('profiles.startBlank')}
            data={profiles.map((profile) => ({ value: profile.id, label: profileName(profile, t) }))}
            value={sourceId}
            onChange={setSourceId}
            clearable
          />
          {!sourceId && (
            <Textarea
              label={t('profiles.descriptionLabel')}
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={500}
              error={fieldError(mutation.error, 'description')}
            />
          )}
        </>
      )}
    </ModalForm>
  );
}
