import { describe, expect, it } from 'vitest';
import { noActions, PROFILE_ACTIONS } from '../hooks/use-profiles';
import { actionsOf, allActions, isNonModulePermission, newRowActions, NON_MODULE_PERMISSIONS } from './permission-keys';

const everything = Object.fromEntries(PROFILE_ACTIONS.map((action) => [action, true])) as ReturnType<typeof noActions>;

describe('non-module permission keys', () => {
  it('lists the KAM survey permission with read and create only', () => {
    expect(Object.keys(NON_MODULE_PERMISSIONS)).toContain('kam_surveys');
    expect(Object.keys(NON_MODULE_PERMISSIONS)).toContain('automation');
    expect(isNonModulePermission('kam_surveys')).toBe(true);
    expect(isNonModulePermission('accounts')).toBe(false);
    expect(isNonModulePermission('toString')).toBe(false);
    expect(actionsOf('kam_surveys')).toEqual(['read', 'create']);
    expect(actionsOf('accounts')).toEqual(PROFILE_ACTIONS);
  });

  it('lists forecasts with read and edit (edit sets the quotas of one’s team)', () => {
    expect(actionsOf('forecasts')).toEqual(['read', 'edit']);
    expect(allActions('forecasts', true)).toEqual({ ...noActions(), read: true, edit: true });
  });

  it('starts a survey row with nothing granted, a module row from "All modules"', () => {
    expect(newRowActions('kam_surveys', everything)).toEqual(noActions());
    expect(newRowActions('accounts', everything)).toEqual(everything);
    expect(newRowActions('accounts', undefined)).toEqual(noActions());
  });

  it('"all" on a survey row grants read and create and nothing meaningless', () => {
    expect(allActions('kam_surveys', true)).toEqual({ ...noActions(), read: true, create: true });
    expect(allActions('kam_surveys', false)).toEqual(noActions());
    expect(allActions('accounts', true)).toEqual(everything);
  });
});
