import { valueFamily, type FieldType } from '../metadata/field-types.js';
import type { FieldMeta } from '../metadata/metadata.types.js';
import { quoteIdent } from '../metadata/ddl.js';

/**
 * Formula fields: a small expression language over the fields of one record,
 * parsed here (never evaluated in JavaScript) and compiled to an IMMUTABLE
 * SQL expression that PostgreSQL stores as a generated column.
 *
 *   if(amount > 1000, round(amount * 0.9, 2), amount)
 *   concat(upper(first_name), " ", last_name)
 *   days_between(start_date, end_date)
 *
 * Only immutable SQL can go into a generated column: no now()/today(), no
 * time-zone dependent conversions (datetime fields are not allowed), and
 * text concatenation uses || with coalesce, never concat() (which is only
 * stable). Division by zero gives an empty value instead of failing the save,
 * and so does a number too large for the column.
 */

export class FormulaError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the expression. */
    readonly position: number,
  ) {
    super(`${message} (at position ${position + 1})`);
  }
}

type Kind = 'number' | 'text' | 'date' | 'boolean' | 'null';

type Token =
  | { t: 'num'; v: string; p: number }
  | { t: 'str'; v: string; p: number }
  | { t: 'id'; v: string; p: number }
  | { t: 'op'; v: string; p: number }
  | { t: 'end'; p: number };

type Node =
  | { n: 'num'; v: string; p: number }
  | { n: 'str'; v: string; p: number }
  | { n: 'bool'; v: boolean; p: number }
  | { n: 'null'; p: number }
  | { n: 'field'; name: string; p: number }
  | { n: 'neg'; arg: Node; p: number }
  | { n: 'bin'; op: string; left: Node; right: Node; p: number }
  | { n: 'call'; name: string; args: Node[]; p: number };

const MAX_LENGTH = 2000;
const MAX_DEPTH = 40;
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>', '+', '-', '*', '/', '(', ')', ','];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      if (text[i] === '.') {
        i++;
        if (!/[0-9]/.test(text[i] ?? '')) throw new FormulaError('A number needs digits after the point.', i);
        while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      }
      if (/[A-Za-z_]/.test(text[i] ?? '')) throw new FormulaError('A number cannot be followed by letters.', i);
      const raw = text.slice(start, i);
      tokens.push({ t: 'num', v: raw.startsWith('.') ? `0${raw}` : raw, p: start });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw new FormulaError('This text is not closed.', start);
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (value.includes('\0')) throw new FormulaError('Text cannot contain a null character.', start);
      tokens.push({ t: 'str', v: value, p: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      tokens.push({ t: 'id', v: text.slice(start, i), p: start });
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (!op) throw new FormulaError(`Unexpected character "${c}".`, i);
    tokens.push({ t: 'op', v: op, p: i });
    i += op.length;
  }
  tokens.push({ t: 'end', p: text.length });
  return tokens;
}

/** Recursive descent: comparison < additive < multiplicative < unary < primary. */
function parse(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos]!;
  const isOp = (v: string) => {
    const token = peek();
    return token.t === 'op' && token.v === v;
  };
  const expect = (v: string, what: string) => {
    if (!isOp(v)) throw new FormulaError(`Expected ${what}.`, peek().p);
    pos++;
  };
  const describe = (token: Token) => (token.t === 'end' ? 'the end of the formula' : `"${'v' in token ? token.v : ''}"`);

  function comparison(): Node {
    const left = additive();
    const token = peek();
    if (token.t === 'op' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(token.v)) {
      pos++;
      const right = additive();
      const op = token.v === '==' ? '=' : token.v === '<>' ? '!=' : token.v;
      return { n: 'bin', op, left, right, p: token.p };
    }
    return left;
  }
  function additive(): Node {
    let left = multiplicative();
    for (let token = peek(); token.t === 'op' && (token.v === '+' || token.v === '-'); token = peek()) {
      pos++;
      left = { n: 'bin', op: token.v, left, right: multiplicative(), p: token.p };
    }
    return left;
  }
  function multiplicative(): Node {
    let left = unary();
    for (let token = peek(); token.t === 'op' && (token.v === '*' || token.v === '/'); token = peek()) {
      pos++;
      left = { n: 'bin', op: token.v, left, right: unary(), p: token.p };
    }
    return left;
  }
  function unary(): Node {
    const token = peek();
    if (token.t === 'op' && token.v === '-') {
      pos++;
      return { n: 'neg', arg: unary(), p: token.p };
    }
    if (token.t === 'op' && token.v === '+') {
      pos++;
      return unary();
    }
    return primary();
  }
  function primary(): Node {
    const token = peek();
    if (++depth > MAX_DEPTH) throw new FormulaError(`A formula nests at most ${MAX_DEPTH} levels.`, token.p);
    try {
      if (token.t === 'num') {
        pos++;
        return { n: 'num', v: token.v, p: token.p };
      }
      if (token.t === 'str') {
        pos++;
        return { n: 'str', v: token.v, p: token.p };
      }
      if (token.t === 'op' && token.v === '(') {
        pos++;
        const inner = comparison();
        expect(')', '")"');
        return inner;
      }
      if (token.t === 'id') {
        pos++;
        const lower = token.v.toLowerCase();
        if (isOp('(')) {
          pos++;
          const args: Node[] = [];
          if (!isOp(')')) {
            args.push(comparison());
            while (isOp(',')) {
              pos++;
              args.push(comparison());
            }
          }
          expect(')', '"," or ")" after the arguments');
          return { n: 'call', name: lower, args, p: token.p };
        }
        if (lower === 'true' || lower === 'false') return { n: 'bool', v: lower === 'true', p: token.p };
        if (lower === 'null' || lower === 'blank') return { n: 'null', p: token.p };
        return { n: 'field', name: token.v, p: token.p };
      }
      throw new FormulaError(`Unexpected ${describe(token)}.`, token.p);
    } finally {
      depth--;
    }
  }

  const tree = comparison();
  if (peek().t !== 'end') throw new FormulaError(`Unexpected ${describe(peek())}: an operator or the end was expected.`, peek().p);
  return tree;
}

