import { Alert, Anchor, Badge, Button, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconList } from '@tabler/icons-react';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { recordsApi, type Display, type Field, type PicklistValue, type RecordData, type RecordList } from '../api';
import { formatMoney, labelOf } from '../format';
import { recordsKeys, useModule } from '../hooks/use-records';
import { useFormatContext } from '../components/field-value';

const BOARD_FIELDS = ['name', 'account_id', 'amount', 'currency', 'stage'];
const boardKey = [...recordsKeys.list('deals'), 'board'] as const;

/** /records/deals/board — deals by stage; drag a card to another column to change its stage. */
export function DealsBoardPage() {
  const { t } = useTranslation('records');
  const module = useModule('deals');
  const deals = useQuery({
    queryKey: boardKey,
    queryFn: () => recordsApi.query('deals', { limit: 500, fields: BOARD_FIELDS, sort: [{ field: 'amount', direction: 'desc' }] }),
  });
  const stageField = module.data?.fields.find((field) => field.apiName === 'stage');
  if (module.isError || deals.isError) return <Alert color="red">{errorMessage(module.error ?? deals.error, t)}</Alert>;
  if (!module.data || !deals.data || !stageField) return <PageLoader />;
  return <Board stageField={stageField} list={deals.data} canEdit={module.data.permissions.edit} />;
}

function Board({ stageField, list, canEdit }: { stageField: Field; list: RecordList; canEdit: boolean }) {
  const { t, i18n } = useTranslation('records');
  const client = useQueryClient();
  const context = useFormatContext();
  const stages = (stageField.options.values ?? []).filter((value) => !value.hidden);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));

  const move = useMutation({
    mutationFn: ({ id, stage }: { id: string; stage: string }) => recordsApi.update('deals', id, { stage }),
    onMutate: async ({ id, stage }) => {
      await client.cancelQueries({ queryKey: boardKey });
      const before = client.getQueryData<RecordList>(boardKey);
      client.setQueryData<RecordList>(boardKey, (old) =>
        old ? { ...old, data: old.data.map((record) => (record.id === id ? { ...record, stage } : record)) } : old,
      );
      return { before };
    },
    onError: (error, _vars, saved) => {
      if (saved?.before) client.setQueryData(boardKey, saved.before);
      notifications.show({ color: 'red', message: t('board.moveFailed', { message: errorMessage(error, t) }) });
    },
    onSuccess: (answer, { stage }) => {
      const value = stages.find((candidate) => candidate.code === stage);
      notifications.show({
        color: 'green',
        message: t('board.moved', { name: String(answer.data.name ?? ''), stage: labelOf(value?.labels, i18n.language) }),
      });
    },
    onSettled: () => client.invalidateQueries({ queryKey: recordsKeys.list('deals') }),
  });

  const onDragEnd = (event: DragEndEvent) => {
    const id = String(event.active.id);
    const stage = event.over ? String(event.over.id) : null;
    const record = list.data.find((candidate) => candidate.id === id);
    if (!record || !stage || record.stage === stage) return;
    move.mutate({ id, stage });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('board.title')}</Title>
        <Button
          component={Link}
          to="/records/$module"
          params={{ module: 'deals' } as never}
          variant="default"
          leftSection={<IconList size={16} />}
        >
          {t('board.list')}
        </Button>
      </Group>
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <ScrollArea type="auto" offsetScrollbars>
          <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
            {stages.map((stage) => (
              <StageColumn
                key={stage.code}
                stage={stage}
                records={list.data.filter((record) => record.stage === stage.code)}
                display={list.display}
                currency={context.currency}
                canEdit={canEdit}
              />
            ))}
          </Group>
        </ScrollArea>
      </DndContext>
    </Stack>
  );
}

/** The total of a column in the org currency (deals in another currency are added as they are). */
function columnTotal(records: RecordData[]) {
  return records.reduce((sum, record) => sum + (Number(record.amount) || 0), 0);
}

function StageColumn({
  stage,
  records,
  display,
  currency,
  canEdit,
}: {
  stage: PicklistValue;
  records: RecordData[];
  display: Display;
  currency: string;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation('records');
  const { setNodeRef, isOver } = useDroppable({ id: stage.code });
  const label = labelOf(stage.labels, i18n.language);
  const color = stage.outcome === 'won' ? 'green' : stage.outcome === 'lost' ? 'red' : 'blue';
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      radius="md"
      p="xs"
      w={260}
      miw={260}
      bg={isOver ? 'blue.0' : 'gray.0'}
      style={{ minHeight: 420, transition: 'background 120ms' }}
      role="region"
      aria-label={label}
      data-testid={`stage-${stage.code}`}
    >
      <Stack gap={4} mb="xs" px={4}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="sm" truncate title={label}>
            {label}
          </Text>
          {stage.probability !== undefined && (
            <Badge size="sm" variant="light" color={color} style={{ flexShrink: 0 }}>
              {t('board.probability', { value: stage.probability })}
            </Badge>
          )}
        </Group>
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {t('board.count', { count: records.length })}
          </Text>
          <Text size="xs" fw={600} data-testid="stage-total">
            {formatMoney(columnTotal(records), currency, i18n.language)}
          </Text>
        </Group>
      </Stack>
      <Stack gap="xs">
        {records.map((record) => (
          <DealCard key={record.id} record={record} display={display} currency={currency} canEdit={canEdit} />
        ))}
        {records.length === 0 && (
          <Text size="xs" c="dimmed" ta="center" py="md">
            {t('board.empty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function DealCard({ record, display, currency, canEdit }: { record: RecordData; display: Display; currency: string; canEdit: boolean }) {
  const { i18n } = useTranslation('records');
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: record.id, disabled: !canEdit });
  const account = typeof record.account_id === 'string' ? display[record.account_id] : undefined;
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      radius="sm"
      p="xs"
      shadow={isDragging ? 'md' : 'xs'}
      data-testid="deal-card"
      style={{
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        cursor: canEdit ? 'grab' : 'default',
        zIndex: isDragging ? 10 : undefined,
        position: 'relative',
        touchAction: 'none',
      }}
      {...listeners}
      {...attributes}
    >
      <Anchor
        component={Link}
        to="/records/$module/$id"
        params={{ module: 'deals', id: record.id } as never}
        size="sm"
        fw={600}
        onPointerDown={(event: React.PointerEvent) => event.stopPropagation()}
      >
        {String(record.name ?? '')}
      </Anchor>
      {account && (
        <Text size="xs" c="dimmed" truncate>
          {account}
        </Text>
      )}
      {record.amount !== null && record.amount !== undefined && (
        <Text size="sm" fw={500} mt={2}>
          {formatMoney(record.amount, typeof record.currency === 'string' && record.currency ? record.currency : currency, i18n.language)}
        </Text>
      )}
    </Paper>
  );
}
