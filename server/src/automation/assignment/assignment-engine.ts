import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { criteriaConditions } from '../criteria.js';
import {
  type ModuleMeta,
  type ModuleView,
  type NewRecord,
  type OrgMetadata,
  type RecordRow,
  type RecordScope,
  type RecordsModule,
} from '../../records/index.js';
import type { AssignmentEntry, AssignmentTarget } from './assignment.schemas.js';
import {
  countOpenOwned,
  findActiveRule,
  listActivePoolUsers,
  lockCursor,
  matchingEntries,
  saveCursor,
  type Pool,
} from './assignment.repository.js';

/** What "open" means when least-loaded counts a user's records (a module not listed: every live record). */
const OPEN: Record<string, RawBuilder<boolean>> = {
  leads: sql<boolean>`r.is_converted IS NOT TRUE`,
  deals: sql<boolean>`r.closed_at IS NULL`,
  cases: sql<boolean>`r.status IS NULL OR r.status NOT IN ('resolved', 'closed')`,
  tasks: sql<boolean>`r.status IS DISTINCT FROM 'completed'`,
};

/** The pool of a round robin or least-loaded target (validated on save: exactly one). */
export function poolOf(target: AssignmentTarget): Pool {
  if (target.type === 'user') return { userIds: target.userId ? [target.userId] : [] };
  if (target.userIds) return { userIds: target.userIds };
  if (target.roleId) return { roleId: target.roleId };
  return { groupId: target.groupId! };
}

/** The next user after `last` in id order, wrapping around (a user who left the pool is simply passed). */
export function nextInTurn(users: string[], last: string | null): string {
  if (last === null) return users[0]!;
  return users.find((id) => id > last) ?? users[0]!;
}

interface FollowUp {
  auth: AuthContext;
  tasks: Map<string, { subject: string; dueInDays?: number; userId: string }>;
}

/**
 * Assignment rules (AUT-1) in the create transaction: a `beforeInsert` hook
 * of the record service picks the owner of each new record the caller gave
 * no owner, so the create's answer already shows it; an `afterWrite` hook
 * creates the optional follow-up tasks once the records exist.
 */
export function createAssignmentEngine(ctx: AppContext, records: RecordsModule) {
  const followUps = new WeakMap<Trx, FollowUp>();

  async function assign(trx: Trx, auth: AuthContext, view: ModuleView, items: NewRecord[]): Promise<void> {
    const pending = items.filter((item) => !item.ownerGiven);
    if (pending.length === 0) return;
    const { module, metadata } = view;
    const rule = await findActiveRule(trx, metadata.schema, module.apiName);
    if (!rule || rule.entries.length === 0) return;
    const hits = await matchingEntries(
      trx,
      metadata.schema,
      module.table,
      pending.map((item) => item.values),
      criteriaConditions(
        rule.entries.map((entry) => entry.criteria),
        module,
        metadata,
      ),
    );

    // Each entry's users and turn, loaded on first use; the cursor row stays locked until commit.
    const state = new Map<number, { users: string[]; last: string | null; loads?: Map<string, number>; moved: boolean }>();
    const load = async (position: number, entry: AssignmentEntry) => {
      let entryState = state.get(position);
      if (entryState) return entryState;
      const users = await listActivePoolUsers(trx, auth.orgId, poolOf(entry.target));
      let last: string | null = null;
      let loads: Map<string, number> | undefined;
      if (users.length > 0 && entry.target.type !== 'user') {
        // Least-loaded takes the lock too: concurrent creates count each other's records instead of all picking the same user.
        last = await lockCursor(trx, metadata.schema, rule.id, entry.id);
        if (entry.target.type === 'least_loaded') {
          const open = OPEN[module.apiName] ?? sql<boolean>`true`;
          const counts = await countOpenOwned(trx, metadata.schema, module.table, users, open);
          loads = new Map(users.map((id) => [id, counts.get(id) ?? 0]));
        }
      }
      entryState = { users, last, loads, moved: false };
      state.set(position, entryState);
      return entryState;
    };

    for (const [index, item] of pending.entries()) {
      for (const [position, entry] of rule.entries.entries()) {
        if (!hits[index]![position]) continue;
        const entryState = await load(position, entry);
        if (entryState.users.length === 0) continue; // nobody active to take it: the next matching entry may
        let owner: string;
        if (entry.target.type === 'user') owner = entryState.users[0]!;
        else if (entry.target.type === 'round_robin') {
          owner = nextInTurn(entryState.users, entryState.last);
          entryState.last = owner;
          entryState.moved = true;
        } else {
          const loads = entryState.loads!;
          owner = entryState.users.reduce((best, id) => (loads.get(id)! < loads.get(best)! ? id : best));
          loads.set(owner, loads.get(owner)! + 1);
        }
        item.values.owner_id = owner;
        if (entry.followUpTask && module.apiName !== 'tasks') {
          let followUp = followUps.get(trx);
          if (!followUp) followUps.set(trx, (followUp = { auth, tasks: new Map() }));
          followUp.tasks.set(item.id, { ...entry.followUpTask, userId: owner });
        }
        break;
      }
    }
    for (const [position, entryState] of state) {
      if (entryState.moved) await saveCursor(trx, metadata.schema, rule.id, rule.entries[position]!.id, entryState.last!);
    }
  }

  async function createFollowUpTasks(trx: Trx, metadata: OrgMetadata, module: ModuleMeta, rows: RecordRow[], created: boolean) {
    const followUp = followUps.get(trx);
    if (!created || !followUp) return;
    const wanted = rows.filter((row) => followUp.tasks.has(row.id));
    if (wanted.length === 0) return;
    const tasks = metadata.modules.get('tasks');
    if (!tasks) return;
    // The rule acts, not the caller: every task field is writable and the new record is a valid target whoever owns it.
    const view: ModuleView = {
      metadata,
      module: tasks,
      visible: tasks.fields,
      byName: new Map(tasks.fields.map((field) => [field.apiName, field])),
      readOnly: new Set(tasks.fields.filter((field) => field.isSystem).map((field) => field.apiName)),
    };
    const everything = (name: string): RecordScope =>
      ({
        orgId: followUp.auth.orgId,
        module: name,
        sharing: 'public_read_write',
        read: { all: true },
        write: { all: true },
      }) as RecordScope;
    const today = localDate(ctx.now(), followUp.auth.organization.timeZone);
    const inputs = wanted.map((row, index) => {
      const task = followUp.tasks.get(row.id)!;
      followUp.tasks.delete(row.id);
      return {
        index,
        values: {
          subject: task.subject,
          owner_id: task.userId,
          related_module: module.apiName,
          related_id: row.id,
          ...(task.dueInDays === undefined ? {} : { due_date: addDays(today, task.dueInDays) }),
        },
      };
    });
    await records.records.createMany(trx, followUp.auth, view, everything, inputs, { allowDuplicates: true });
  }

  return { assign, createFollowUpTasks };
}

/** The calendar date of an instant in a time zone (YYYY-MM-DD). */
function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + days)).toISOString().slice(0, 10);
}
