import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import { findOrgIds } from '../../platform/access/index.js';
import { AppError, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { findOrganization } from '../../platform/orgs/organization.repository.js';
import { listOrganizations, nextRunAfter } from '../../automation/index.js';
import { invalid } from '../report-fields.js';
import { assertAllowed, type ReportService } from '../report.service.js';
import { findReport } from '../report.repository.js';
import { renderAttachment } from './schedule.render.js';
import {
  claimRun,
  deleteSchedule,
  findRun,
  findSchedule,
  finishRun,
  insertRun,
  insertSchedule,
  listRecipientEmails,
  listSchedules,
  lockDueSchedules,
  setNextRun,
  updateSchedule,
  type ReportScheduleRow,
} from './schedule.repository.js';
import type { CreateReportScheduleBody, ReportSchedule, UpdateReportScheduleBody } from './schedule.schemas.js';

export const TICK_JOB = 'reports.schedules-tick';
export const SEND_JOB = 'reports.schedule-send';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Every minute: each report schedule due now gets one run per due time and moves to its next time. */
    'reports.schedules-tick': Record<string, never>;
    /** One run of a report schedule: the report run as its owner, rendered and mailed once. */
    'reports.schedule-send': { orgId: string; schema: string; runId: string };
  }
}

const TEXT = {
  es: { subject: 'Informe programado', body: 'Adjunto el informe «{name}» generado el {date}.', total: 'Total' },
  en: { subject: 'Scheduled report', body: 'Attached is the report “{name}” run on {date}.', total: 'Total' },
};

