import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';
import type { FieldType } from '../metadata/field-types.js';
import { nameText, searchExpressions, type SearchExpression } from './search-sql.js';

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
 * How many rows a module ranks at most in each stage: a common surname
 * matches thousands of records, and ranking costs a few microseconds each
 * (unaccent, word similarity). Exact matches are looked up on their own, so
 * they are never lost to the cap.
 */
export const MAX_CANDIDATES = 250;
/** Texts under 3 letters or digits match a great many words: fewer candidates. */
export const SHORT_QUERY_CANDIDATES = 100;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const FIELDS_WITHOUT_SPACES: ReadonlySet<FieldType> = new Set(['email', 'url']);

interface SearchInput {
  schema: string;
  trgm: string;
  /** The normalized text. */
  q: string;
  targets: SearchTarget[];
  limit: number;
}

/**
 * The best `limit` matches over every target, best first, in two stages:
 * 1. exact and prefix matches of the normalized name and text fields, from
 *    btree indexes (cheap even for a common name over a million rows);
 * 2. only when those are fewer than `limit`: word similarity (`<%`, typos,
 *    a word inside the text) and phone-number fragments, from the GIN trigram
 *    indexes. Every stage-2 text match ranks after every stage-1 match (keys
 *    ≥ 1 against < 1), so stopping after stage 1 never hides a better result.
 */
export async function searchRecords(executor: Executor, input: SearchInput): Promise<SearchRow[]> {
  if (input.targets.length === 0) return [];
  const prefixRows = await searchStage(executor, input, 'prefix');
  // A phone number's digits are only matched in stage 2, where they may rank first.
  if (prefixRows.length >= input.limit && !isPhoneQuery(input.q)) return prefixRows;
  const fuzzyRows = await searchStage(executor, input, 'similar');
  const byId = new Map<string, SearchRow>();
  for (const row of [...prefixRows, ...fuzzyRows]) if (!byId.has(row.id)) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => a.key - b.key).slice(0, input.limit);
}

/** Digits and separators only ("986 123", "+34 600-12"): the text may be a phone number. */
const isPhoneQuery = (q: string) => !/\p{L}/u.test(q) && q.replace(/[^0-9]+/g, '').length >= 3;

async function searchStage(executor: Executor, input: SearchInput, stage: 'prefix' | 'similar'): Promise<SearchRow[]> {
  const trgm = sql.raw(quoteIdent(input.trgm));
  const q = input.q;
  const digits = q.replace(/[^0-9]+/g, '');
  const phone = isPhoneQuery(q);
  const prefix = `${escapeLike(q)}%`;
  const wordPrefix = `% ${escapeLike(q)}%`;
  const short = [...q].filter((c) => /[\p{L}\p{N}]/u.test(c)).length < 3;
  const cap = short ? SHORT_QUERY_CANDIDATES : MAX_CANDIDATES;
  const branches: RawBuilder<unknown>[] = [];
  for (const target of input.targets) {
    const expressions = searchExpressions(target.nameFields, target.fields, 'r');
    const typeOf = new Map(target.fields.map((f) => [f.apiName, f.type]));
    // Which expressions may match in this stage (every one is ranked, for the matched field and snippet).
    const matching = expressions.filter((e) => {
      if (e.kind === 'digits') return stage === 'similar' && phone;
      if (stage === 'prefix') return true;
      return !(q.includes(' ') && e.field !== null && FIELDS_WITHOUT_SPACES.has(typeOf.get(e.field)!));
    });
    if (matching.length === 0) continue;
    const table = sql.raw(qualifiedTable(input.schema, target.table));
    const owners = target.ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${target.ownerIds}::uuid[])`;
    const candidates = (condition: (e: SearchExpression) => RawBuilder<unknown>) =>
      sql`SELECT r.id FROM ${table} r WHERE r.deleted_at IS NULL${owners} AND (${sql.join(matching.map(condition), sql` OR `)}) LIMIT ${cap}`;
    const ids =
      stage === 'prefix'
        ? // Exact matches apart: a text with more prefix matches than the cap keeps them.
          sql`(${candidates((e) => sql`${sql.raw(e.sql)} = ${q}`)}) UNION (${candidates((e) => sql`${sql.raw(e.sql)} LIKE ${prefix}`)})`
        : candidates((e) =>
            e.kind === 'digits' ? sql`${sql.raw(e.sql)} LIKE ${`%${digits}%`}` : sql`${q}::text OPERATOR(${trgm}.<%) ${sql.raw(e.sql)}`,
          );
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
  const result =
    await sql<SearchRow>`SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) hits ORDER BY key LIMIT ${input.limit}`.execute(executor);
  return result.rows;
}
