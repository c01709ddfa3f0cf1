import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

const Ids = (what: string) => Type.Array(Uuid, { maxItems: 200, description: what });

export const Recipients = Type.Object(
  {
    users: Type.Optional(Ids('Users who receive the report.')),
    roles: Type.Optional(Ids('Roles whose active users receive the report.')),
    groups: Type.Optional(Ids('Groups whose effective members (users, users of member roles, members of member groups) receive it.')),
  },
  { additionalProperties: false, description: 'Who receives the report: active users only, each once.' },
);

export const ScheduleFrequency = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')], {
  description: 'daily; weekly on `weekday`; monthly on `monthDay` (the last day in shorter months). Always at `time`.',
});
export const ScheduleFormat = Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('pdf')], {
  description: 'The attachment: CSV, an Excel workbook, or a PDF with the report’s chart (its value per top-level group) above the table.',
});

export const CreateReportScheduleBody = Type.Object(
  {
    frequency: ScheduleFrequency,
    time: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Time of day (HH:MM) in the organization’s time zone.' }),
    weekday: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 7, description: 'For weekly: ISO weekday, 1 Monday … 7 Sunday.' }), Type.Null()]),
    ),
    monthDay: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 31, description: 'For monthly: the day of the month.' }), Type.Null()]),
    ),
    format: ScheduleFormat,
    recipients: Recipients,
  },
  { additionalProperties: false },
);
export type CreateReportScheduleBody = Static<typeof CreateReportScheduleBody>;

export const UpdateReportScheduleBody = Type.Partial(CreateReportScheduleBody, { additionalProperties: false, minProperties: 1 });
export type UpdateReportScheduleBody = Static<typeof UpdateReportScheduleBody>;

export const ReportSchedule = Type.Object(
  {
    id: Uuid,
    reportId: Uuid,
    frequency: ScheduleFrequency,
    time: Type.String(),
    weekday: Type.Union([Type.Integer(), Type.Null()]),
    monthDay: Type.Union([Type.Integer(), Type.Null()]),
    format: ScheduleFormat,
    recipients: Type.Object({ users: Type.Array(Uuid), roles: Type.Array(Uuid), groups: Type.Array(Uuid) }),
    nextRunAt: Type.Union([Timestamp, Type.Null()], {
      description: 'When it is mailed next, in UTC (computed in the organization’s time zone).',
    }),
    lastRunAt: Type.Union([Timestamp, Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last run was not mailed (null: it was).' }),
    createdBy: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'A report mailed on a schedule, run as the report’s owner.' },
);
export type ReportSchedule = Static<typeof ReportSchedule>;
