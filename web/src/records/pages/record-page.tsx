import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronLeft, IconClockHour4, IconPencil, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { ApiError } from '../../app/api';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageLoader } from '../../components/page-loader';
import type { Display, ModuleDetail, RecordData, TimelineEntry } from '../api';
import { formatValue, recordName } from '../format';
import { useDeleteRecord, useModule, useRecord, useRecordQuery, useTimeline } from '../hooks/use-records';
import { InlineField } from '../components/inline-field';
import { sectionsOf } from '../components/record-sections';
import { useFormatContext } from '../components/field-value';
import { RecordEditModal } from '../components/record-edit-modal';
import { LineItemsEditor, isDocumentModule } from '../../crm/inventory';
import { LeadConvertButton } from '../../crm';
import { AttachmentsPanel } from '../components/attachments-panel';
import { AccountKpiPanel, AccountPlanPanel, HealthPanel, RelationshipMapPanel } from '../../kam';
import { ApprovalPanel, useRecordLocked } from '../../automation/approvals';
import { BlueprintPanel, useRecordBlueprint } from '../../automation/blueprints';
import { useMe } from '../../app/session';
import { ScoreBadge } from '../../automation/scoring/components/score-badge';

/** /records/:module/:id — header with name and actions, sections with inline edit, related lists, the timeline. */
export function RecordPage() {
  const { t } = useTranslation('records');
  const { module: moduleName, id } = useParams({ strict: false }) as { module: string; id: string };
  const module = useModule(moduleName);
  const record = useRecord(moduleName, id);
  if (module.isError || record.isError) {
    const error = module.error ?? record.error;
    return (
      <Alert color="red" title={error instanceof ApiError && error.status === 404 ? t('record.notFound') : undefined}>
        {errorMessage(error, t)}
      </Alert>
    );
  }
  if (!module.data || !record.data) return <PageLoader />;
  return <RecordView module={module.data} record={record.data.data} display={record.data.display} />;
}

