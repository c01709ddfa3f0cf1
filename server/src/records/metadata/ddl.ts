import crypto from 'node:crypto';
import { columnType, type FieldType } from './field-types.js';
import type { FieldOptions } from './metadata.types.js';

/**
 * SQL for the record tables of an organization's schema. Names reaching here
 * are API names already checked against NAME_PATTERN (lower snake case), and
 * are still quoted.
 */

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SCHEMA = /^org_[0-9a-f]{32}$/;

export function quoteIdent(name: string): string {
  if (!NAME.test(name)) throw new Error(`Invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export function qualifiedTable(schema: string, table: string): string {
  if (!SCHEMA.test(schema)) throw new Error(`Invalid org schema ${JSON.stringify(schema)}`);
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** An index name within PostgreSQL's 63 characters, unique per table and purpose. */
export function indexName(table: string, purpose: string): string {
  const name = `${table}__${purpose}`;
  if (name.length <= 63) return name;
  const hash = crypto.createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}_${hash}`;
}

/** Columns every record table has, besides its fields. */
export const BASE_COLUMNS = ['id', 'owner_id', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at', 'deleted_by'] as const;
const BASE_COLUMN_SET: ReadonlySet<string> = new Set(BASE_COLUMNS);
export const isBaseColumn = (name: string) => BASE_COLUMN_SET.has(name);

/**
 * Room left free in each page of a record table: an update that changes no indexed column (a score, a status, a
 * rule's field update) writes its new row version on the same page (a HOT update) and adds no index entries.
 */
export const RECORD_TABLE_FILLFACTOR = 85;

/** Creates the table of a module with its base columns, the given fields' columns and their indexes, in one go. */
export function createTableStatements(schema: string, table: string, fields: ColumnSpec[] = []): string[] {
  const t = qualifiedTable(schema, table);
  const own = fields.filter((field) => !isBaseColumn(field.apiName));
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      created_by uuid,
      updated_by uuid,
      deleted_at timestamptz(3),
      deleted_by uuid${own.map((field) => `,\n      ${columnDefinition(field)}`).join('')}
    ) WITH (fillfactor = ${RECORD_TABLE_FILLFACTOR})`,
    ...own.flatMap((field) => fieldIndexStatements(schema, table, field)),
    // Lists default to newest first; the recycle bin and owner views have their own.
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, 'created'))} ON ${t} (created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, 'owner'))} ON ${t} (owner_id, created_at DESC) WHERE deleted_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, 'deleted'))} ON ${t} (deleted_at DESC) WHERE deleted_at IS NOT NULL`,
  ];
}

export interface ColumnSpec {
  apiName: string;
  type: FieldType;
  unique: boolean;
  options: FieldOptions;
  /** Formula fields: the SQL expression of the generated column. */
  generatedSql?: string;
}

/** Adds a field's column and the indexes it needs (idempotent). Base columns already exist. */
export function addColumnStatements(schema: string, table: string, field: ColumnSpec): string[] {
  if (isBaseColumn(field.apiName)) return [];
  return [
    `ALTER TABLE ${qualifiedTable(schema, table)} ADD COLUMN IF NOT EXISTS ${columnDefinition(field)}`,
    ...fieldIndexStatements(schema, table, field),
  ];
}

function columnDefinition(field: ColumnSpec): string {
  const generated = field.generatedSql ? ` GENERATED ALWAYS AS (${field.generatedSql}) STORED` : '';
  return `${quoteIdent(field.apiName)} ${columnType(field.type, field.options)}${generated}`;
}

function fieldIndexStatements(schema: string, table: string, field: ColumnSpec): string[] {
  const statements: string[] = [];
  if (field.type === 'lookup' || field.type === 'user') {
    // Related lists and merges find records by the lookup.
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, field.apiName))} ON ${qualifiedTable(schema, table)} (${quoteIdent(field.apiName)}) WHERE deleted_at IS NULL`,
    );
  }
  if (field.unique) statements.push(uniqueIndexStatement(schema, table, field.apiName));
  return statements;
}

/** A composite index over live rows, named after its columns: `deals__by_account_id_closed_at`. */
export function compositeIndexStatement(schema: string, table: string, columns: string[]): string {
  return `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, `by_${columns.join('_')}`))} ON ${qualifiedTable(schema, table)} (${columns.map(quoteIdent).join(', ')}) WHERE deleted_at IS NULL`;
}

/** Values must be unique among records not in the recycle bin. */
export function uniqueIndexStatement(schema: string, table: string, apiName: string): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, `${apiName}_unique`))} ON ${qualifiedTable(schema, table)} (${quoteIdent(apiName)}) WHERE deleted_at IS NULL`;
}

export function dropUniqueIndexStatement(schema: string, table: string, apiName: string): string {
  return `DROP INDEX IF EXISTS ${quoteIdent(schema)}.${quoteIdent(indexName(table, `${apiName}_unique`))}`;
}
