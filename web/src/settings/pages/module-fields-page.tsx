import { useState } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconEye, IconEyeOff, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { TooltipIconButton } from '../../components/tooltip-icon-button';
import { SettingsPageHeader } from '../components/settings-page-header';
import { QueryBoundary } from '../components/settings-states';
import type { Field, FieldType, ModuleDetail, PicklistValue } from '../../records/api';
import { FieldInput } from '../../records/components/field-input';
import { useModule, useModules } from '../../records/hooks/use-records';
import { useModuleAdmin } from '../../records/hooks/use-module-admin';
import { FormulaFieldOptions, RollupFieldOptions, type FormulaOptionsValue, type RollupOptionsValue } from '../fields';

/** Field types an administrator can add from this page. */
const ADDABLE: FieldType[] = [
  'text',
  'long_text',
  'email',
  'phone',
  'url',
  'integer',
  'decimal',
  'currency',
  'percent',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'multi_select',
  'lookup',
  'user',
  'formula',
  'rollup',
];

/** A stable code from a picklist label: "Muy alta" → "muy_alta". */
/** Field types the global search can look at (the server's SEARCHABLE_TYPES). */
const SEARCHABLE_TYPES: ReadonlySet<FieldType> = new Set(['text', 'email', 'phone', 'url', 'auto_number']);

const codeOf = (label: string, index: number) =>
  label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60) || `value_${index + 1}`;

/** /settings/modules/:module — the module's fields (type, required, hidden); add, rename, hide and show them. */
export function ModuleFieldsPage() {
  const { module: moduleName } = useParams({ strict: false }) as { module: string };
  const module = useModule(moduleName);
  return <QueryBoundary query={module}>{(data) => <FieldsAdmin module={data} />}</QueryBoundary>;
}

