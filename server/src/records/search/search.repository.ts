import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';
import { nameText, searchExpressions } from './search-sql.js';

/** One module to search: its table, the caller's owner scope and the fields they may see. */
export interface SearchTarget {
  module: string;
  table: string;
  /** Display fields the caller may see; the name index applies when these are all of them. */
  nameFields: string[];
  /** Visible search fields, in order. */
  fields: string[];
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
 * How many matching rows a module ranks at most: a common surname matches
 * thousands of records, and ranking costs a few microseconds each (unaccent,
 * word similarity). Beyond the cap the ranking is among the first rows found,
 * so an exact match could be missed in a module with more matches than this
 * (see README: a btree prefix branch would make exact-first certain).
 */
export const MAX_CANDIDATES = 250;
/** Texts under 3 letters or digits match a great many words: fewer candidates. */
export const SHORT_QUERY_CANDIDATES = 100;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The best `limit` matches of each target, best first overall, in one
 * statement: per module, rows whose name or a search field is word-similar
 * to the text (pg_trgm `<%`, served by the GIN trigram indexes), ranked
 * exact, then prefix, then a word's prefix, then by similarity.
 */
export async function searchRecords(
  executor: Executor,
  input: { schema: string; trgm: string; q: string; targets: SearchTarget[]; limit: number },
): Promise<SearchRow[]> {
  if (input.targets.length === 0) return [];
  const trgm = quoteIdent(input.trgm);
  const q = input.q;
  const prefix = `${escapeLike(q)}%`;
  const wordPrefix = `% ${escapeLike(q)}%`;
  const short = [...q].filter((c) => /[\p{L}\p{N}]/u.test(c)).length < 3;
  const cap = sql` LIMIT ${short ? SHORT_QUERY_CANDIDATES : MAX_CANDIDATES}`;
  const branches = input.targets.map((target) => {
    const expressions = searchExpressions(target.nameFields, target.fields, 'r');
    const all = [...(expressions.name ? [expressions.name] : []), ...expressions.fields.map((f) => f.expression)].map((e) => sql.raw(e));
    // Each normalized value is computed once per candidate (unaccent is the costly part), then ranked.
    const normalizedColumns = sql.join(all.map((e, i) => sql`${e} AS ${sql.raw(`n${i}`)}`));
    const keyOf = (i: number) => {
      const n = sql.raw(`m.n${i}`);
      return sql`(CASE WHEN ${n} = ${q} THEN 0 WHEN ${n} LIKE ${prefix} THEN 1 WHEN ${n} LIKE ${wordPrefix} THEN 2 ELSE 3 END - ${sql.raw(trgm)}.word_similarity(${q}, ${n})) AS ${sql.raw(`k${i}`)}`;
    };
    const keyColumns = sql.raw(all.map((_, i) => `k.k${i}`).join(', '));
    const matches = sql.join(
      all.map((e) => sql`${q}::text OPERATOR(${sql.raw(trgm)}.<%) ${e}`),
      sql` OR `,
    );
    const owners = target.ownerIds === null ? sql`` : sql` AND r.owner_id = ANY(${target.ownerIds}::uuid[])`;
    const name = target.nameFields.length > 0 ? sql.raw(nameText(target.nameFields, 'r')) : sql`NULL::text`;
    const shown = [...target.nameFields, ...target.fields];
    const vals = sql.raw(`ARRAY[${shown.map((f) => `r.${quoteIdent(f)}::text`).join(', ')}]::text[]`);
    return sql`(SELECT ${target.module}::text AS module, m.id, m.name, LEAST(${keyColumns})::float8 AS key, ARRAY[${keyColumns}]::float8[] AS keys, m.vals
      FROM (SELECT r.id, ${name} AS name, ${vals} AS vals, ${normalizedColumns}
        FROM ${sql.raw(qualifiedTable(input.schema, target.table))} r
        WHERE r.deleted_at IS NULL${owners} AND (${matches})${cap} OFFSET 0) m
      CROSS JOIN LATERAL (SELECT ${sql.join(all.map((_, i) => keyOf(i)))} OFFSET 0) k
      ORDER BY 4 LIMIT ${input.limit})`;
  });
  const result =
    await sql<SearchRow>`SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) hits ORDER BY key LIMIT ${input.limit}`.execute(executor);
  return result.rows;
}
