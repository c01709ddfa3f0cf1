import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { noActions, useUpdateProfile, type Profile } from '../hooks/use-profiles';
import { MODULE_API_NAME } from '../hooks/use-sharing';
import { FieldPermissionsEditor, newFieldRow, type FieldRow } from './field-permissions-editor';
import { PermissionMatrix, type ModuleRow } from './permission-matrix';
import { namesAnyField, notifySuccess } from './feedback';

const FIELD_API_NAME = /^[a-z][a-z0-9_]{0,62}$/;

function toModuleRows(profile: Profile): ModuleRow[] {
  const entries = Object.entries(profile.modules ?? {});
  const star = entries.find(([module]) => module === '*');
  return [
    { module: '*', actions: { ...noActions(), ...(star?.[1] ?? {}) } },
    ...entries
      .filter(([module]) => module !== '*')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([module, actions]) => ({ module, actions: { ...noActions(), ...actions } })),
  ];
}

function toFieldRows(profile: Profile): FieldRow[] {
  return Object.entries(profile.fields ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([module, fields]) => Object.entries(fields).map(([field, access]) => newFieldRow({ module, field, access })));
}

function modulesOf(rows: ModuleRow[]): Profile['modules'] {
  return Object.fromEntries(rows.map((row) => [row.module, row.actions]));
}

function fieldsOf(rows: FieldRow[]): Profile['fields'] {
  const fields: Profile['fields'] = {};
  for (const row of rows) {
    const module = row.module.trim();
    const field = row.field.trim();
    fields[module] = { ...(fields[module] ?? {}), [field]: row.access };
  }
  return fields;
}

/** The profile's name, its permission matrix and its field rules, saved together. The built-in Administrator is read-only. */
export function ProfileEditor({ profile }: { profile: Profile }) {
  const { t } = useTranslation('settings');
  const update = useUpdateProfile();
  const readOnly = profile.builtin === 'administrator';
  const [name, setName] = useState(profile.name);
  const [description, setDescription] = useState(profile.description ?? '');
  const [moduleRows, setModuleRows] = useState(() => toModuleRows(profile));
  const [fieldRows, setFieldRows] = useState(() => toFieldRows(profile));
  const [fieldErrors, setFieldErrors] = useState<Record<number, { module?: string; field?: string }>>({});
  const [nameMissing, setNameMissing] = useState(false);

  const saved = useMemo(
    () => JSON.stringify([profile.name, profile.description ?? '', modulesOf(toModuleRows(profile)), fieldsOf(toFieldRows(profile))]),
    [profile],
  );
  const dirty = JSON.stringify([name, description, modulesOf(moduleRows), fieldsOf(fieldRows)]) !== saved;

  function handleSave() {
    const found: typeof fieldErrors = {};
    const seen = new Set<string>();
    for (const row of fieldRows) {
      const errors: { module?: string; field?: string } = {};
      const module = row.module.trim();
      const field = row.field.trim();
      if (!MODULE_API_NAME.test(module)) errors.module = module ? t('modules.badName') : t('validation.required');
      if (!FIELD_API_NAME.test(field)) errors.field = field ? t('profiles.fields.badName') : t('validation.required');
      else if (seen.has(`${module}.${field}`)) errors.field = t('profiles.fields.duplicate');
      seen.add(`${module}.${field}`);
      if (errors.module || errors.field) found[row.key] = errors;
    }
    setFieldErrors(found);
    setNameMissing(!name.trim());
    if (Object.keys(found).length || !name.trim()) return;
    update.mutate(
      {
        id: profile.id,
        patch: { name: name.trim(), description: description.trim() || null, modules: modulesOf(moduleRows), fields: fieldsOf(fieldRows) },
      },
      { onSuccess: () => notifySuccess(t('profiles.saved', { name: name.trim() })) },
    );
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!readOnly) handleSave();
      }}
    >
      <Stack gap="lg">
        {readOnly && (
          <Alert color="blue" icon={<IconLock size={18} />} data-testid="profile-read-only">
            {t('profiles.adminReadOnly')}
          </Alert>
        )}
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('profiles.name')}
              required
              value={name}
              readOnly={readOnly}
              onChange={(event) => setName(event.currentTarget.value)}
              error={nameMissing ? t('validation.required') : fieldError(update.error, 'name')}
              maxLength={100}
            />
            <Textarea
              label={t('profiles.descriptionLabel')}
              value={description}
              readOnly={readOnly}
              onChange={(event) => setDescription(event.currentTarget.value)}
              autosize
              minRows={1}
              maxLength={500}
              error={fieldError(update.error, 'description')}
            />
          </SimpleGrid>
        </Paper>
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('profiles.matrix')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('profiles.matrixHint')}
            </Text>
            <PermissionMatrix rows={moduleRows} onChange={setModuleRows} readOnly={readOnly} />
            {fieldError(update.error, 'modules') && (
              <Text size="sm" c="red" role="alert">
                {fieldError(update.error, 'modules')}
              </Text>
            )}
          </Stack>
        </Paper>
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('profiles.fields.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('profiles.fields.hint')}
            </Text>
            <FieldPermissionsEditor rows={fieldRows} onChange={setFieldRows} errors={fieldErrors} readOnly={readOnly} />
          </Stack>
        </Paper>
        {update.error && !namesAnyField(update.error, ['name', 'description']) && (
          <Alert color="red" role="alert">
            {errorMessage(update.error, t)}
          </Alert>
        )}
        {!readOnly && (
          <Group justify="flex-end" gap="sm">
            {dirty && (
              <Badge color="yellow" variant="light">
                {t('unsaved')}
              </Badge>
            )}
            <Button type="submit" loading={update.isPending} disabled={!dirty}>
              {t('app:common.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
