import { useState } from 'react';
import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowMerge, IconEdit, IconTrash, IconUserShare } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { ConfirmModal } from '../../components/confirm-modal';
import type { BatchResult, ModuleDetail } from '../api';
import { isComputed } from '../format';
import { useMassDelete, useMassUpdate } from '../hooks/use-records';
import { FieldInput, UserSelect } from './field-input';

/** What a batch answer says, as a notification. */
function report(results: BatchResult[], okKey: string, t: (key: string, options?: Record<string, unknown>) => string) {
  const failed = results.filter((result) => result.status === 'error');
  const ok = results.length - failed.length;
  notifications.show({ color: 'green', message: t(okKey, { ok, count: ok }) });
  if (failed.length > 0)
    notifications.show({
      color: 'orange',
      message: t('mass.someFailed', { failed: failed.length, message: failed[0]?.errors?.[0]?.message ?? '' }),
    });
}

/** The actions on the selected rows: update one field, change owner, merge (two or three), delete. */
export function MassActions({ module, ids, onDone }: { module: ModuleDetail; ids: string[]; onDone: () => void }) {
  const { t } = useTranslation('records');
  const navigate = useNavigate();
  const update = useMassUpdate(module.apiName);
  const remove = useMassDelete(module.apiName);
  const [dialog, setDialog] = useState<'update' | 'owner' | 'delete' | null>(null);
  const [fieldName, setFieldName] = useState<string | null>(null);
  const [value, setValue] = useState<unknown>(null);
  const editable = module.fields.filter((field) => !isComputed(field) && !field.unique && field.apiName !== 'owner_id');
  const field = editable.find((candidate) => candidate.apiName === fieldName);

  const open = (kind: 'update' | 'owner' | 'delete') => {
    update.reset();
    remove.reset();
    setFieldName(null);
    setValue(null);
    setDialog(kind);
  };
  const runUpdate = (values: Record<string, unknown>) =>
    update.mutate(
      { ids, values },
      {
        onSuccess: (answer) => {
          report(answer.data, 'mass.done', t);
          setDialog(null);
          onDone();
        },
      },
    );

  return (
    <>
      <Group gap="xs" data-testid="mass-actions">
        <Text size="sm" fw={600}>
          {t('list.selected', { count: ids.length })}
        </Text>
        {module.permissions.edit && (
          <Button size="xs" variant="light" leftSection={<IconEdit size={14} />} onClick={() => open('update')}>
            {t('mass.update')}
          </Button>
        )}
        {module.permissions.edit && (
          <Button size="xs" variant="light" leftSection={<IconUserShare size={14} />} onClick={() => open('owner')}>
            {t('mass.changeOwner')}
          </Button>
        )}
        {module.permissions.edit && module.permissions.delete && ids.length >= 2 && ids.length <= 3 && (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconArrowMerge size={14} />}
            onClick={() => void navigate({ href: `/records/${module.apiName}/merge?ids=${ids.join(',')}` })}
          >
            {t('mass.merge')}
          </Button>
        )}
        {module.permissions.delete && (
          <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => open('delete')}>
            {t('mass.delete')}
          </Button>
        )}
      </Group>
      <AppModal
        opened={dialog === 'update' || dialog === 'owner'}
        onClose={() => setDialog(null)}
        title={dialog === 'owner' ? t('mass.ownerTitle', { count: ids.length }) : t('mass.updateTitle', { count: ids.length })}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (dialog === 'owner') runUpdate({ owner_id: value });
            else if (field) runUpdate({ [field.apiName]: value === '' ? null : value });
          }}
        >
          <Stack>
            {dialog === 'owner' ? (
              <UserSelect label={t('mass.owner')} required value={(value as string) ?? null} onChange={setValue} />
            ) : (
              <>
                <Select
                  label={t('mass.field')}
                  searchable
                  data={editable.map((candidate) => ({ value: candidate.apiName, label: candidate.label }))}
                  value={fieldName}
                  onChange={(next) => {
                    setFieldName(next);
                    setValue(null);
                  }}
                />
                {field && <FieldInput field={{ ...field, label: t('mass.value') }} value={value} onChange={setValue} />}
              </>
            )}
            {update.error && <Alert color="red">{errorMessage(update.error, t)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={update.isPending} disabled={dialog === 'owner' ? !value : !field}>
                {t('app:common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AppModal>
      <ConfirmModal
        opened={dialog === 'delete'}
        title={t('mass.deleteTitle', { count: ids.length })}
        message={t('mass.deleteBody')}
        confirmLabel={t('mass.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          remove.mutate(ids, {
            onSuccess: (answer) => {
              report(answer.data, 'mass.deletedDone', t);
              setDialog(null);
              onDone();
            },
          })
        }
      />
    </>
  );
}
