import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { assertAllowed, type WorkflowService } from '../workflow/workflow.service.js';
import { findPerson } from '../workflow/workflow.repository.js';
import { findFunction } from '../functions/function.repository.js';
import { nextRunAfter } from './schedule.calendar.js';
import {
  deleteSchedule,
  findSchedule,
  listRuns,
  listSchedules,
  saveSchedule,
  type ScheduleRow,
  type ScheduleRunRow,
} from './schedule.repository.js';
import type { ScheduleRunner } from './schedule.runner.js';
import type { CreateScheduleBody, UpdateScheduleBody } from './schedule.schemas.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const presentSchedule = (row: ScheduleRow) => ({
  id: row.id,
  name: row.name,
  enabled: row.enabled,
  frequency: row.frequency,
  date: row.run_on,
  time: row.time,
  weekdays: row.weekdays,
  monthDay: row.month_day,
  module: row.module,
  criteria: (row.criteria ?? null) as Record<string, unknown> | null,
  functionId: row.function_id,
  actions: row.actions,
  ownerId: row.owner_id,
  nextRunAt: iso(row.next_run_at),
  lastRunAt: iso(row.last_run_at),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const presentRun = (row: ScheduleRunRow) => ({
  id: row.id,
  scheduleId: row.schedule_id,
  dueAt: row.due_at.toISOString(),
  manual: row.manual,
  status: row.status,
  matched: row.matched,
  succeeded: row.succeeded,
  failed: row.failed,
  error: row.error,
  startedAt: row.started_at.toISOString(),
  finishedAt: iso(row.finished_at),
});

/** Schedules: the profile permission `automation` (like workflow rules) or administrators. */
export function createScheduleService(ctx: AppContext, deps: { workflow: WorkflowService; runner: ScheduleRunner }) {
  const { database } = ctx;

  async function load(auth: AuthContext, id: string): Promise<ScheduleRow> {
    const row = await findSchedule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The schedule');
    return row;
  }

  /** Checks when and what (400 naming the bad part) and sets the next run. */
  async function check(auth: AuthContext, row: ScheduleRow): Promise<ScheduleRow> {
    const name = row.name.trim();
    if (!name) throw badRequest('Name the schedule.', 'name');
    if (row.frequency === 'once' && !row.run_on) throw badRequest('A schedule that runs once needs its date.', 'date');
    if (row.frequency === 'weekly' && row.weekdays.length === 0)
      throw badRequest('A weekly schedule needs at least one weekday.', 'weekdays');
    if (row.frequency === 'monthly' && !row.month_day) throw badRequest('A monthly schedule needs its day of the month.', 'monthDay');
    if (row.function_id && row.actions.length > 0) throw badRequest('Run a function or actions, not both.', 'actions');
    if (!row.function_id && row.actions.length === 0) throw badRequest('Choose a custom function or at least one action.', 'actions');
    if (row.function_id && !(await findFunction(database.db, auth.orgSchema, row.function_id)))
      throw badRequest('No custom function of your organization has this id.', 'functionId');
    if (row.actions.length > 0 && !row.module) throw badRequest('Actions act on records: choose the module.', 'module');
    let module = row.module;
    if (module) module = await deps.workflow.checkRecordActions(auth, { module, criteria: row.criteria, actions: row.actions });
    else if (row.criteria) throw badRequest('Criteria choose records: choose the module.', 'module');
    if (!(await findPerson(database.db, auth.orgId, row.owner_id)))
      throw badRequest('No active user of your organization has this id.', 'ownerId');
    const next = row.enabled ? nextRunAfter(row, ctx.now(), auth.organization.timeZone) : null;
    if (row.frequency === 'once' && row.enabled && !next) throw badRequest('This date and time have passed.', 'date');
    return {
      ...row,
      name,
      module,
      weekdays: [...new Set(row.weekdays)].sort(),
      month_day: row.frequency === 'monthly' ? row.month_day : null,
      run_on: row.frequency === 'once' ? row.run_on : null,
      next_run_at: next,
    };
  }

  function merge(current: ScheduleRow, body: UpdateScheduleBody, now: Date): ScheduleRow {
    const pick = <K extends keyof UpdateScheduleBody>(key: K, fallback: NonNullable<UpdateScheduleBody[K]> | null) =>
      body[key] === undefined ? fallback : (body[key] ?? null);
    return {
      ...current,
      name: body.name ?? current.name,
      enabled: body.enabled ?? current.enabled,
      frequency: body.frequency ?? current.frequency,
      run_on: pick('date', current.run_on),
      time: body.time ?? current.time,
      weekdays: body.weekdays ?? current.weekdays,
      month_day: pick('monthDay', current.month_day),
      module: pick('module', current.module),
      criteria: body.criteria === undefined ? current.criteria : body.criteria,
      function_id: pick('functionId', current.function_id),
      actions: body.actions ?? current.actions,
      owner_id: body.ownerId ?? current.owner_id,
      updated_at: now,
    };
  }

  async function setEnabled(auth: AuthContext, id: string, enabled: boolean) {
    assertAllowed(auth, 'manage');
    const row = await check(auth, merge(await load(auth, id), { enabled }, ctx.now()));
    await saveSchedule(database.db, auth.orgSchema, row, false);
    return presentSchedule(row);
  }

  return {
    async list(auth: AuthContext) {
      assertAllowed(auth, 'read');
      return (await listSchedules(database.db, auth.orgSchema)).map(presentSchedule);
    },

    async get(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      return presentSchedule(await load(auth, id));
    },

    async create(auth: AuthContext, body: CreateScheduleBody) {
      assertAllowed(auth, 'manage');
      const now = ctx.now();
      const row = await check(auth, {
        id: newId(),
        name: body.name,
        enabled: body.enabled ?? true,
        frequency: body.frequency,
        run_on: body.date ?? null,
        time: body.time,
        weekdays: body.weekdays ?? [],
        month_day: body.monthDay ?? null,
        module: body.module ?? null,
        criteria: body.criteria ?? null,
        function_id: body.functionId ?? null,
        actions: body.actions ?? [],
        owner_id: body.ownerId ?? auth.userId,
        next_run_at: null,
        last_run_at: null,
        created_by: auth.userId,
        created_at: now,
        updated_at: now,
      });
      await saveSchedule(database.db, auth.orgSchema, row, true);
      return presentSchedule(row);
    },

    async update(auth: AuthContext, id: string, body: UpdateScheduleBody) {
      assertAllowed(auth, 'manage');
      const row = await check(auth, merge(await load(auth, id), body, ctx.now()));
      await saveSchedule(database.db, auth.orgSchema, row, false);
      return presentSchedule(row);
    },

    enable: (auth: AuthContext, id: string) => setEnabled(auth, id, true),
    disable: (auth: AuthContext, id: string) => setEnabled(auth, id, false),

    async remove(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      await load(auth, id);
      await deleteSchedule(database.db, auth.orgSchema, id);
    },

    async runNow(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      const runId = await deps.runner.runNow(auth.orgId, auth.orgSchema, await load(auth, id));
      return { runId };
    },

    async runs(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      await load(auth, id);
      return (await listRuns(database.db, auth.orgSchema, id, 50)).map(presentRun);
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
