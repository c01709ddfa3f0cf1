import { ActionIcon, Alert, Anchor, Group, Loader, Paper, Text, Tooltip } from '@mantine/core';
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
import { IconArrowsHorizontal, IconChevronLeft, IconChevronRight, IconGripVertical, IconTrash } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Report, Widget, WidgetRun } from '../api';
import { placeWidgets, WIDTHS } from '../dashboard-layout';
import { ReportResult } from './report-result';

type PlacedWidget = Widget & { id: string };

/**
 * The dashboard's widgets on a 12-column grid, in their order. Owners drag a widget (by its handle) onto another to
 * move it there, or use the buttons to move it and change its width; `onChange` gets the new list.
 */
export function DashboardGrid({
  widgets,
  runs,
  reports,
  loading,
  editable,
  periodSet,
  onChange,
}: {
  widgets: PlacedWidget[];
  /** A dashboard period is on: widgets whose report has no period field say that it does not apply to them. */
  periodSet: boolean;
  runs: Map<string, WidgetRun>;
  reports: Map<string, Report>;
  loading: boolean;
  editable: boolean;
  onChange: (widgets: PlacedWidget[]) => void;
}) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= widgets.length || from === to) return;
    const next = [...widgets];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    onChange(placeWidgets(next));
  };
  const onDragEnd = (event: DragEndEvent) => {
    if (!event.over) return;
    move(
      widgets.findIndex((widget) => widget.id === event.active.id),
      widgets.findIndex((widget) => widget.id === event.over!.id),
    );
  };
  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd}>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(12, minmax(0, 1fr))', gap: 16 }} data-testid="dashboard-grid">
        {widgets.map((widget, index) => (
          <WidgetCard
            key={widget.id}
            widget={widget}
            run={runs.get(widget.id)}
            report={reports.get(widget.reportId)}
            loading={loading}
            editable={editable}
            periodSet={periodSet}
            onMove={(step) => move(index, index + step)}
            onResize={() =>
              onChange(
                placeWidgets(
                  widgets.map((one) => (one.id === widget.id ? { ...one, w: WIDTHS[(WIDTHS.indexOf(one.w) + 1) % WIDTHS.length]! } : one)),
                ),
              )
            }
            onRemove={() => onChange(placeWidgets(widgets.filter((one) => one.id !== widget.id)))}
          />
        ))}
      </div>
    </DndContext>
  );
}

function WidgetCard({
  widget,
  run,
  report,
  loading,
  editable,
  periodSet,
  onMove,
  onResize,
  onRemove,
}: {
  widget: PlacedWidget;
  periodSet: boolean;
  run: WidgetRun | undefined;
  report: Report | undefined;
  loading: boolean;
  editable: boolean;
  onMove: (step: -1 | 1) => void;
  onResize: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('reports');
  const drag = useDraggable({ id: widget.id, disabled: !editable });
  const drop = useDroppable({ id: widget.id });
  const title = widget.title || report?.name || t('dashboards.hiddenReport');
  const style = {
    gridColumn: `span ${widget.w}`,
    minHeight: widget.h * 110,
    transform: drag.transform ? `translate(${drag.transform.x}px, ${drag.transform.y}px)` : undefined,
    zIndex: drag.isDragging ? 10 : undefined,
    outline: drop.isOver && !drag.isDragging ? '2px dashed var(--mantine-color-blue-4)' : undefined,
  };
  return (
    <Paper
      ref={(node) => {
        drag.setNodeRef(node);
        drop.setNodeRef(node);
      }}
      withBorder
      radius="md"
      p="sm"
      style={style}
      data-testid="dashboard-widget"
      aria-label={title}
    >
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
          {editable && (
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              aria-label={t('dashboards.drag', { name: title })}
              {...drag.listeners}
              {...drag.attributes}
            >
              <IconGripVertical size={14} />
            </ActionIcon>
          )}
          {report ? (
            <Anchor component={Link} to={`/reports/${widget.reportId}`} fw={600} size="sm" truncate>
              {title}
            </Anchor>
          ) : (
            <Text fw={600} size="sm" truncate>
              {title}
            </Text>
          )}
        </Group>
        {editable && (
          <Group gap={2} wrap="nowrap">
            <Tooltip label={t('dashboards.moveLeft')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={t('dashboards.moveLeftOf', { name: title })}
                onClick={() => onMove(-1)}
              >
                <IconChevronLeft size={14} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('dashboards.moveRight')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={t('dashboards.moveRightOf', { name: title })}
                onClick={() => onMove(1)}
              >
                <IconChevronRight size={14} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('dashboards.resize')}>
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('dashboards.resizeOf', { name: title })} onClick={onResize}>
                <IconArrowsHorizontal size={14} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('dashboards.remove')}>
              <ActionIcon variant="subtle" color="red" size="sm" aria-label={t('dashboards.removeOf', { name: title })} onClick={onRemove}>
                <IconTrash size={14} />
              </ActionIcon>
            </Tooltip>
          </Group>
        )}
      </Group>
      {periodSet && report && !report.definition.period && (
        <Text size="xs" c="dimmed" mb="xs">
          {t('dashboards.noPeriodField')}
        </Text>
      )}
      {!run ? (
        loading ? (
          <Loader size="sm" />
        ) : null
      ) : 'error' in run ? (
        <Alert color={run.error.code === 'forbidden' ? 'gray' : 'red'} p="xs">
          {run.error.code === 'forbidden' ? t('dashboards.forbiddenWidget') : run.error.message}
        </Alert>
      ) : report ? (
        <ReportResult
          result={run.result}
          definition={report.definition}
          chart={widget.chart ?? report.definition.chart}
          source={{ id: report.id }}
          showTable={report.definition.type === 'tabular' || !(widget.chart ?? report.definition.chart)}
          chartHeight={Math.max(160, widget.h * 110 - 70)}
          compact
        />
      ) : null}
    </Paper>
  );
}
