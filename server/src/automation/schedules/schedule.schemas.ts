import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { EmailAction, FieldUpdateAction, TaskAction } from '../workflow/workflow.schemas.js';

export const Frequency = Type.Union([Type.Literal('once'), Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')], {
  description: 'once: on `date`; daily; weekly: on `weekdays`; monthly: on `monthDay` (the last day in shorter months). Always at `time`.',
});

export const ScheduleAction = Type.Union([FieldUpdateAction, TaskAction, EmailAction]);
export type ScheduleAction = Static<typeof ScheduleAction>;

const Criteria = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
  description: 'Which records of `module`: a filter in the list-view language; null: every record.',
});

export const CreateScheduleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    enabled: Type.Optional(Type.Boolean()),
    frequency: Frequency,
    date: Type.Optional(Type.Union([Type.String({ format: 'date', description: 'For once: the day (YYYY-MM-DD).' }), Type.Null()])),
    time: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Time of day (HH:MM) in the organization’s time zone.' }),
    weekdays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: 'For weekly: ISO weekdays, 1 Monday … 7 Sunday.' }),
    ),
    monthDay: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 31, description: 'For monthly: the day of the month.' }), Type.Null()]),
    ),
    module: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 63 }), Type.Null()], { description: 'The records to act on.' }),
    ),
    criteria: Type.Optional(Criteria),
    functionId: Type.Optional(
      Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
        description: 'A custom function to run: once per run, or once per matching record when `module` is set.',
      }),
    ),
    actions: Type.Optional(
      Type.Array(ScheduleAction, { maxItems: 10, description: 'Field updates, tasks and e-mails run on each matching record.' }),
    ),
    ownerId: Type.Optional(Type.String({ format: 'uuid', description: 'Whose name it acts in (default: the creator).' })),
  },
  { additionalProperties: false },
);
export type CreateScheduleBody = Static<typeof CreateScheduleBody>;

export const UpdateScheduleBody = Type.Partial(CreateScheduleBody, { additionalProperties: false, minProperties: 1 });
export type UpdateScheduleBody = Static<typeof UpdateScheduleBody>;

export const Schedule = Type.Object({
  id: Uuid,
  name: Type.String(),
  enabled: Type.Boolean(),
  frequency: Frequency,
  date: Type.Union([Type.String(), Type.Null()]),
  time: Type.String(),
  weekdays: Type.Array(Type.Integer()),
  monthDay: Type.Union([Type.Integer(), Type.Null()]),
  module: Type.Union([Type.String(), Type.Null()]),
  criteria: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  functionId: Type.Union([Uuid, Type.Null()]),
  actions: Type.Array(Type.Unknown()),
  ownerId: Uuid,
  nextRunAt: Type.Union([Timestamp, Type.Null()], { description: 'When it runs next (null: disabled, or a past once).' }),
  lastRunAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ScheduleList = Type.Object({ data: Type.Array(Schedule) });

export const ScheduleRun = Type.Object({
  id: Uuid,
  scheduleId: Uuid,
  dueAt: Timestamp,
  manual: Type.Boolean({ description: 'Started with “run now”.' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  matched: Type.Integer({ description: 'Records handled (1 for a function run without a module).' }),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});

export const ScheduleRunList = Type.Object({ data: Type.Array(ScheduleRun) });
