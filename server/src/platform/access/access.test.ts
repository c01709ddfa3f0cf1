import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import {
  assertModuleAction,
  buildRecordScope,
  canModuleAction,
  fieldAccess,
  isOwnerInScope,
  type AccessSubject,
} from './access.service.js';

const subject = (overrides: Partial<AccessSubject> = {}): AccessSubject => ({
  userId: 'u-me',
  orgId: 'org-a',
  roleId: null,
  isAdmin: false,
  modulePermissions: {},
  fieldPermissions: {},
  ...overrides,
});

describe('module permissions', () => {
  it('uses the module’s own entry first, then "*", and refuses what neither allows', () => {
    const auth = subject({
      modulePermissions: {
        '*': { create: true, read: true, edit: true, delete: false, import: false, export: false },
        deals: { create: false, read: true, edit: false, delete: false, import: false, export: true },
      },
    });
    expect(canModuleAction(auth, 'deals', 'create')).toBe(false);
    expect(canModuleAction(auth, 'deals', 'export')).toBe(true);
    expect(canModuleAction(auth, 'contacts', 'create')).toBe(true);
    expect(canModuleAction(auth, 'contacts', 'delete')).toBe(false);
    expect(canModuleAction(subject(), 'contacts', 'read')).toBe(false);
  });

  it('never takes a permission from Object.prototype: a module named "constructor" or "toString" gets only what the profile says', () => {
    const auth = subject({
      modulePermissions: { '*': { create: false, read: true, edit: false, delete: false, import: false, export: false } },
    });
    expect(canModuleAction(auth, 'constructor', 'create')).toBe(false);
    expect(canModuleAction(auth, 'toString', 'create')).toBe(false);
    expect(canModuleAction(auth, 'constructor', 'read')).toBe(true);
  });

  it('falls back to "*" for an action the module entry leaves out', () => {
    const auth = subject({ modulePermissions: { '*': { read: true }, deals: { create: true } } });
    expect(canModuleAction(auth, 'deals', 'read')).toBe(true);
    expect(canModuleAction(auth, 'deals', 'edit')).toBe(false);
  });

  it('lets administrators do everything', () => {
    expect(canModuleAction(subject({ isAdmin: true }), 'anything', 'import')).toBe(true);
  });

  it('assertModuleAction throws a 403 naming module and action', () => {
    const auth = subject({ modulePermissions: { '*': { read: true } } });
    expect(() => assertModuleAction(auth, 'deals', 'read')).not.toThrow();
    try {
      assertModuleAction(auth, 'deals', 'delete');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).statusCode).toBe(403);
      expect((error as AppError).details).toEqual({ module: 'deals', action: 'delete' });
    }
  });
});

describe('field access', () => {
  it('splits a module’s fields into hidden and read-only sets; other modules and administrators get none', () => {
    const auth = subject({ fieldPermissions: { deals: { amount: 'hidden', stage: 'read_only', probability: 'hidden' } } });
    const deals = fieldAccess(auth, 'deals');
    expect([...deals.hidden].sort()).toEqual(['amount', 'probability']);
    expect([...deals.readOnly]).toEqual(['stage']);
    expect(fieldAccess(auth, 'contacts').hidden.size).toBe(0);
    const admin = fieldAccess({ ...auth, isAdmin: true }, 'deals');
    expect(admin.hidden.size + admin.readOnly.size).toBe(0);
  });
});

describe('record scope', () => {
  const shared = [
    { userId: 'u-sub', level: 'read_write' as const },
    { userId: 'u-group-reader', level: 'read' as const },
    // The same user reached twice: the stronger level wins.
    { userId: 'u-both', level: 'read' as const },
    { userId: 'u-both', level: 'read_write' as const },
  ];
  const base = { orgId: 'org-a', module: 'deals', isAdmin: false, userId: 'u-me', sharedOwners: shared };

  it('private: reads and writes only the owners reached, always including the user', () => {
    const scope = buildRecordScope({ ...base, sharing: 'private' });
    expect(scope.read).toEqual({ all: false, ownerIds: ['u-both', 'u-group-reader', 'u-me', 'u-sub'] });
    expect(scope.write).toEqual({ all: false, ownerIds: ['u-both', 'u-me', 'u-sub'] });
    expect(isOwnerInScope(scope.read, 'u-stranger')).toBe(false);
    expect(isOwnerInScope(scope.read, null)).toBe(false);
  });

  it('public_read: everyone reads, writes stay with the owners reached', () => {
    const scope = buildRecordScope({ ...base, sharing: 'public_read' });
    expect(scope.read).toEqual({ all: true });
    expect(isOwnerInScope(scope.read, 'u-stranger')).toBe(true);
    expect(isOwnerInScope(scope.write, 'u-stranger')).toBe(false);
    expect(isOwnerInScope(scope.write, 'u-group-reader')).toBe(false);
  });

  it('public_read_write and administrators: everything in the organization', () => {
    expect(buildRecordScope({ ...base, sharing: 'public_read_write' })).toMatchObject({
      orgId: 'org-a',
      read: { all: true },
      write: { all: true },
    });
    expect(buildRecordScope({ ...base, sharing: 'private', isAdmin: true })).toMatchObject({
      orgId: 'org-a',
      read: { all: true },
      write: { all: true },
    });
  });
});
