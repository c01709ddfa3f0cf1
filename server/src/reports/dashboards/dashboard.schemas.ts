import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { PeriodRange, RunResult, SharedWith } from '../report.schemas.js';

const uuid = (description: string) => Type.String({ format: 'uuid', description });

const ChartType = Type.Union(
  ['bar', 'stacked_bar', 'line', 'area', 'pie', 'donut', 'funnel', 'kpi'].map((type) => Type.Literal(type)),
  { description: 'The chart type.' },
);

export const WidgetInput = Type.Object(
  {
    id: Type.Optional(uuid('Keep a widget’s id when editing; a new widget gets one.')),
    reportId: uuid('The report shown (it must be visible to whoever saves the dashboard).'),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 120 }), Type.Null()], { description: 'Replaces the report’s name.' })),
    chart: Type.Optional(
      Type.Union(
        [
          Type.Object(
            { type: ChartType, value: Type.Optional(Type.String({ maxLength: 63, description: 'The aggregate or formula key drawn.' })) },
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        { description: 'Replaces the report’s chart in this widget.' },
      ),
    ),
    x: Type.Integer({ minimum: 0, maximum: 11, description: 'Column of the 12-column grid where it starts.' }),
    y: Type.Integer({ minimum: 0, maximum: 1000, description: 'Row order: widgets are laid out by y, then x.' }),
    w: Type.Integer({ minimum: 1, maximum: 12, description: 'Width in grid columns (12 = whole width).' }),
    h: Type.Integer({ minimum: 1, maximum: 12, description: 'Height in rows.' }),
  },
  { additionalProperties: false },
);
export type WidgetInput = Static<typeof WidgetInput>;

export const Widget = Type.Object({
  id: Uuid,
  reportId: Uuid,
  title: Type.Union([Type.String(), Type.Null()]),
  chart: Type.Union([Type.Object({ type: Type.String(), value: Type.Optional(Type.String()) }), Type.Null()]),
  x: Type.Integer(),
  y: Type.Integer(),
  w: Type.Integer(),
  h: Type.Integer(),
});
export type Widget = Static<typeof Widget>;

const Name = Type.String({ minLength: 1, maxLength: 120, description: 'The dashboard’s name.' });
const Widgets = Type.Array(WidgetInput, { maxItems: 24, description: 'The widgets, at most 24; replaces the whole list.' });

export const CreateDashboardBody = Type.Object(
  {
    name: Name,
    sharedWith: Type.Optional(SharedWith),
    period: Type.Optional(
      Type.Union([PeriodRange, Type.Null()], {
        description: 'Replaces every widget report’s range (on the report’s period field); null: each report’s own range.',
      }),
    ),
    widgets: Type.Optional(Widgets),
  },
  { additionalProperties: false },
);
export type CreateDashboardBody = Static<typeof CreateDashboardBody>;

export const UpdateDashboardBody = Type.Partial(CreateDashboardBody, { additionalProperties: false });
export type UpdateDashboardBody = Static<typeof UpdateDashboardBody>;

export const Dashboard = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    ownerId: Uuid,
    sharedWith: Type.Object({ roles: Type.Array(Uuid), groups: Type.Array(Uuid), everyone: Type.Boolean() }),
    period: Type.Union([PeriodRange, Type.Null()]),
    widgets: Type.Array(Widget),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Dashboard', description: 'A grid of report widgets with a period over all of them.' },
);
export type Dashboard = Static<typeof Dashboard>;

export const RunDashboardBody = Type.Object(
  { period: Type.Optional(Type.Union([PeriodRange, Type.Null()], { description: 'Replaces the dashboard’s period for this run.' })) },
  { additionalProperties: false },
);
export type RunDashboardBody = Static<typeof RunDashboardBody>;

export const WidgetRun = Type.Union([
  Type.Object({ id: Uuid, result: RunResult }),
  Type.Object({
    id: Uuid,
    error: Type.Object({
      code: Type.String({ description: '`forbidden` when the caller may not see the report (or it is gone), else the run’s error code.' }),
      message: Type.String(),
    }),
  }),
]);

export const DashboardRun = Type.Object({
  widgets: Type.Array(WidgetRun, {
    description: 'One entry per widget, in the dashboard’s order; a failing widget does not stop the others.',
  }),
});
export type DashboardRun = Static<typeof DashboardRun>;