function present(row: ReportScheduleRow): ReportSchedule {
  return {
    id: row.id,
    reportId: row.report_id,
    frequency: row.frequency,
    time: row.time,
    weekday: row.weekday,
    monthDay: row.month_day,
    format: row.format,
    recipients: { users: row.recipients.users ?? [], roles: row.recipients.roles ?? [], groups: row.recipients.groups ?? [] },
    nextRunAt: row.next_run_at?.toISOString() ?? null,
    lastRunAt: row.last_run_at?.toISOString() ?? null,
    lastError: row.last_error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The next time a report schedule falls due after `after`, on the automation schedules' calendar. */
const nextRun = (row: Pick<ReportScheduleRow, 'frequency' | 'time' | 'weekday' | 'month_day'>, after: Date, timeZone: string) =>
  nextRunAfter(
    { frequency: row.frequency, run_on: null, time: row.time, weekdays: row.weekday ? [row.weekday] : [], month_day: row.month_day },
    after,
    timeZone,
  );

/**
 * Report schedules: a report mailed daily, weekly or monthly to users, roles and groups, run as the report's owner.
 * Those who see a report see its schedules; its owner (with the right to build reports) and administrators manage them.
 */
export function createReportScheduleService(ctx: AppContext, deps: { reports: Pick<ReportService, 'visible' | 'runDefinition'> }) {
  const { database } = ctx;

  async function timeZoneOf(orgId: string): Promise<string> {
    const org = await findOrganization(database.db, orgId);
    if (!org) throw notFound('The organization');
    return org.time_zone;
  }

  /** The report, for managing its schedules: 404 when not visible, 403 when visible but not the caller's. */
  async function manageable(auth: AuthContext, reportId: string) {
    const report = await deps.reports.visible(auth, reportId);
    assertAllowed(auth, 'manage');
    if (report.owner_id !== auth.userId && !auth.isAdmin)
      throw forbidden('Only the owner of a report or an administrator can schedule it.');
    return report;
  }

  async function scheduleOf(auth: AuthContext, id: string) {
    const row = await findSchedule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The report schedule');
    try {
      await manageable(auth, row.report_id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw notFound('The report schedule');
      throw error;
    }
    return row;
  }

  /** Checks the fields a schedule needs for its frequency and that every recipient is of the organization. */
  async function checked(auth: AuthContext, row: ReportScheduleRow): Promise<ReportScheduleRow> {
    if (row.frequency === 'weekly' && !row.weekday) throw invalid('weekday', 'a weekly schedule needs a weekday (1 Monday … 7 Sunday)');
    if (row.frequency === 'monthly' && !row.month_day) throw invalid('monthDay', 'a monthly schedule needs a day of the month (1–31)');
    const recipients = {
      users: [...new Set(row.recipients.users ?? [])],
      roles: [...new Set(row.recipients.roles ?? [])],
      groups: [...new Set(row.recipients.groups ?? [])],
    };
    for (const [kind, type] of [
      ['users', 'user'],
      ['roles', 'role'],
      ['groups', 'group'],
    ] as const) {
      const found = await findOrgIds(database.db, auth.orgId, type, recipients[kind]);
      const index = recipients[kind].findIndex((id) => !found.has(id));
      if (index >= 0) throw invalid(`recipients.${kind}[${index}]`, `no ${type} ${recipients[kind][index]} in the organization`);
    }
    if (recipients.users.length + recipients.roles.length + recipients.groups.length === 0)
      throw invalid('recipients', 'a schedule needs at least one user, role or group to mail the report to');
    return {
      ...row,
      weekday: row.frequency === 'weekly' ? row.weekday : null,
      month_day: row.frequency === 'monthly' ? row.month_day : null,
      recipients,
      next_run_at: nextRun(row, ctx.now(), await timeZoneOf(auth.orgId)),
    };
  }

  async function list(auth: AuthContext, reportId: string): Promise<ReportSchedule[]> {
    await deps.reports.visible(auth, reportId);
    return (await listSchedules(database.db, auth.orgSchema, reportId)).map(present);
  }

  async function create(auth: AuthContext, reportId: string, body: CreateReportScheduleBody): Promise<ReportSchedule> {
    await manageable(auth, reportId);
    const now = ctx.now();
    const row = await checked(auth, {
      id: newId(),
      report_id: reportId,
      frequency: body.frequency,
      time: body.time,
      weekday: body.weekday ?? null,
      month_day: body.monthDay ?? null,
      format: body.format,
      recipients: { users: body.recipients.users ?? [], roles: body.recipients.roles ?? [], groups: body.recipients.groups ?? [] },
      next_run_at: null,
      last_run_at: null,
      last_error: null,
      created_by: auth.userId,
      created_at: now,
      updated_at: now,
    });
    return database.transaction('reports.schedule.create', async (trx) => {
      await insertSchedule(trx, auth.orgSchema, row);
      const after = present(row);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'report_schedule.created',
        targetType: 'report_schedule',
        targetId: row.id,
        after,
      });
      return after;
    });
  }

  async function update(auth: AuthContext, id: string, body: UpdateReportScheduleBody): Promise<ReportSchedule> {
    const before = await scheduleOf(auth, id);
    const row = await checked(auth, {
      ...before,
      frequency: body.frequency ?? before.frequency,
      time: body.time ?? before.time,
      weekday: body.weekday === undefined ? before.weekday : body.weekday,
      month_day: body.monthDay === undefined ? before.month_day : body.monthDay,
      format: body.format ?? before.format,
      recipients: body.recipients
        ? { users: body.recipients.users ?? [], roles: body.recipients.roles ?? [], groups: body.recipients.groups ?? [] }
        : before.recipients,
      updated_at: ctx.now(),
    });
    return database.transaction('reports.schedule.update', async (trx) => {
      await updateSchedule(trx, auth.orgSchema, row);
      const after = present(row);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'report_schedule.updated',
        targetType: 'report_schedule',
        targetId: id,
        before: present(before),
        after,
      });
      return after;
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    const before = await scheduleOf(auth, id);
    await database.transaction('reports.schedule.delete', async (trx) => {
      await deleteSchedule(trx, auth.orgSchema, id);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'report_schedule.deleted',
        targetType: 'report_schedule',
        targetId: id,
        before: present(before),
      });
    });
  }

  /**
   * Gives every due schedule of every organization a run (unique per schedule and due time: two ticks make one) and
   * moves it to its next time; missed times (the server was down) make one run. Returns the run ids.
   */
  async function tick(): Promise<string[]> {
    const started: string[] = [];
    const now = ctx.now();
    for (const org of await listOrganizations(database.db)) {
      const ids = await database.transaction('reports.schedules-tick', async (trx) => {
        const runs: string[] = [];
        for (const schedule of await lockDueSchedules(trx, org.schema_name, now, 100)) {
          const due = schedule.next_run_at!;
          await setNextRun(trx, org.schema_name, schedule.id, nextRun(schedule, now.getTime() > due.getTime() ? now : due, org.time_zone));
          const runId = await insertRun(trx, org.schema_name, { id: newId(), schedule_id: schedule.id, due_at: due });
          if (!runId) continue;
          await ctx.jobs.send(SEND_JOB, { orgId: org.id, schema: org.schema_name, runId }, { trx, singletonKey: runId, retryLimit: 3 });
          runs.push(runId);
        }
        return runs;
      });
      started.push(...ids);
    }
    return started;
  }

  /** Runs the report as its owner, renders it and mails it to the recipients with a Message-ID stable for the run. */
  async function send(data: { orgId: string; schema: string; runId: string }): Promise<void> {
    const run = await findRun(database.db, data.schema, data.runId);
    if (!run || run.status !== 'pending') return;
    const schedule = await findSchedule(database.db, data.schema, run.schedule_id);
    const report = schedule ? await findReport(database.db, data.schema, schedule.report_id) : undefined;
    if (!schedule || !report || !(await claimRun(database.db, data.schema, run.id, ctx.now()))) return;
    let error: string | null = null;
    let count = 0;
    try {
      const owner = await toAuthContext(database.db, report.owner_id, 'token');
      if (!owner || owner.orgId !== data.orgId) throw new AppError('validation_failed', 'The report’s owner is no longer an active user.');
      const text = owner.language === 'en' ? TEXT.en : TEXT.es;
      const result = await deps.reports.runDefinition(owner, report.definition);
      const attachment = await renderAttachment(schedule.format, {
        name: report.name,
        result,
        totalLabel: text.total,
        chartValue: report.definition.chart?.value,
        language: owner.language === 'en' ? 'en' : 'es',
      });
      const to = await listRecipientEmails(database.db, data.orgId, schedule.recipients);
      if (to.length === 0) throw new AppError('validation_failed', 'No active user among the recipients.');
      const date = run.due_at.toISOString().slice(0, 10);
      const sent = await ctx.mailer.send({
        orgId: data.orgId,
        to: to.join(', '),
        subject: `${text.subject}: ${report.name} (${date})`,
        text: text.body.replace('{name}', report.name).replace('{date}', date),
        messageId: `<report-schedule.${run.id}@clave>`,
        attachments: [attachment],
      });
      if (sent.status === 'failed') throw new AppError('validation_failed', 'The mail server refused the message.');
      count = to.length;
    } catch (failure) {
      if (!(failure instanceof AppError)) throw failure;
      error = failure.message.slice(0, 2000);
    }
    await finishRun(database.db, data.schema, run, { at: ctx.now(), error, recipients: count });
  }

  return { list, create, update, remove, tick, send };
}

export type ReportScheduleService = ReturnType<typeof createReportScheduleService>;
