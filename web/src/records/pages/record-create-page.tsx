import { useState } from 'react';
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { useMe, type Me } from '../../app/session';
import { PageLoader } from '../../components/page-loader';
import { FieldInput } from '../components/field-input';
import { errorsByField } from '../components/field-errors';
import { sectionsOf } from '../components/record-sections';
import { isComputed } from '../format';
import { useCreateRecord, useModule } from '../hooks/use-records';
import { DuplicateWarning, type DuplicateMatch } from '../../crm';
import { ApiError } from '../../app/api';
import type { ModuleDetail } from '../api';

/**
 * Starting values: each field's default, with the server's placeholders resolved (the organization's currency) and
 * the signed-in user as the owner; other placeholders ("$…") are left for the server to fill.
 */
function defaults(module: ModuleDetail, me: Me | null | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of module.fields) {
    if (isComputed(field) || field.defaultValue === null || field.defaultValue === undefined) continue;
    if (field.defaultValue === '$org_currency') {
      if (me) values[field.apiName] = me.organization.currency;
    } else if (!(typeof field.defaultValue === 'string' && field.defaultValue.startsWith('$'))) {
      values[field.apiName] = field.defaultValue;
    }
  }
  if (me && module.fields.some((field) => field.apiName === 'owner_id' && !isComputed(field))) values.owner_id ??= me.user.id;
  return values;
}

/** /records/:module/new — the create form: the layout's sections, inputs by type, server errors beside the fields. */
export function RecordCreatePage() {
  const { t } = useTranslation('records');
  const { module: moduleName } = useParams({ strict: false }) as { module: string };
  const module = useModule(moduleName);
  const me = useMe();
  if (!module.data || me.isPending) return module.isError ? <Alert color="red">{errorMessage(module.error, t)}</Alert> : <PageLoader />;
  return <RecordCreateForm key={moduleName} module={module.data} me={me.data} />;
}

function RecordCreateForm({ module, me }: { module: ModuleDetail; me: Me | null | undefined }) {
  const { t } = useTranslation('records');
  const navigate = useNavigate();
  const create = useCreateRecord(module.apiName);
  const [values, setValues] = useState<Record<string, unknown>>(() => defaults(module, me));
  const fieldErrors = errorsByField(create.error);
  // The server answers 409 duplicate with the records this one looks like: show them, and let the person go on.
  const duplicates =
    create.error instanceof ApiError && create.error.code === 'duplicate'
      ? (((create.error.details as { matches?: DuplicateMatch[] } | undefined)?.matches ?? []) as DuplicateMatch[])
      : [];
  const unplacedError =
    create.error && duplicates.length === 0 && Object.keys(fieldErrors).length === 0 ? errorMessage(create.error, t) : null;

  const submit = (allowDuplicates = false) => {
    const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '' && value !== undefined));
    create.mutate(
      { values: body, allowDuplicates },
      {
        onSuccess: (answer) => {
          notifications.show({ color: 'green', message: t('form.created') });
          void navigate({ to: '/records/$module/$id', params: { module: module.apiName, id: answer.data.id } });
        },
      },
    );
  };

  return (
    <Stack maw={960} gap="md">
      <Title order={2}>{t('form.title', { name: module.label })}</Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="md">
          {sectionsOf(module, t('record.details')).map((section) => {
            const fields = section.fields.filter((field) => !isComputed(field));
            if (fields.length === 0) return null;
            return (
              <Paper key={section.key} withBorder radius="md" p="md" component="fieldset" style={{ margin: 0 }}>
                <Title order={4} mb="sm" component="legend" px={4}>
                  {section.label}
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  {fields.map((field) => (
                    <FieldInput
                      key={field.apiName}
                      field={field}
                      value={values[field.apiName]}
                      error={fieldErrors[field.apiName]}
                      onChange={(value) => setValues((current) => ({ ...current, [field.apiName]: value }))}
                    />
                  ))}
                </SimpleGrid>
              </Paper>
            );
          })}
          {unplacedError && <Alert color="red">{unplacedError}</Alert>}
          {duplicates.length > 0 && (
            <Stack gap="xs">
              <DuplicateWarning module={module.apiName} matches={duplicates} />
              <Group justify="flex-end">
                <Button variant="light" color="yellow" onClick={() => submit(true)} loading={create.isPending}>
                  {t('form.createAnyway')}
                </Button>
              </Group>
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => window.history.back()}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
