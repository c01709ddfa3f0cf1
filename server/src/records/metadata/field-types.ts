/**
 * The field types a module can have, what column each one is stored in, and
 * which filter operators apply to it. Pure data: no database access.
 */

export const FIELD_TYPES = [
  'text',
  'long_text',
  'email',
  'phone',
  'url',
  'integer',
  'decimal',
  'currency',
  'percent',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'multi_select',
  'lookup',
  'user',
  'auto_number',
  'formula',
  'rollup',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export type FilterOp =
  'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'in' | 'nin' | 'contains' | 'starts_with' | 'is_empty' | 'is_not_empty';

export const FILTER_OPS: readonly FilterOp[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'in',
  'nin',
  'contains',
  'starts_with',
  'is_empty',
  'is_not_empty',
];

/** How a value of this type behaves in SQL and filters: one family per group of types. */
export type ValueFamily = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'code' | 'codes' | 'id';

const TEXT_OPS: FilterOp[] = ['eq', 'neq', 'in', 'nin', 'contains', 'starts_with', 'is_empty', 'is_not_empty'];
const ORDERED_OPS: FilterOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'nin', 'is_empty', 'is_not_empty'];

export const OPS_BY_FAMILY: Record<ValueFamily, readonly FilterOp[]> = {
  text: TEXT_OPS,
  number: ORDERED_OPS,
  date: ORDERED_OPS,
  datetime: ORDERED_OPS,
  boolean: ['eq', 'neq', 'is_empty', 'is_not_empty'],
  code: ['eq', 'neq', 'in', 'nin', 'is_empty', 'is_not_empty'],
  // in: has any of the codes; contains: has all of them; eq: exactly these.
  codes: ['eq', 'in', 'nin', 'contains', 'is_empty', 'is_not_empty'],
  id: ['eq', 'neq', 'in', 'nin', 'is_empty', 'is_not_empty'],
};

/** The family of a field type (formulas take the family of what they return). */
export function valueFamily(type: FieldType, returnType?: FieldType): ValueFamily {
  switch (type) {
    case 'text':
    case 'long_text':
    case 'email':
    case 'phone':
    case 'url':
    case 'auto_number':
      return 'text';
    case 'integer':
    case 'decimal':
    case 'currency':
    case 'percent':
    case 'rollup':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    case 'picklist':
      return 'code';
    case 'multi_select':
      return 'codes';
    case 'lookup':
    case 'user':
      return 'id';
    case 'formula':
      return valueFamily(returnType && returnType !== 'formula' ? returnType : 'decimal');
  }
}

/** The PostgreSQL column type of a stored field. */
export function columnType(type: FieldType, options: { scale?: number; returnType?: FieldType }): string {
  switch (type) {
    case 'text':
    case 'long_text':
    case 'email':
    case 'phone':
    case 'url':
    case 'picklist':
    case 'auto_number':
      return 'text';
    case 'integer':
      return 'bigint';
    case 'decimal':
    case 'currency':
    case 'percent':
    case 'rollup':
      return `numeric(18,${options.scale ?? 2})`;
    case 'date':
      return 'date';
    case 'datetime':
      // Milliseconds, so a value read back as a JS Date is exactly the stored one (keyset cursors rely on it).
      return 'timestamptz(3)';
    case 'boolean':
      return 'boolean';
    case 'multi_select':
      return 'text[]';
    case 'lookup':
    case 'user':
      return 'uuid';
    case 'formula':
      return columnType(options.returnType && options.returnType !== 'formula' ? options.returnType : 'decimal', options);
  }
}

/** Types whose value the server computes: never written by users or imports. */
export const COMPUTED_TYPES: ReadonlySet<FieldType> = new Set(['auto_number', 'formula', 'rollup']);

/** Types that can be unique (an index can enforce it). */
export const UNIQUE_CAPABLE: ReadonlySet<FieldType> = new Set(['text', 'email', 'phone', 'url', 'integer', 'decimal', 'auto_number']);
