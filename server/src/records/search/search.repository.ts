import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';
import type { FieldType } from '../metadata/field-types.js';
import { nameText, prefixOnlyExpressions, searchExpressions, type SearchExpression } from './search-sql.js';

/** One module to search: its table, the caller's owner scope and the fields they may see. */
export interface SearchTarget {
  module: string;
  table: string;
  /** Display fields the caller may see; the name index applies when these are all of them. */
  nameFields: string[];
  /** Visible search fields, in order, with their types. */
  fields: Array<{ apiName: string; type: FieldType }>;
  /** Owner ids the caller may read, or null for every record. */
  ownerIds: string[] | null;
}

export interface SearchRow {
  module: string;
  id: string;
  name: string | null;
  /** Lower is better: 0 exact, 1 prefix, 2 a word's prefix, 3 similar — minus the word similarity (0–1). */
  key: number;
  /** The key of each searched expression: the name first, then each field (null where the value is empty). */
  keys: Array<number | null>;
  /** The raw values of the visible display fields, then of the search fields, in order. */
  vals: Array<string | null>;
}

/** The search text as the indexes store it (lower-case, accents removed by the database's own rules). */
export async function normalizeQuery(executor: Executor, q: string): Promise<string> {
  const result = await sql<{ q: string }>`SELECT platform.clave_norm(${q}) AS q`.execute(executor);
  return result.rows[0]?.q ?? '';
}

/**
 * How many rows a module ranks at most in the trigram stages: a common
 * surname matches thousands of records, and ranking costs a few microseconds
 * each (unaccent, word similarity).
 */
export const MAX_CANDIDATES = 250;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
/** Fields matched by substring only: a typo in an e-mail address is rare, and their trigrams are common ("hotmail"). */
const SUBSTRING_ONLY: ReadonlySet<FieldType> = new Set(['email', 'url']);

interface SearchInput {
  schema: string;
  trgm: string;
  /** The normalized text. */
  q: string;
  targets: SearchTarget[];
  limit: number;
}

type Stage = 'prefix' | 'contains' | 'similar';

/**
 * The best `limit` matches over every target, best first, in up to three
 * stages, each run only while the earlier ones found fewer than `limit`:
 * 1. exact and prefix matches of the name, each of its parts (a surname)
 *    and text fields, and of e-mail domains, from btree indexes read in
 *    order (the exact match comes first, and a common name over a million
 *    rows costs a few index entries);
 * 2. the text inside a value (a surname, a word of a company, an e-mail
 *    domain) and phone-number fragments, from the GIN trigram indexes;
 * 3. word similarity (`<%`): typos and missing accents, from the same
 *    indexes, for names and text fields.
 * Ranking is the same in every stage (exact, prefix, a word's prefix, then
 * by similarity); stopping early never hides a better kind of match, because
 * a later stage only adds rows that an earlier one did not consider a match.
 * A phone-like text always runs stage 2: its digits may match exactly.
 */
export async function searchRecords(executor: Executor, input: SearchInput): Promise<SearchRow[]> {
  if (input.targets.length === 0) return [];
  const found = new Map<string, SearchRow>();
  const alnum = [...input.q].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  // Trigram indexes cannot serve a substring under 3 letters: such a text gets prefixes and similarity only.
  const stages: Stage[] = alnum >= 3 ? ['prefix', 'contains', 'similar'] : ['prefix', 'similar'];
  for (const stage of stages) {
    for (const row of await searchStage(executor, input, stage)) if (!found.has(row.id)) found.set(row.id, row);
    if (found.size >= input.limit && !(stage === 'prefix' && isPhoneQuery(input.q))) break;
  }
  return [...found.values()].sort((a, b) => a.key - b.key).slice(0, input.limit);
}

/** Digits and separators only ("986 123", "+34 600-12"): the text may be a phone number. */
const isPhoneQuery = (q: string) => !/\p{L}/u.test(q) && q.replace(/[^0-9]+/g, '').length >= 3;

