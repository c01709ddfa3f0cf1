import { useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronRight, IconPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { SettingsPageHeader } from '../components/settings-page-header';
import { QueryBoundary } from '../components/settings-states';
import { useModules } from '../../records/hooks/use-records';
import { useModuleAdmin } from '../../records/hooks/use-module-admin';

/** /settings/modules — every module; open one to manage its fields; create a custom module. */
export function ModulesPage() {
  const { t } = useTranslation('records');
  const modules = useModules();
  const { createModule } = useModuleAdmin();
  const [creating, setCreating] = useState(false);
  const [singular, setSingular] = useState('');
  const [plural, setPlural] = useState('');

  return (
    <>
      <SettingsPageHeader
        title={t('settings:sections.modules')}
        description={t('admin.description')}
        actions={
          <Button
            leftSection={<IconPlus size={18} />}
            onClick={() => {
              createModule.reset();
              setSingular('');
              setPlural('');
              setCreating(true);
            }}
          >
            {t('admin.newModule')}
          </Button>
        }
      />
      <QueryBoundary query={modules}>
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('settings:sections.modules')}>
            {list.map((module, index) => (
              <UnstyledButton
                key={module.apiName}
                component={Link}
                to={`/settings/modules/${module.apiName}`}
                role="listitem"
                display="block"
                w="100%"
                px="md"
                py="sm"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              >
                <Group justify="space-between" wrap="nowrap">
                  <Stack gap={0}>
                    <Text size="sm" fw={600}>
                      {module.pluralLabel}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {module.apiName}
                    </Text>
                  </Stack>
                  <Group gap="xs" wrap="nowrap">
                    <Badge variant="light" color={module.isStandard ? 'gray' : 'grape'} tt="none">
                      {module.isStandard ? t('admin.standard') : t('admin.custom')}
                    </Badge>
                    <IconChevronRight size={16} />
                  </Group>
                </Group>
              </UnstyledButton>
            ))}
          </Paper>
        )}
      </QueryBoundary>
      <AppModal opened={creating} onClose={() => setCreating(false)} title={t('admin.newModule')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            createModule.mutate(
              { singular: singular.trim(), plural: plural.trim() },
              {
                onSuccess: () => {
                  notifications.show({ color: 'green', message: t('admin.moduleCreated') });
                  setCreating(false);
                },
              },
            );
          }}
        >
          <Stack>
            <TextInput
              label={t('admin.singular')}
              required
              value={singular}
              onChange={(e) => setSingular(e.currentTarget.value)}
              error={fieldError(createModule.error, 'singular')}
              data-autofocus
            />
            <TextInput
              label={t('admin.plural')}
              required
              value={plural}
              onChange={(e) => setPlural(e.currentTarget.value)}
              error={fieldError(createModule.error, 'plural')}
            />
            {createModule.error && !fieldError(createModule.error, 'singular') && !fieldError(createModule.error, 'plural') && (
              <Alert color="red">{errorMessage(createModule.error, t)}</Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCreating(false)}>
                {t('app:common.cancel')}
              </Button>
              <Button type="submit" loading={createModule.isPending} disabled={!singular.trim() || !plural.trim()}>
                {t('app:common.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AppModal>
    </>
  );
}