function RecordView({ module, record, display }: { module: ModuleDetail; record: RecordData; display: Display }) {
  const { t } = useTranslation('records');
  const navigate = useNavigate();
  const remove = useDeleteRecord(module.apiName);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const name = recordName(record, module.displayFields) || t('record.unnamed');
  const me = useMe();
  // A record pending approval is locked: its edit and delete buttons go (the server refuses them anyway).
  const locked = useRecordLocked(module.apiName, record.id, me.data?.permissions.isAdmin === true);
  const canEdit = module.permissions.edit && !locked;
  // The field a Blueprint governs moves only through its transitions: read-only here, with the reason in the form.
  const blueprintField = useRecordBlueprint(module.apiName, record.id).data?.blueprint?.field;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/records/$module" params={{ module: module.apiName } as never} size="sm">
        <Group gap={4}>
          <IconChevronLeft size={16} />
          {module.pluralLabel}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">
            {module.label}
          </Text>
          <Title order={2}>{name}</Title>
        </Stack>
        <Group gap="xs">
          {module.fields.some((field) => field.apiName === 'score') && (
            <ScoreBadge module={module.apiName} id={record.id} score={typeof record.score === 'number' ? record.score : null} />
          )}
          {module.apiName === 'leads' && canEdit && record.is_converted !== true && <LeadConvertButton leadId={record.id} />}
          {canEdit && (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
              {t('record.edit')}
            </Button>
          )}
          {module.permissions.delete && !locked && (
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)}>
              {t('record.delete')}
            </Button>
          )}
        </Group>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            {module.apiName === 'accounts' && record.is_key_account === true && <AccountKpiPanel accountId={record.id} />}
            {sectionsOf(module, t('record.details')).map((section) => (
              <Paper key={section.key} withBorder radius="md" p="md" component="section" aria-label={section.label}>
                <Title order={4} mb="sm">
                  {section.label}
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
                  {section.fields.map((field) => (
                    <InlineField
                      key={field.apiName}
                      module={module.apiName}
                      field={field}
                      record={record}
                      display={display}
                      canEdit={canEdit && field.apiName !== blueprintField}
                    />
                  ))}
                </SimpleGrid>
              </Paper>
            ))}
            {isDocumentModule(module.apiName) && (
              <Paper withBorder radius="md" p="md" component="section" aria-label={t('inventory:title')}>
                <LineItemsEditor module={module.apiName} recordId={record.id} readOnly={!canEdit} />
              </Paper>
            )}
            {module.relatedLists.map((related) => (
              <RelatedList
                key={`${related.module}.${related.field}`}
                module={related.module}
                field={related.field}
                label={related.label}
                id={record.id}
              />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            {module.apiName === 'accounts' && <HealthPanel accountId={record.id} />}
            {module.apiName === 'accounts' && <RelationshipMapPanel accountId={record.id} />}
            {module.apiName === 'accounts' && <AccountPlanPanel accountId={record.id} canEdit={canEdit} />}
            <BlueprintPanel module={module} record={record} display={display} />
            <ApprovalPanel module={module.apiName} id={record.id} />
            <AttachmentsPanel module={module.apiName} id={record.id} canEdit={canEdit} />
            <RecordTimeline module={module} id={record.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      <RecordEditModal
        opened={editing}
        module={module}
        record={record}
        display={display}
        lockedFields={blueprintField ? { [blueprintField]: t('automationBlueprints:fieldLockedHint') } : undefined}
        onClose={() => setEditing(false)}
      />
      <ConfirmModal
        opened={confirming}
        title={t('record.deleteTitle', { name })}
        message={t('record.deleteBody')}
        confirmLabel={t('record.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(record.id, {
            onSuccess: () => {
              notifications.show({ color: 'green', message: t('record.deleted') });
              void navigate({ to: '/records/$module', params: { module: module.apiName } });
            },
          })
        }
      />
    </Stack>
  );
}

/** Records of another module whose lookup points at this one. */
function RelatedList({ module: moduleName, field, label, id }: { module: string; field: string; label: string; id: string }) {
  const { t } = useTranslation('records');
  const module = useModule(moduleName);
  const related = useRecordQuery(moduleName, { filter: { field, op: 'eq', value: id }, limit: 10, count: true }, !!module.data);
  const records = related.data?.data ?? [];
  // An empty list takes one quiet line, so the lists that hold something stand out.
  if (related.isSuccess && records.length === 0) {
    return (
      <Text size="sm" c="dimmed" component="section" aria-label={label} px="md">
        {label}: {t('record.noRelated')}
      </Text>
    );
  }
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={label}>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{label}</Title>
        {related.data?.total && <Badge variant="light">{related.data.total.value}</Badge>}
      </Group>
      {records.length === 0 ? (
        <Text size="sm" c="dimmed">
          {related.isPending ? t('app:common.loading') : t('record.noRelated')}
        </Text>
      ) : (
        <Stack gap={4}>
          {records.map((record) => (
            <Anchor
              key={record.id}
              component={Link}
              to="/records/$module/$id"
              params={{ module: moduleName, id: record.id } as never}
              size="sm"
            >
              {recordName(record, module.data?.displayFields ?? []) || t('record.unnamed')}
            </Anchor>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

/** What happened to the record, newest first: created, field changes (from → to), deleted, restored. */
function RecordTimeline({ module, id }: { module: ModuleDetail; id: string }) {
  const { t } = useTranslation('records');
  const timeline = useTimeline(module.apiName, id);
  // The timeline's display map names the actors and the records and users that lookup and user changes point at.
  const context = useFormatContext(timeline.data?.display);
  const fields = new Map(module.fields.map((field) => [field.apiName, field]));
  const entries = timeline.data?.data ?? [];
  const when = (at: string) => formatValue({ ...module.fields[0]!, type: 'datetime', options: {} }, at, context);

  const describe = (entry: TimelineEntry) => {
    const actor = (entry.actorId && timeline.data?.display[entry.actorId]) || t('record.someone');
    const known = [
      'created',
      'updated',
      'deleted',
      'restored',
      'note',
      'task',
      'call',
      'meeting',
      'email',
      'attachment',
      'converted',
      'merged',
      'line_items',
      'approval_submitted',
      'approval_approved',
      'approval_rejected',
      'approval_recalled',
      'blueprint_transition',
      'blueprint_overdue',
    ];
    const key = known.includes(entry.kind) ? entry.kind : 'other';
    return t(`record.kinds.${key}`, {
      actor,
      kind: entry.kind,
      process: entry.data.process ?? '',
      step: entry.data.step ?? '',
      transition: entry.data.transition ?? '',
      blueprint: entry.data.blueprint ?? '',
    });
  };
  const show = (apiName: string, value: unknown) => {
    const field = fields.get(apiName);
    if (value === null || value === undefined || value === '') return t('record.empty');
    if ((field?.type === 'lookup' || field?.type === 'user') && !context.display[String(value)]) return t('record.unavailable');
    return field ? formatValue(field, value, context) || String(value) : String(value);
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('record.timeline')}>
      <Title order={4} mb="sm">
        {t('record.timeline')}
      </Title>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {timeline.isPending ? t('app:common.loading') : t('record.noTimeline')}
        </Text>
      ) : (
        <Timeline bulletSize={20} lineWidth={2}>
          {entries.map((entry) => (
            <Timeline.Item key={entry.id} bullet={<IconClockHour4 size={12} />} title={describe(entry)} data-testid="timeline-entry">
              {entry.data.changes && (
                <Stack gap={2} mt={4}>
                  {Object.entries(entry.data.changes).map(([apiName, change]) => (
                    <Text key={apiName} size="sm">
                      <Text span fw={600}>
                        {fields.get(apiName)?.label ?? apiName}
                      </Text>
                      : {show(apiName, change.from)} → {show(apiName, change.to)}
                    </Text>
                  ))}
                </Stack>
              )}
              {/* An approval's comment, a Blueprint transition's note. */}
              {typeof (entry.data.comment ?? entry.data.note) === 'string' && Boolean(entry.data.comment ?? entry.data.note) && (
                <Text size="sm" fs="italic" mt={4}>
                  “{String(entry.data.comment ?? entry.data.note)}”
                </Text>
              )}
              <Text size="xs" c="dimmed" mt={4}>
                {when(entry.at)}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}