async function searchStage(executor: Executor, input: SearchInput, stage: Stage): Promise<SearchRow[]> {
  const trgm = sql.raw(quoteIdent(input.trgm));
  const q = input.q;
  const digits = q.replace(/[^0-9]+/g, '');
  const prefix = `${escapeLike(q)}%`;
  const wordPrefix = `% ${escapeLike(q)}%`;
  const branches: RawBuilder<unknown>[] = [];
  for (const target of input.targets) {
    const expressions = searchExpressions(target.nameFields, target.fields, 'r');
    const typeOf = new Map(target.fields.map((f) => [f.apiName, f.type]));
    const substringOnly = (e: SearchExpression) => e.field !== null && SUBSTRING_ONLY.has(typeOf.get(e.field)!);
    // Which expressions may match in this stage (every one is ranked, for the matched field and snippet).
    const matching = expressions.filter((e) => {
      if (e.kind === 'digits') return stage === 'contains' && isPhoneQuery(q);
      return stage !== 'similar' || !substringOnly(e);
    });
    if (matching.length === 0) continue;
    const table = sql.raw(qualifiedTable(input.schema, target.table));
    const owners = target.ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${target.ownerIds}::uuid[])`;
    const live = sql`r.deleted_at IS NULL${owners}`;
    let ids: RawBuilder<unknown>;
    if (stage === 'prefix') {
      // One ordered btree scan per expression: the exact value sorts first among its prefixes.
      const domain = q.replace(/^@/, '');
      const scans = [
        ...matching.map((e) => ({ sql: e.sql, pattern: prefix })),
        ...prefixOnlyExpressions(target.nameFields, target.fields, 'r')
          .filter((e) => !e.domain || (domain.length >= 2 && !domain.includes('@')))
          .map((e) => ({ sql: e.sql, pattern: e.domain ? `${escapeLike(domain)}%` : prefix })),
      ];
      ids = sql.join(
        scans.map((scan) => {
          const n = sql.raw(scan.sql);
          return sql`(SELECT r.id FROM ${table} r WHERE ${live} AND ${n} LIKE ${scan.pattern} ORDER BY ${n} USING OPERATOR(pg_catalog.~<~) LIMIT ${input.limit})`;
        }),
        sql` UNION `,
      );
    } else {
      const condition = (e: SearchExpression) => {
        const n = sql.raw(e.sql);
        if (e.kind === 'digits') return sql`${n} LIKE ${`%${digits}%`}`;
        return stage === 'contains' ? sql`${n} LIKE ${`%${escapeLike(q)}%`}` : sql`${q}::text OPERATOR(${trgm}.<%) ${n}`;
      };
      ids = sql`SELECT r.id FROM ${table} r WHERE ${live} AND (${sql.join(matching.map(condition), sql` OR `)}) LIMIT ${MAX_CANDIDATES}`;
    }
    // Each normalized value is computed once per candidate (unaccent is the costly part), then ranked.
    const normalizedColumns = sql.join(expressions.map((e, i) => sql`${sql.raw(e.sql)} AS ${sql.raw(`n${i}`)}`));
    const keyOf = (e: SearchExpression, i: number) => {
      const n = sql.raw(`m.n${i}`);
      const key =
        e.kind === 'digits'
          ? digits.length === 0
            ? sql`NULL::float8`
            : sql`(CASE WHEN ${n} = ${digits} THEN -1 WHEN ${n} LIKE ${`${digits}%`} THEN 0 ELSE 1 END)`
          : sql`(CASE WHEN ${n} = ${q} THEN 0 WHEN ${n} LIKE ${prefix} THEN 1 WHEN ${n} LIKE ${wordPrefix} THEN 2 ELSE 3 END - ${trgm}.word_similarity(${q}, ${n}))`;
      return sql`${key} AS ${sql.raw(`k${i}`)}`;
    };
    const keyColumns = sql.raw(expressions.map((_, i) => `k.k${i}`).join(', '));
    const name = target.nameFields.length > 0 ? sql.raw(nameText(target.nameFields, 'r')) : sql`NULL::text`;
    const shown = [...target.nameFields, ...target.fields.map((f) => f.apiName)];
    const vals = sql.raw(`ARRAY[${shown.map((f) => `r.${quoteIdent(f)}::text`).join(', ')}]::text[]`);
    branches.push(sql`(SELECT ${target.module}::text AS module, m.id, m.name, LEAST(${keyColumns})::float8 AS key, ARRAY[${keyColumns}]::float8[] AS keys, m.vals
      FROM (SELECT r.id, ${name} AS name, ${vals} AS vals, ${normalizedColumns}
        FROM ${table} r WHERE r.id IN (${ids}) OFFSET 0) m
      CROSS JOIN LATERAL (SELECT ${sql.join(expressions.map(keyOf))} OFFSET 0) k
      ORDER BY 4 LIMIT ${input.limit})`);
  }
  if (branches.length === 0) return [];
  // The prefix stage reads btree indexes in order and stops early; the trigram stages must use bitmap scans
  // (a plain or sequential scan hoping to meet enough matches early reads the whole table when the text is rare).
  await sql.raw(`SET LOCAL enable_indexscan = ${stage === 'prefix' ? 'on' : 'off'}`).execute(executor);
  const result =
    await sql<SearchRow>`SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) hits ORDER BY key LIMIT ${input.limit}`.execute(executor);
  return result.rows;
}