interface Compiled {
  sql: string;
  kind: Kind;
  /** The API names of the fields the expression reads. */
  fields: Set<string>;
}

const quoteText = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The kind of value a field gives a formula; undefined when a formula cannot read it. */
function fieldKind(field: FieldMeta): Kind | undefined {
  // Not readable: datetimes (their date depends on a time zone: not immutable), multi-selects, lookups, users, and
  // other formulas (a generated column cannot read another).
  if (field.type === 'formula') return undefined;
  const family = valueFamily(field.type);
  if (family === 'text' || family === 'code') return 'text';
  return family === 'number' || family === 'date' || family === 'boolean' ? family : undefined;
}

function compileNode(node: Node, fields: Map<string, FieldMeta>, used: Set<string>): Omit<Compiled, 'fields'> {
  const sub = (child: Node) => compileNode(child, fields, used);
  const want = (child: Node, kinds: Kind[], what: string) => {
    const compiled = sub(child);
    if (compiled.kind !== 'null' && !kinds.includes(compiled.kind))
      throw new FormulaError(`${what} must be ${kinds.join(' or ')}, not ${compiled.kind}.`, child.p);
    return compiled;
  };
  const arity = (min: number, max = min) => {
    if (node.n !== 'call') return;
    if (node.args.length < min || node.args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new FormulaError(`${node.name}() takes ${expected} argument${max === 1 ? '' : 's'}.`, node.p);
    }
  };
  switch (node.n) {
    case 'num':
      return { sql: `${node.v}::numeric`, kind: 'number' };
    case 'str':
      return { sql: `${quoteText(node.v)}::text`, kind: 'text' };
    case 'bool':
      return { sql: node.v ? 'true' : 'false', kind: 'boolean' };
    case 'null':
      return { sql: 'NULL', kind: 'null' };
    case 'field': {
      const field = fields.get(node.name);
      if (!field) throw new FormulaError(`Unknown field "${node.name}".`, node.p);
      const kind = fieldKind(field);
      if (!kind) throw new FormulaError(`A formula cannot use the ${field.type} field "${node.name}".`, node.p);
      used.add(field.apiName);
      const column = quoteIdent(field.apiName);
      return { sql: kind === 'number' ? `${column}::numeric` : column, kind };
    }
    case 'neg': {
      const arg = want(node.arg, ['number'], 'The value after "-"');
      return { sql: `(-${arg.sql})`, kind: 'number' };
    }
    case 'bin': {
      if (['+', '-', '*', '/'].includes(node.op)) {
        const left = sub(node.left);
        const right = sub(node.right);
        // date - date = days; date ± days = date.
        if (node.op === '-' && left.kind === 'date' && right.kind === 'date')
          return { sql: `(${left.sql} - ${right.sql})::numeric`, kind: 'number' };
        if ((node.op === '+' || node.op === '-') && left.kind === 'date' && (right.kind === 'number' || right.kind === 'null'))
          return { sql: `(${left.sql} ${node.op} (${right.sql})::integer)`, kind: 'date' };
        for (const [side, compiled] of [
          [node.left, left],
          [node.right, right],
        ] as const) {
          if (compiled.kind !== 'number' && compiled.kind !== 'null')
            throw new FormulaError(`"${node.op}" works on numbers; use concat() to join text.`, side.p);
        }
        if (node.op === '/') return { sql: `(${left.sql} / NULLIF(${right.sql}, 0))`, kind: 'number' };
        return { sql: `(${left.sql} ${node.op} ${right.sql})`, kind: 'number' };
      }
      const left = sub(node.left);
      const right = sub(node.right);
      if (left.kind !== 'null' && right.kind !== 'null' && left.kind !== right.kind)
        throw new FormulaError(`Cannot compare ${left.kind} with ${right.kind}.`, node.p);
      const op = node.op === '!=' ? '<>' : node.op;
      return { sql: `(${left.sql} ${op} ${right.sql})`, kind: 'boolean' };
    }
    case 'call':
      return compileCall(node, sub, want, arity);
  }
}

