import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { canModuleAction, loadRecordScopes } from '../../platform/access/access.service.js';
import { badRequest } from '../../platform/http/app-error.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ModuleMeta } from '../metadata/metadata.types.js';
import { viewOf } from '../records/record-access.js';
import { SEARCHABLE_TYPES, trigramSchema } from './search-sql.js';
import { normalizeQuery, searchRecords, type SearchTarget } from './search.repository.js';

export interface SearchInput {
  q: string;
  /** API names of the modules to search (default: every module the caller can read). */
  modules?: string[];
  limit?: number;
}

export interface SearchHit {
  module: string;
  moduleLabel: string;
  id: string;
  name: string;
  /** The field that matched best (for a name, the display field closest to the text). */
  matchedField: string;
  /** The matched field's value, when it is not the name (an e-mail, a phone number…). */
  snippet?: string;
  /** Lower is better; results are sorted by it. */
  score: number;
}

export const MIN_QUERY_CHARACTERS = 2;
export const MAX_QUERY_LENGTH = 100;
export const DEFAULT_LIMIT = 20;

/** Lower-case without accents, close enough to the database's unaccent to tell which display field matched. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** How many of the text's letter pairs a value holds: picks the display field a name match came from. */
function overlap(value: string, q: string): number {
  const v = fold(value);
  let count = 0;
  for (let i = 0; i + 2 <= q.length; i++) if (v.includes(q.slice(i, i + 2))) count++;
  return count;
}

/**
 * Global search across modules. It sees exactly what the records service
 * lets the caller see: modules their profile can read, records inside their
 * owner scope, and only fields visible to them (an administrator-hidden or
 * profile-hidden field is neither searched nor returned).
 */
export function createSearchService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;
  let trgm: Promise<string> | undefined;
  const trigram = () => {
    trgm ??= trigramSchema(database.db);
    trgm.catch(() => (trgm = undefined));
    return trgm;
  };

  async function search(auth: AuthContext, input: SearchInput): Promise<{ data: SearchHit[]; modules: string[] }> {
    const q = input.q.trim().replace(/\s+/g, ' ');
    if ((q.match(/[\p{L}\p{N}]/gu)?.length ?? 0) < MIN_QUERY_CHARACTERS)
      throw badRequest(`"q" needs at least ${MIN_QUERY_CHARACTERS} letters or digits.`, 'q');
    if (q.length > MAX_QUERY_LENGTH) throw badRequest(`"q" is at most ${MAX_QUERY_LENGTH} characters.`, 'q');
    const limit = input.limit ?? DEFAULT_LIMIT;
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    let modules: ModuleMeta[];
    if (input.modules && input.modules.length > 0) {
      modules = [];
      for (const name of new Set(input.modules)) {
        const module = metadata.modules.get(name);
        if (!module || module.hidden) throw badRequest(`Unknown module "${name}".`, 'modules');
        modules.push(module);
      }
    } else modules = [...metadata.modules.values()].filter((m) => !m.hidden);
    modules.sort((a, b) => a.position - b.position);
    // Modules the profile cannot read are skipped, as if they were not there.
    const readable = modules.filter((module) => canModuleAction(auth, module.apiName, 'read'));
    const scopes = await loadRecordScopes(database.db, auth);
    const targets: SearchTarget[] = [];
    for (const module of readable) {
      const view = viewOf(auth, metadata, module);
      const nameFields = module.displayFields.filter((field) => view.byName.has(field));
      const fields = module.searchFields.flatMap((field) => {
        const meta = view.byName.get(field);
        return meta && SEARCHABLE_TYPES.has(meta.type) && !module.displayFields.includes(field)
          ? [{ apiName: field, type: meta.type }]
          : [];
      });
      if (nameFields.length === 0 && fields.length === 0) continue;
      const scope = scopes(module.apiName).read;
      targets.push({ module: module.apiName, table: module.table, nameFields, fields, ownerIds: scope.all ? null : scope.ownerIds });
    }
    const trgm = await trigram();
    const { normalizedQ, rows } = await database.transaction('records.search', async (trx) => {
      // Trigram conditions are estimated at thousands of rows each, which tempts the planner into parallel
      // workers (starting them costs more than the index scans) and into sequential scans; each stage of the
      // search also chooses between plain and bitmap index scans (search.repository.ts).
      await sql`SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_seqscan = off`.execute(trx);
      const normalizedQ = await normalizeQuery(trx, q);
      return { normalizedQ, rows: await searchRecords(trx, { schema: metadata.schema, trgm, q: normalizedQ, targets, limit }) };
    });
    const language = auth.language === 'es' ? 'es' : 'en';
    const byModule = new Map(targets.map((target) => [target.module, target]));
    const data = rows.map((row): SearchHit => {
      const target = byModule.get(row.module)!;
      const module = metadata.modules.get(row.module)!;
      const hasName = target.nameFields.length > 0;
      let best = 0;
      row.keys.forEach((key, index) => {
        if (key !== null && (row.keys[best] === null || key < row.keys[best]!)) best = index;
      });
      const name = row.name ?? '';
      const hit: SearchHit = {
        module: row.module,
        moduleLabel: module.labels[language].singular,
        id: row.id,
        name,
        matchedField: '',
        score: row.key,
      };
      const nameCount = target.nameFields.length;
      if (hasName && best === 0) {
        // The name matched: report the display field holding most of the text.
        let field = 0;
        for (let i = 1; i < nameCount; i++)
          if (overlap(row.vals[i] ?? '', normalizedQ) > overlap(row.vals[field] ?? '', normalizedQ)) field = i;
        hit.matchedField = target.nameFields[field]!;
      } else {
        const fieldIndex = best - (hasName ? 1 : 0);
        hit.matchedField = target.fields[fieldIndex]!.apiName;
        const snippet = row.vals[nameCount + fieldIndex];
        if (snippet) hit.snippet = snippet;
      }
      return hit;
    });
    return { data, modules: targets.map((target) => target.module) };
  }

  return { search };
}

export type SearchService = ReturnType<typeof createSearchService>;
