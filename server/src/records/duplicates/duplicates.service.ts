import type { Executor, Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { canModuleAction, loadRecordScopes, type RecordScope } from '../../platform/access/access.service.js';
import { badRequest } from '../../platform/http/app-error.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';
import { getModule, moduleView, type ModuleView } from '../records/record-access.js';
import { findDisplayNames, type RecordRow } from '../records/record.repository.js';
import type { DuplicateMatch } from '../records/record-write.js';
import { companySource, defaultRules, DUPLICATE_RULES, duplicateKeys, type DuplicateRule } from './duplicate-keys.js';
import { findAccountNames, findByKeys, findKeyHolders, replaceKeys } from './duplicates.repository.js';

const MAX_MATCHES = 20;

/**
 * Duplicate rules per module, the normalized keys of every record (kept on
 * each write through the record service's hooks) and the check that finds
 * the records a new one duplicates.
 */
export function createDuplicatesService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;

  async function rulesOf(executor: Executor, orgId: string, module: string): Promise<DuplicateRule[]> {
    const row = await executor
      .selectFrom('platform.duplicate_rules')
      .select('rules')
      .where('org_id', '=', orgId)
      .where('module', '=', module)
      .executeTakeFirst();
    return row ? (row.rules as DuplicateRule[]) : defaultRules(module);
  }

  async function getRules(auth: AuthContext, moduleName: string): Promise<{ module: string; rules: DuplicateRule[] }> {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const module = getModule(metadata, moduleName);
    return { module: module.apiName, rules: await rulesOf(database.db, auth.orgId, module.apiName) };
  }

  async function putRules(auth: AuthContext, moduleName: string, rules: string[]): Promise<{ module: string; rules: DuplicateRule[] }> {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const module = getModule(metadata, moduleName);
    for (const [i, rule] of rules.entries())
      if (!(DUPLICATE_RULES as readonly string[]).includes(rule))
        throw badRequest(`"${rule}" is not a duplicate rule; use ${DUPLICATE_RULES.join(', ')}.`, `rules.${i}`);
    const unique = DUPLICATE_RULES.filter((rule) => rules.includes(rule));
    await database.transaction('duplicates.rules', async (trx) => {
      await trx
        .insertInto('platform.duplicate_rules')
        .values({ org_id: auth.orgId, module: module.apiName, rules: JSON.stringify(unique) })
        .onConflict((oc) => oc.columns(['org_id', 'module']).doUpdateSet({ rules: JSON.stringify(unique), updated_at: new Date() }))
        .execute();
    });
    return { module: module.apiName, rules: unique };
  }

  /** Account names the name + company key of these values needs (contacts and deals name their company by account). */
  async function accountNamesFor(executor: Executor, metadata: OrgMetadata, module: ModuleMeta, items: Array<Record<string, unknown>>) {
    const accounts = metadata.modules.get('accounts');
    if (companySource(module) !== 'account_id' || !accounts) return new Map<string, string>();
    const ids = [...new Set(items.map((v) => v.account_id).filter((id): id is string => typeof id === 'string'))];
    return findAccountNames(executor, metadata.schema, accounts.table, ids);
  }

  /** Hook after every insert and update: the records' keys, whatever the rules (rules may change later). */
  async function indexRows(trx: Trx, metadata: OrgMetadata, module: ModuleMeta, rows: RecordRow[], created = false): Promise<void> {
    if (rows.length === 0) return;
    const names = await accountNamesFor(trx, metadata, module, rows);
    const entries = rows.flatMap((row) =>
      duplicateKeys(module, row, names.get(row.account_id as string) ?? null).map((k) => ({ recordId: row.id, ...k })),
    );
    // New records have no keys yet: nothing to delete first.
    await replaceKeys(trx, metadata.schema, module.apiName, created ? [] : rows.map((row) => row.id), entries);
  }

  /** Live records the caller can see that `values` duplicates by the module's rules (or the given ones). */
  async function findDuplicates(
    executor: Executor,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    values: Record<string, unknown>,
    options: { rules?: DuplicateRule[]; excludeIds?: string[] } = {},
  ): Promise<DuplicateMatch[]> {
    const { metadata, module } = view;
    if (!canModuleAction(auth, module.apiName, 'read')) return [];
    const rules = options.rules ?? (await rulesOf(executor, auth.orgId, module.apiName));
    if (rules.length === 0) return [];
    const names = await accountNamesFor(executor, metadata, module, [values]);
    const keys = duplicateKeys(module, values, names.get(values.account_id as string) ?? null).filter((k) => rules.includes(k.rule));
    const scope = scopes(module.apiName).read;
    const found = await findByKeys(executor, {
      schema: metadata.schema,
      table: module.table,
      module: module.apiName,
      keys,
      ownerIds: scope.all ? null : scope.ownerIds,
      excludeIds: options.excludeIds ?? [],
      limit: MAX_MATCHES,
    });
    const displayNames = new Map(
      (
        await findDisplayNames(
          executor,
          metadata.schema,
          module.table,
          module.displayFields,
          found.map((f) => f.id),
        )
      ).map((row) => [row.id, row.name ?? '']),
    );
    return found.map((f) => ({ id: f.id, name: displayNames.get(f.id) ?? '', rules: f.rules }));
  }

  /**
   * findDuplicates for a batch of new records, in a few queries (one set of rules, one key lookup, one name
   * lookup), and which earlier record of the same batch each one repeats (two rows of one import file).
   */
  async function findDuplicatesMany(
    executor: Executor,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    batch: Array<Record<string, unknown>>,
  ): Promise<Array<{ matches: DuplicateMatch[]; repeats: number | null }>> {
    const { metadata, module } = view;
    const none = () => batch.map(() => ({ matches: [], repeats: null }));
    if (batch.length === 0 || !canModuleAction(auth, module.apiName, 'read')) return none();
    const rules = await rulesOf(executor, auth.orgId, module.apiName);
    if (rules.length === 0) return none();
    const names = await accountNamesFor(executor, metadata, module, batch);
    const keysOf = batch.map((values) =>
      duplicateKeys(module, values, names.get(values.account_id as string) ?? null).filter((k) => rules.includes(k.rule)),
    );
    const scope = scopes(module.apiName).read;
    const hits = await findKeyHolders(executor, {
      schema: metadata.schema,
      table: module.table,
      module: module.apiName,
      keys: keysOf.flat(),
      ownerIds: scope.all ? null : scope.ownerIds,
    });
    const pair = (rule: string, key: string) => `${rule}\u0000${key}`;
    const holders = new Map<string, string[]>();
    for (const hit of hits) holders.set(pair(hit.rule, hit.key), [...(holders.get(pair(hit.rule, hit.key)) ?? []), hit.id]);
    const perItem = keysOf.map((keys) => {
      const byRecord = new Map<string, Set<string>>();
      for (const k of keys) {
        for (const id of holders.get(pair(k.rule, k.key)) ?? []) byRecord.set(id, new Set([...(byRecord.get(id) ?? []), k.rule]));
      }
      return [...byRecord.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, MAX_MATCHES);
    });
    const ids = [...new Set(perItem.flatMap((matches) => matches.map(([id]) => id)))];
    const displayNames = new Map(
      (await findDisplayNames(executor, metadata.schema, module.table, module.displayFields, ids)).map((row) => [row.id, row.name ?? '']),
    );
    const firstHolder = new Map<string, number>();
    const repeats = keysOf.map((keys, position) => {
      let earlier: number | null = null;
      for (const k of keys) {
        const holder = firstHolder.get(pair(k.rule, k.key));
        if (holder === undefined) firstHolder.set(pair(k.rule, k.key), position);
        else earlier = earlier === null ? holder : Math.min(earlier, holder);
      }
      return earlier;
    });
    return perItem.map((matches, position) => ({
      matches: matches.map(([id, matchRules]) => ({ id, name: displayNames.get(id) ?? '', rules: [...matchRules].sort() })),
      repeats: repeats[position]!,
    }));
  }

  /** POST /records/{module}/duplicates: the visible records that these values would duplicate. */
  async function check(auth: AuthContext, moduleName: string, values: Record<string, unknown>, excludeId?: string) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const view = moduleView(auth, metadata, moduleName, 'read');
    for (const [key, value] of Object.entries(values)) {
      if (!view.byName.has(key)) throw badRequest(`${key} is not a field of ${view.module.apiName}.`, `values.${key}`);
      if (value !== null && typeof value !== 'string' && typeof value !== 'number')
        throw badRequest(`${key}: the duplicate check compares texts.`, `values.${key}`);
    }
    const scopes = await loadRecordScopes(database.db, auth);
    return { data: await findDuplicates(database.db, auth, view, scopes, values, { excludeIds: excludeId ? [excludeId] : [] }) };
  }

  return { rulesOf, getRules, putRules, indexRows, findDuplicates, findDuplicatesMany, check };
}

export type DuplicatesService = ReturnType<typeof createDuplicatesService>;
