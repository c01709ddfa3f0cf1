import { noActions, PROFILE_ACTIONS, type ModuleActions, type ProfileAction } from '../hooks/use-profiles';

/**
 * Profile permission keys that are not modules, with the actions that mean something for each (the server names
 * them: `kam_surveys` in server/src/kam/surveys/survey.service.ts). Only their own row grants them: the
 * "All modules" row does not reach them.
 */
export const NON_MODULE_PERMISSIONS: Readonly<Record<string, readonly ProfileAction[]>> = {
  /** Read: surveys and their results; create: build, send and record answers. */
  kam_surveys: ['read', 'create'],
  /** Read: assignment rules; edit: create, change and delete them (server/src/automation/assignment/assignment.service.ts). */
  automation_assignment: ['read', 'edit'],
  /** Read: case escalation rules and escalations; edit: manage the rules (server/src/automation/escalation/escalation.service.ts). */
  automation_escalation: ['read', 'edit'],
  /** Read: approval processes; edit: create, change and delete them (server/src/automation/approvals/approval.service.ts). */
  automation_approvals: ['read', 'edit'],
  /** Read: scoring rules and their log; edit: create, change, recalculate and delete them (server/src/automation/scoring). */
  automation_scoring: ['read', 'edit'],
  /** Read: workflow rules and their execution log; create or edit: build, change, test and delete them (automation/workflow). */
  automation: ['read', 'create', 'edit'],
  /** Read: the caller's forecast and their team's; edit: also the quotas of the people below them (server/src/forecasts). */
  forecasts: ['read', 'edit'],
  /** Read: reports and dashboards shared with one; create or edit: build one's own and share them (server/src/reports). */
  reports: ['read', 'create', 'edit'],
};

export const isNonModulePermission = (key: string): boolean => Object.hasOwn(NON_MODULE_PERMISSIONS, key);

/** The actions a row offers: the six for a module (and "All modules"), the meaningful ones for another key. */
export function actionsOf(key: string): readonly ProfileAction[] {
  return isNonModulePermission(key) ? NON_MODULE_PERMISSIONS[key]! : PROFILE_ACTIONS;
}

/**
 * The actions of a row added to the matrix: a module starts from what "All modules" grants, so adding it changes
 * nothing until edited; a non-module key starts with nothing, as it has without its row.
 */
export function newRowActions(key: string, star: ModuleActions | undefined): ModuleActions {
  return isNonModulePermission(key) ? noActions() : { ...(star ?? noActions()) };
}

/** Every action of the row on or off; a non-module key's meaningless actions stay off. */
export function allActions(key: string, value: boolean): ModuleActions {
  const offered = actionsOf(key);
  return Object.fromEntries(PROFILE_ACTIONS.map((action) => [action, value && offered.includes(action)])) as ModuleActions;
}
