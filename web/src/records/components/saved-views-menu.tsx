import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Menu, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconDeviceFloppy, IconEye, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe } from '../../app/session';
import { AppModal } from '../../components/app-modal';
import { ConfirmModal } from '../../components/confirm-modal';
import type { FilterNode, SavedView, SortEntry } from '../api';
import { useDeleteView, useSaveView, useSavedViews } from '../hooks/use-records';

interface ViewState {
  columns: string[];
  sort: SortEntry[];
  filter: FilterNode | null;
}

/** Saved list views: pick one, save the current columns/sort/filter as a new one, update or delete yours. */
export function SavedViewsMenu({
  module,
  current,
  onPick,
  state,
}: {
  module: string;
  current: SavedView | null;
  onPick: (view: SavedView | null) => void;
  state: ViewState;
}) {
  const { t } = useTranslation('records');
  const me = useMe();
  const views = useSavedViews(module);
  const save = useSaveView(module);
  const remove = useDeleteView(module);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const list = views.data ?? [];
  const mine = list.filter((view) => view.ownerId === me.data?.user.id);
  const others = list.filter((view) => view.ownerId !== me.data?.user.id);
  const canChange = !!current && (current.ownerId === me.data?.user.id || !!me.data?.permissions.isAdmin);

  const body = { columns: state.columns, sort: state.sort, filter: state.filter };
  return (
    <>
      <Menu position="bottom-start" shadow="md">
        <Menu.Target>
          <Button
            variant="default"
            leftSection={<IconEye size={16} />}
            rightSection={<IconChevronDown size={14} />}
            data-testid="views-menu"
          >
            {current?.name ?? t('views.all')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => onPick(null)}>{t('views.all')}</Menu.Item>
          {mine.length > 0 && <Menu.Label>{t('views.personal')}</Menu.Label>}
          {mine.map((view) => (
            <Menu.Item key={view.id} onClick={() => onPick(view)}>
              {view.name}
            </Menu.Item>
          ))}
          {others.length > 0 && <Menu.Label>{t('views.sharedGroup')}</Menu.Label>}
          {others.map((view) => (
            <Menu.Item key={view.id} onClick={() => onPick(view)}>
              {view.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconDeviceFloppy size={14} />}
            onClick={() => {
              save.reset();
              setName('');
              setShared(false);
              setNaming(true);
            }}
          >
            {t('views.saveAs')}
          </Menu.Item>
          {canChange && (
            <Menu.Item
              leftSection={<IconDeviceFloppy size={14} />}
              onClick={() =>
                save.mutate(
                  { id: current.id, view: { name: current.name, shared: current.shared, ...body } },
                  {
                    onSuccess: (view) => {
                      notifications.show({ color: 'green', message: t('views.saved') });
                      onPick(view);
                    },
                    onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
                  },
                )
              }
            >
              {t('views.update')}
            </Menu.Item>
          )}
          {canChange && (
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(true)}>
              {t('views.delete')}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <AppModal opened={naming} onClose={() => setNaming(false)} title={t('views.saveAs')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(
              { view: { name: name.trim(), shared, ...body } },
              {
                onSuccess: (view) => {
                  notifications.show({ color: 'green', message: t('views.saved') });
                  setNaming(false);
                  onPick(view);
                },
              },
            );
          }}
        >
          <Stack>
            <TextInput label={t('views.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Checkbox label={t('views.shared')} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
            {save.error && <Alert color="red">{errorMessage(save.error, t)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setNaming(false)}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                {t('app:common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AppModal>
      <ConfirmModal
        opened={deleting}
        title={t('views.deleteTitle', { name: current?.name ?? '' })}
        message={t('views.deleteBody')}
        confirmLabel={t('views.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setDeleting(false)}
        onConfirm={() =>
          current &&
          remove.mutate(current.id, {
            onSuccess: () => {
              notifications.show({ color: 'green', message: t('views.deleted') });
              setDeleting(false);
              onPick(null);
            },
          })
        }
      />
    </>
  );
}
