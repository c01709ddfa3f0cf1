import { useState } from 'react';
import { Alert, Button, Group, MultiSelect, Stack, Switch, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { useGroups } from '../../settings/hooks/use-groups';
import { useRoles } from '../../settings/hooks/use-roles';
import type { SharedWith } from '../api';

/** Who else sees a report or dashboard: roles, groups, or everyone in the organization (read only). */
export function ShareModal({
  opened,
  title,
  value,
  onClose,
  onSave,
}: {
  opened: boolean;
  title: string;
  value: SharedWith;
  onClose: () => void;
  onSave: (value: SharedWith) => Promise<unknown>;
}) {
  return (
    <AppModal opened={opened} onClose={onClose} title={title}>
      {opened && <ShareForm value={value} onClose={onClose} onSave={onSave} />}
    </AppModal>
  );
}

function ShareForm({
  value,
  onClose,
  onSave,
}: {
  value: SharedWith;
  onClose: () => void;
  onSave: (value: SharedWith) => Promise<unknown>;
}) {
  const { t } = useTranslation('reports');
  const roles = useRoles();
  const groups = useGroups();
  const [draft, setDraft] = useState<SharedWith>({ roles: value.roles, groups: value.groups, everyone: value.everyone === true });
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  async function handleSave() {
    setSaving(true);
    setError(null);
    try {
      await onSave(draft);
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('share.intro')}
      </Text>
      <Switch
        label={t('share.everyone')}
        checked={draft.everyone === true}
        onChange={(event) => setDraft({ ...draft, everyone: event.currentTarget.checked })}
      />
      <MultiSelect
        label={t('share.roles')}
        searchable
        disabled={draft.everyone}
        data={(roles.data ?? []).map((role) => ({ value: role.id, label: role.name }))}
        value={draft.roles}
        onChange={(next) => setDraft({ ...draft, roles: next })}
      />
      <MultiSelect
        label={t('share.groups')}
        searchable
        disabled={draft.everyone}
        data={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
        value={draft.groups}
        onChange={(next) => setDraft({ ...draft, groups: next })}
      />
      {error !== null && <Alert color="red">{errorMessage(error, t)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button loading={saving} onClick={() => void handleSave()}>
          {t('share.save')}
        </Button>
      </Group>
    </Stack>
  );
}