function compileCall(
  node: Extract<Node, { n: 'call' }>,
  sub: (child: Node) => Omit<Compiled, 'fields'>,
  want: (child: Node, kinds: Kind[], what: string) => Omit<Compiled, 'fields'>,
  arity: (min: number, max?: number) => void,
): Omit<Compiled, 'fields'> {
  const args = node.args;
  const arg = (i: number, kinds: Kind[]) => want(args[i]!, kinds, `Argument ${i + 1} of ${node.name}()`);
  switch (node.name) {
    case 'if': {
      arity(2, 3);
      const cond = arg(0, ['boolean']);
      const then = sub(args[1]!);
      const otherwise = args[2] ? sub(args[2]) : { sql: 'NULL', kind: 'null' as Kind };
      if (then.kind !== 'null' && otherwise.kind !== 'null' && then.kind !== otherwise.kind)
        throw new FormulaError(`Both results of if() must be of the same kind (${then.kind} and ${otherwise.kind}).`, args[2]!.p);
      const kind = then.kind === 'null' ? otherwise.kind : then.kind;
      return { sql: `(CASE WHEN ${cond.sql} THEN ${then.sql} ELSE ${otherwise.sql} END)`, kind };
    }
    case 'and':
    case 'or': {
      arity(2, Infinity);
      const parts = args.map((_, i) => arg(i, ['boolean']).sql);
      return { sql: `(${parts.join(node.name === 'and' ? ' AND ' : ' OR ')})`, kind: 'boolean' };
    }
    case 'not':
      arity(1);
      return { sql: `(NOT ${arg(0, ['boolean']).sql})`, kind: 'boolean' };
    case 'round': {
      arity(1, 2);
      const x = arg(0, ['number']);
      if (args[1] && (args[1].n !== 'num' || !/^\d+$/.test(args[1].v) || Number(args[1].v) > 8))
        throw new FormulaError('The digits of round() are a whole number from 0 to 8.', args[1].p);
      return { sql: `round(${x.sql}, ${args[1] ? Number((args[1] as { v: string }).v) : 0})`, kind: 'number' };
    }
    case 'abs':
      arity(1);
      return { sql: `abs(${arg(0, ['number']).sql})`, kind: 'number' };
    case 'min':
    case 'max': {
      arity(1, Infinity);
      const parts = args.map((_, i) => sub(args[i]!));
      const kind = parts.find((p) => p.kind !== 'null')?.kind ?? 'number';
      if (kind !== 'number' && kind !== 'date') throw new FormulaError(`${node.name}() works on numbers or dates.`, node.p);
      parts.forEach((p, i) => {
        if (p.kind !== kind && p.kind !== 'null') throw new FormulaError(`Every argument of ${node.name}() must be a ${kind}.`, args[i]!.p);
      });
      return { sql: `${node.name === 'min' ? 'LEAST' : 'GREATEST'}(${parts.map((p) => p.sql).join(', ')})`, kind };
    }
    case 'concat': {
      arity(1, Infinity);
      const parts = args.map((child) => textOf(sub(child), child.p));
      return { sql: `(${parts.map((p) => `coalesce(${p}, '')`).join(' || ')})`, kind: 'text' };
    }
    case 'text':
      arity(1);
      return { sql: textOf(sub(args[0]!), args[0]!.p), kind: 'text' };
    case 'upper':
    case 'lower':
    case 'trim':
      arity(1);
      return { sql: `${node.name === 'trim' ? 'btrim' : node.name}(${arg(0, ['text']).sql})`, kind: 'text' };
    case 'len':
      arity(1);
      return { sql: `char_length(${arg(0, ['text']).sql})::numeric`, kind: 'number' };
    case 'coalesce': {
      arity(2, Infinity);
      const parts = args.map((child) => sub(child));
      const kind = parts.find((p) => p.kind !== 'null')?.kind ?? 'null';
      parts.forEach((p, i) => {
        if (p.kind !== kind && p.kind !== 'null') throw new FormulaError(`Every argument of coalesce() must be a ${kind}.`, args[i]!.p);
      });
      // Blank text counts as empty, as in the rest of the API.
      const sqlParts = parts.map((p) => (p.kind === 'text' ? `NULLIF(${p.sql}, '')` : p.sql));
      return { sql: `COALESCE(${sqlParts.join(', ')})`, kind };
    }
    case 'is_blank':
    case 'isblank': {
      arity(1);
      const value = sub(args[0]!);
      return { sql: value.kind === 'text' ? `(NULLIF(${value.sql}, '') IS NULL)` : `(${value.sql} IS NULL)`, kind: 'boolean' };
    }
    case 'days_between':
      arity(2);
      return { sql: `(${arg(1, ['date']).sql} - ${arg(0, ['date']).sql})::numeric`, kind: 'number' };
    case 'year':
    case 'month':
    case 'day':
      arity(1);
      return { sql: `EXTRACT(${node.name.toUpperCase()} FROM ${arg(0, ['date']).sql})::numeric`, kind: 'number' };
    default:
      throw new FormulaError(`Unknown function "${node.name}".`, node.p);
  }
}

