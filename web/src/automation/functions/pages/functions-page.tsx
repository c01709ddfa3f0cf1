import { useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconCode, IconPencil, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../../app/errors';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { ModalForm } from '../../../settings/components/modal-form';
import { notifySuccess } from '../../../settings/components/feedback';
import { TooltipIconButton } from '../../../components/tooltip-icon-button';
import { useModules } from '../../../records/hooks/use-records';
import { LookupSelect } from '../../../records/components/field-input';
import { useDeleteFunction, useFunctions, useSaveFunction, useTestFunction, type CustomFunction, type FunctionRun } from '../api';

const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } };
const STARTER = `// input: { trigger, record, changes, source }
const lead = await clave.records.get('leads', input.record.id);
clave.log('Lead', lead.last_name);
return { ok: true };`;

/** Settings › Custom functions: JavaScript that workflow rules and schedules run in a sandbox, with a test on a record. */
export function FunctionsPage() {
  const { t } = useTranslation('automationFunctions');
  const functions = useFunctions();
  const remove = useDeleteFunction();
  const [editing, setEditing] = useState<{ fn: CustomFunction | null } | null>(null);
  const [testing, setTesting] = useState<CustomFunction | null>(null);
  const [deleting, setDeleting] = useState<CustomFunction | null>(null);

  return (
    <>
      <SettingsListPage
        title={t('title')}
        description={t('description')}
        query={functions}
        createLabel={t('create')}
        onCreate={() => setEditing({ fn: null })}
        empty={{ icon: <IconCode size={28} />, title: t('emptyTitle'), body: t('emptyBody') }}
      >
        {(list) => (
          <Paper withBorder radius="md" role="list" aria-label={t('title')}>
            {list.map((fn, index) => (
              <Group
                key={fn.id}
                role="listitem"
                justify="space-between"
                wrap="nowrap"
                px="md"
                py="sm"
                data-testid="function-row"
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              >
                <Box style={{ minWidth: 0 }}>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {fn.name}
                    </Text>
                    <Badge variant="light" color="gray">
                      {t('limits', { seconds: fn.timeoutMs / 1000, mb: fn.memoryMb })}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {fn.description ||
                      (fn.allowedHosts.length > 0 ? t('hostsSummary', { hosts: fn.allowedHosts.join(', ') }) : t('noHosts'))}
                  </Text>
                </Box>
                <Group gap={2} wrap="nowrap">
                  <TooltipIconButton
                    tooltip={t('test')}
                    label={t('testNamed', { name: fn.name })}
                    icon={<IconPlayerPlay size={16} />}
                    onClick={() => setTesting(fn)}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.edit')}
                    label={t('editNamed', { name: fn.name })}
                    icon={<IconPencil size={16} />}
                    onClick={() => setEditing({ fn })}
                  />
                  <TooltipIconButton
                    tooltip={t('app:common.delete')}
                    label={t('deleteNamed', { name: fn.name })}
                    color="red"
                    icon={<IconTrash size={16} />}
                    onClick={() => {
                      remove.reset();
                      setDeleting(fn);
                    }}
                  />
                </Group>
              </Group>
            ))}
          </Paper>
        )}
      </SettingsListPage>
      <FunctionEditor fn={editing?.fn ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <Modal opened={testing !== null} onClose={() => setTesting(null)} size="xl" title={t('testNamed', { name: testing?.name ?? '' })}>
        {testing && <TestPanel fn={testing} />}
      </Modal>
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('deleteNamed', { name: deleting?.name ?? '' })}
        message={t('deleteBody')}
        doneMessage={t('deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

/** The editor: name, code (monospace), allowed hosts and limits. A syntax error shows under the code with its line. */
function FunctionEditor({ fn, opened, onClose }: { fn: CustomFunction | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automationFunctions');
  const save = useSaveFunction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [code, setCode] = useState('');
  const [hosts, setHosts] = useState<string[]>([]);
  const [seconds, setSeconds] = useState<number | string>(10);
  const [memory, setMemory] = useState<number | string>(128);

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setName(fn?.name ?? '');
    setDescription(fn?.description ?? '');
    setCode(fn?.code ?? STARTER);
    setHosts(fn?.allowedHosts ?? []);
    setSeconds(fn ? fn.timeoutMs / 1000 : 10);
    setMemory(fn?.memoryMb ?? 128);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened, fn]);

  const submit = () =>
    save.mutate(
      {
        id: fn?.id,
        fn: {
          name: name.trim(),
          description: description.trim() || null,
          code,
          allowedHosts: hosts,
          timeoutMs: Math.round(Number(seconds || 10) * 1000),
          memoryMb: Number(memory || 128),
        },
      },
      {
        onSuccess: () => {
          notifySuccess(t('saved'));
          onClose();
        },
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={fn ? t('editorTitleEdit') : t('editorTitleNew')}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        error={save.error}
        fields={['name', 'code', 'allowedHosts']}
        submitLabel={t('save')}
        submitting={save.isPending}
      >
        <TextInput
          label={t('name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={fieldError(save.error, 'name')}
          required
          maxLength={100}
        />
        <TextInput
          label={t('descriptionLabel')}
          value={description}
          onChange={(event) => setDescription(event.currentTarget.value)}
          maxLength={2000}
        />
        <Textarea
          label={t('code')}
          description={t('codeHint')}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={fieldError(save.error, 'code')}
          autosize
          minRows={12}
          maxRows={28}
          spellCheck={false}
          styles={MONO}
          required
        />
        <TagsInput
          label={t('hosts')}
          description={t('hostsHint')}
          value={hosts}
          onChange={setHosts}
          error={fieldError(save.error, 'allowedHosts')}
          placeholder="api.example.com"
        />
        <Group grow>
          <NumberInput
            label={t('timeout')}
            description={t('timeoutHint')}
            value={seconds}
            onChange={setSeconds}
            min={0.1}
            max={10}
            step={1}
            decimalScale={1}
          />
          <NumberInput label={t('memory')} description={t('memoryHint')} value={memory} onChange={setMemory} min={8} max={128} step={8} />
        </Group>
      </ModalForm>
    </Modal>
  );
}

/** Test on a record: the function runs as its owner; record changes are rolled back; result and logs shown. */
function TestPanel({ fn }: { fn: CustomFunction }) {
  const { t } = useTranslation('automationFunctions');
  const modules = useModules();
  const test = useTestFunction();
  const [module, setModule] = useState<string | null>('leads');
  const [recordId, setRecordId] = useState<string | null>(null);
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('testHint')}
      </Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          test.mutate({ id: fn.id, module: module ?? undefined, recordId: recordId ?? undefined });
        }}
      >
        <Group align="flex-end">
          <Select
            label={t('module')}
            data={(modules.data ?? []).map((m) => ({ value: m.apiName, label: m.pluralLabel }))}
            value={module}
            onChange={(next) => {
              setModule(next);
              setRecordId(null);
            }}
            w={180}
          />
          <div style={{ flex: 1 }}>
            {module && (
              <LookupSelect
                key={module}
                target={module}
                label={t('record')}
                description={t('recordHint')}
                value={recordId}
                onChange={setRecordId}
              />
            )}
          </div>
          <Button type="submit" loading={test.isPending} leftSection={<IconPlayerPlay size={16} />}>
            {t('run')}
          </Button>
        </Group>
      </form>
      {test.isError && (
        <Alert color="red" role="alert">
          {errorMessage(test.error, t)}
        </Alert>
      )}
      {test.data && <RunResult run={test.data} />}
    </Stack>
  );
}

function RunResult({ run }: { run: FunctionRun }) {
  const { t } = useTranslation('automationFunctions');
  return (
    <Stack gap="xs" data-testid="function-test-result">
      <Group gap="xs">
        <Badge color={run.status === 'done' ? 'green' : 'red'}>{run.status === 'done' ? t('statusDone') : t('statusFailed')}</Badge>
        <Text size="xs" c="dimmed">
          {t('took', { ms: run.durationMs, kb: run.memoryBytes === null ? '—' : Math.round(run.memoryBytes / 1024) })}
        </Text>
      </Group>
      {run.error && (
        <Alert color="red" title={t('error')}>
          {run.error}
        </Alert>
      )}
      <Text size="sm" fw={600}>
        {t('logs')}
      </Text>
      <Code block data-testid="function-test-logs">
        {run.logs.length > 0 ? run.logs.join('\n') : t('noLogs')}
      </Code>
      <Text size="sm" fw={600}>
        {t('result')}
      </Text>
      <Code block>{JSON.stringify(run.result, null, 2)}</Code>
    </Stack>
  );
}
