import { useState } from 'react';
import { Anchor, Button, EmptyState, Group } from '@mantine/core';
import { IconArrowLeft, IconCopy, IconTrash, IconUserQuestion } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { useDeleteProfile, useProfile, useProfiles } from '../hooks/use-profiles';
import { SettingsPageHeader } from '../components/settings-page-header';
import { LoadError } from '../components/settings-states';
import { PageLoader } from '../../components/page-loader';
import { ProfileEditor } from '../components/profile-editor';
import { ProfileNameModal, type ProfileDialog } from '../components/profile-name-modal';
import { ConfirmRemoveModal } from '../components/confirm-remove-modal';
import { BuiltinBadge } from '../components/builtin-badge';
import { profileDescription, profileName } from '../components/profile-label';

/** /settings/profiles/$id: one profile's permission matrix and field rules. */
export function ProfilePage() {
  const { t } = useTranslation('settings');
  const navigate = useNavigate();
  const { id } = useParams({ strict: false }) as { id: string };
  const profile = useProfile(id);
  const profiles = useProfiles();
  const remove = useDeleteProfile();
  const [dialog, setDialog] = useState<ProfileDialog | null>(null);
  const [deleting, setDeleting] = useState(false);

  const back = (
    <Anchor component={Link} to="/settings/profiles" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} />
        {t('sections.profiles')}
      </Group>
    </Anchor>
  );

  if (profile.isPending) return <PageLoader />;
  if (profile.isError) {
    const missing = profile.error instanceof ApiError && profile.error.status === 404 && profiles.isSuccess;
    return (
      <>
        {back}
        {missing ? (
          <EmptyState
            mt="xl"
            icon={<IconUserQuestion size={28} />}
            withIndicatorBackground
            title={t('profiles.notFound')}
            description={t('profiles.notFoundBody')}
          />
        ) : (
          <LoadError error={profile.error} onRetry={() => void profile.refetch()} />
        )}
      </>
    );
  }

  const data = profile.data;
  return (
    <>
      {back}
      <SettingsPageHeader
        title={
          <Group gap="sm" component="span">
            {profileName(data, t)}
            <BuiltinBadge profile={data} />
          </Group>
        }
        description={profileDescription(data, t) ?? undefined}
        actions={
          <>
            <Button variant="default" leftSection={<IconCopy size={16} />} onClick={() => setDialog({ mode: 'clone', source: data })}>
              {t('profiles.clone')}
            </Button>
            {!data.builtin && (
              <Button
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={16} />}
                onClick={() => {
                  remove.reset();
                  setDeleting(true);
                }}
              >
                {t('app:common.delete')}
              </Button>
            )}
          </>
        }
      />
      {/* Keyed by id: the editor starts over when another profile opens. */}
      <ProfileEditor key={data.id} profile={data} />
      <ProfileNameModal dialog={dialog} profiles={profiles.data ?? []} onClose={() => setDialog(null)} />
      <ConfirmRemoveModal
        item={deleting ? data : null}
        remove={remove}
        title={t('profiles.deleteTitle', { name: data.name })}
        message={t('profiles.deleteBody')}
        doneMessage={t('profiles.deleted', { name: data.name })}
        onClose={() => setDeleting(false)}
        onRemoved={() => void navigate({ to: '/settings/profiles' })}
      />
    </>
  );
}