/** A value as text for concat(): numbers in plain notation, dates as YYYY-MM-DD, booleans true/false (all immutable). */
function textOf(value: Omit<Compiled, 'fields'>, position: number): string {
  switch (value.kind) {
    case 'text':
    case 'null':
      return value.sql;
    case 'number':
      return `(${value.sql})::text`;
    case 'boolean':
      return `(${value.sql})::text`;
    case 'date':
      return `(lpad(EXTRACT(YEAR FROM ${value.sql})::int::text, 4, '0') || '-' || lpad(EXTRACT(MONTH FROM ${value.sql})::int::text, 2, '0') || '-' || lpad(EXTRACT(DAY FROM ${value.sql})::int::text, 2, '0'))`;
  }
  throw new FormulaError('This value cannot be shown as text.', position);
}

export const FORMULA_RETURN_TYPES: readonly FieldType[] = ['decimal', 'currency', 'percent', 'integer', 'text', 'date', 'boolean'];

const KIND_OF_RETURN: Partial<Record<FieldType, Kind>> = {
  decimal: 'number',
  currency: 'number',
  percent: 'number',
  integer: 'number',
  text: 'text',
  date: 'date',
  boolean: 'boolean',
};

/**
 * Compiles an expression over `fields` (the module's fields) into the SQL of
 * a generated column of `returnType`. Throws FormulaError with a position.
 */
export function compileFormula(
  expression: string,
  returnType: FieldType,
  fields: readonly FieldMeta[],
  scale = 2,
): { sql: string; fields: string[] } {
  if (expression.length > MAX_LENGTH) throw new FormulaError(`A formula has at most ${MAX_LENGTH} characters.`, MAX_LENGTH);
  if (!expression.trim()) throw new FormulaError('The formula is empty.', 0);
  const wanted = KIND_OF_RETURN[returnType];
  if (!wanted) throw new FormulaError(`A formula returns one of ${FORMULA_RETURN_TYPES.join(', ')}.`, 0);
  const tree = parse(expression);
  const used = new Set<string>();
  const compiled = compileNode(tree, new Map(fields.map((field) => [field.apiName, field])), used);
  let sql: string;
  if (wanted === 'text') sql = textOf(compiled, 0);
  else if (compiled.kind !== wanted && compiled.kind !== 'null')
    throw new FormulaError(`The formula gives a ${compiled.kind}, but the field returns ${returnType}.`, 0);
  else if (wanted === 'number') {
    // Round to the column's digits, and keep values the column cannot hold empty rather than failing the save.
    const digits = returnType === 'integer' ? 0 : scale;
    const limit = returnType === 'integer' ? '1e15' : `1e${18 - scale}`;
    const rounded = `round((${compiled.sql})::numeric, ${digits})`;
    sql = `CASE WHEN abs(${rounded}) < ${limit} THEN ${rounded}${returnType === 'integer' ? '::bigint' : ''} END`;
  } else sql = compiled.sql;
  if (wanted === 'text') sql = `left(${sql}, 2000)`;
  return { sql, fields: [...used] };
}