function FieldsAdmin({ module }: { module: ModuleDetail }) {
  const { t } = useTranslation('records');
  const { updateField } = useModuleAdmin(module.apiName);
  const nameFields = new Set(module.displayFields);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<Field | null>(null);
  const setHidden = (apiName: string, hidden: boolean) =>
    updateField.mutate(
      { apiName, patch: { hidden } },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t('admin.fieldUpdated') }),
        onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
      },
    );

  return (
    <>
      <SettingsPageHeader
        title={t('admin.fieldsOf', { name: module.pluralLabel })}
        description={
          <Anchor component={Link} to={`/records/${module.apiName}`} size="sm">
            {t('admin.openRecords')}
          </Anchor>
        }
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={() => setAdding(true)}>
            {t('admin.addField')}
          </Button>
        }
      />
      <Paper withBorder radius="md">
        <Table verticalSpacing="xs" aria-label={t('admin.fields')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.label')}</Table.Th>
              <Table.Th>{t('admin.apiName')}</Table.Th>
              <Table.Th>{t('admin.type')}</Table.Th>
              <Table.Th>{t('admin.required')}</Table.Th>
              <Table.Th>{t('admin.searchable')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {module.fields.map((field) => (
              <Table.Tr key={field.apiName} data-testid="field-row">
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {field.label}
                    </Text>
                    {!field.isStandard && (
                      <Badge size="xs" variant="light" color="grape" tt="none">
                        {t('admin.custom')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" c="dimmed">
                    {field.apiName}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t(`admin.types.${field.type}`)}</Text>
                </Table.Td>
                <Table.Td>{field.required ? t('form.yes') : ''}</Table.Td>
                <Table.Td>
                  {SEARCHABLE_TYPES.has(field.type) && (
                    <Checkbox
                      aria-label={t('admin.searchableField', { name: field.label })}
                      checked={field.searchable}
                      // The name's fields are always searched.
                      disabled={nameFields.has(field.apiName) || updateField.isPending}
                      onChange={(event) =>
                        updateField.mutate({ apiName: field.apiName, patch: { searchable: event.currentTarget.checked } })
                      }
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={2} justify="flex-end" wrap="nowrap">
                    {!field.isSystem && (
                      <TooltipIconButton
                        tooltip={t('app:common.edit')}
                        label={t('admin.rename', { name: field.label })}
                        color="gray"
                        icon={<IconPencil size={16} />}
                        onClick={() => setRenaming(field)}
                      />
                    )}
                    {!field.isSystem && field.apiName !== 'owner_id' && (
                      <TooltipIconButton
                        tooltip={t('admin.hidden')}
                        label={t('admin.hide', { name: field.label })}
                        color="gray"
                        icon={<IconEyeOff size={16} />}
                        onClick={() => setHidden(field.apiName, true)}
                      />
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {module.hiddenFields && module.hiddenFields.length > 0 && (
        <Paper withBorder radius="md" p="md" mt="md">
          <Text fw={600} mb="xs">
            {t('admin.hiddenFields')}
          </Text>
          <Stack gap={4}>
            {module.hiddenFields.map((field) => (
              <Group key={field.apiName} justify="space-between">
                <Text size="sm" c="dimmed">
                  {field.label}{' '}
                  <Text span size="xs" ff="monospace">
                    ({field.apiName})
                  </Text>
                </Text>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconEye size={14} />}
                  onClick={() => setHidden(field.apiName, false)}
                  aria-label={t('admin.show', { name: field.label })}
                >
                  {t('admin.visible')}
                </Button>
              </Group>
            ))}
          </Stack>
        </Paper>
      )}
      <AppModal opened={adding} onClose={() => setAdding(false)} title={t('admin.addField')} size="lg">
        {adding && <AddFieldForm module={module} onClose={() => setAdding(false)} />}
      </AppModal>
      <AppModal opened={!!renaming} onClose={() => setRenaming(null)} title={t('admin.renameTitle')}>
        {renaming && <RenameForm module={module.apiName} field={renaming} onClose={() => setRenaming(null)} />}
      </AppModal>
    </>
  );
}

function AddFieldForm({ module, onClose }: { module: ModuleDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation('records');
  const modules = useModules();
  const { createField } = useModuleAdmin(module.apiName);
  const [label, setLabel] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const [required, setRequired] = useState(false);
  const [unique, setUnique] = useState(false);
  const [section, setSection] = useState<string | null>(module.layout[0]?.key ?? null);
  const [target, setTarget] = useState<string | null>(null);
  const [values, setValues] = useState<string[]>(['']);
  const [defaultValue, setDefaultValue] = useState<unknown>(null);
  const [formula, setFormula] = useState<FormulaOptionsValue>({ expression: '', returnType: 'decimal' });
  const [rollup, setRollup] = useState<RollupOptionsValue>({ module: '', via: '', fn: 'sum' });
  const hasValues = type === 'picklist' || type === 'multi_select';
  const computed = type === 'formula' || type === 'rollup';
  const picklist: PicklistValue[] = values
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text, index) => ({ code: codeOf(text, index), labels: { es: text, en: text } }));
  const preview: Field = {
    id: 'new',
    apiName: 'new',
    type,
    label: t('admin.defaultValue'),
    labels: { es: '', en: '' },
    isStandard: false,
    isSystem: false,
    readOnly: false,
    searchable: false,
    required: false,
    unique: false,
    defaultValue: null,
    helpText: null,
    options: hasValues ? { values: picklist } : {},
  };
  const otherError = createField.error && !fieldError(createField.error, 'label') ? errorMessage(createField.error, t) : null;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        createField.mutate(
          {
            label: label.trim(),
            type,
            required,
            ...(unique ? { unique } : {}),
            ...(section ? { section } : {}),
            ...(defaultValue !== null && defaultValue !== '' && type !== 'lookup' && type !== 'user' && !computed ? { defaultValue } : {}),
            ...(hasValues
              ? { options: { values: picklist } }
              : type === 'lookup' && target
                ? { options: { target } }
                : type === 'formula'
                  ? { options: { expression: formula.expression, returnType: formula.returnType } }
                  : type === 'rollup'
                    ? { options: { rollup: { ...rollup, ...(rollup.fn === 'count' ? { field: undefined } : {}) } } }
                    : {}),
          },
          {
            onSuccess: (field) => {
              notifications.show({ color: 'green', message: t('admin.fieldCreated', { name: field.label }) });
              onClose();
            },
          },
        );
      }}
    >
      <Stack>
        <TextInput
          label={t('admin.label')}
          required
          value={label}
          onChange={(e) => setLabel(e.currentTarget.value)}
          error={fieldError(createField.error, 'label')}
          data-autofocus
        />
        <Select
          label={t('admin.type')}
          required
          allowDeselect={false}
          data={ADDABLE.map((value) => ({ value, label: t(`admin.types.${value}`) }))}
          value={type}
          onChange={(value) => {
            setType((value as FieldType) ?? 'text');
            setDefaultValue(null);
          }}
        />
        {hasValues && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('admin.values')}
            </Text>
            {values.map((value, index) => (
              <Group key={index} gap={4} wrap="nowrap">
                <TextInput
                  aria-label={t('admin.valueLabel', { n: index + 1 })}
                  style={{ flex: 1 }}
                  value={value}
                  onChange={(e) => {
                    const text = e.currentTarget.value;
                    setValues((current) => current.map((old, i) => (i === index ? text : old)));
                  }}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('admin.removeValue', { n: index + 1 })}
                  onClick={() => setValues((current) => current.filter((_, i) => i !== index))}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() => setValues((current) => [...current, ''])}
              w="fit-content"
            >
              {t('admin.addValue')}
            </Button>
          </Stack>
        )}
        {type === 'lookup' && (
          <Select
            label={t('admin.target')}
            required
            searchable
            data={(modules.data ?? []).map((candidate) => ({
              value: candidate.apiName,
              label: candidate.labels?.[i18n.language.startsWith('en') ? 'en' : 'es']?.plural ?? candidate.pluralLabel,
            }))}
            value={target}
            onChange={setTarget}
          />
        )}
        {type === 'formula' && (
          <FormulaFieldOptions
            module={module.apiName}
            value={formula}
            onChange={setFormula}
            expressionError={fieldError(createField.error, 'options.expression')}
            returnTypeError={fieldError(createField.error, 'options.returnType')}
          />
        )}
        {type === 'rollup' && (
          <RollupFieldOptions
            module={module.apiName}
            value={rollup}
            onChange={setRollup}
            errors={{
              module: fieldError(createField.error, 'options.rollup.module'),
              via: fieldError(createField.error, 'options.rollup.via'),
              field: fieldError(createField.error, 'options.rollup.field'),
            }}
          />
        )}
        {type !== 'lookup' && type !== 'user' && !computed && (
          <FieldInput field={preview} value={defaultValue} onChange={setDefaultValue} />
        )}
        <Select
          label={t('admin.section')}
          data={module.layout.map((s) => ({ value: s.key, label: s.label }))}
          value={section}
          onChange={setSection}
        />
        <Group>
          {!computed && <Checkbox label={t('admin.required')} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} />}
          {['text', 'email', 'phone', 'url', 'integer', 'decimal'].includes(type) && (
            <Checkbox label={t('admin.unique')} checked={unique} onChange={(e) => setUnique(e.currentTarget.checked)} />
          )}
        </Group>
        {otherError && <Alert color="red">{otherError}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app:common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={createField.isPending}
            disabled={
              !label.trim() ||
              (type === 'lookup' && !target) ||
              (hasValues && picklist.length === 0) ||
              (type === 'formula' && !formula.expression.trim()) ||
              (type === 'rollup' && (!rollup.module || !rollup.via || (rollup.fn !== 'count' && !rollup.field)))
            }
          >
            {t('admin.addField')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RenameForm({ module, field, onClose }: { module: string; field: Field; onClose: () => void }) {
  const { t } = useTranslation('records');
  const { updateField } = useModuleAdmin(module);
  const [es, setEs] = useState(field.labels.es);
  const [en, setEn] = useState(field.labels.en);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        updateField.mutate(
          { apiName: field.apiName, patch: { labels: { es: es.trim(), en: en.trim() } } },
          {
            onSuccess: () => {
              notifications.show({ color: 'green', message: t('admin.fieldUpdated') });
              onClose();
            },
          },
        );
      }}
    >
      <Stack>
        <TextInput label={t('admin.labelEs')} required value={es} onChange={(e) => setEs(e.currentTarget.value)} data-autofocus />
        <TextInput label={t('admin.labelEn')} required value={en} onChange={(e) => setEn(e.currentTarget.value)} />
        {updateField.error && <Alert color="red">{errorMessage(updateField.error, t)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={updateField.isPending} disabled={!es.trim() || !en.trim()}>
            {t('app:common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
