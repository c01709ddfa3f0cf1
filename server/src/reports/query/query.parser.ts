import { queryError, tokenize, type Token } from './query.lexer.js';

/**
 * The read-only query language, parsed into a tree (no database, no metadata):
 *
 *   SELECT owner_id, MONTH(closed_at) AS month, SUM(amount) AS won
 *   FROM deals
 *   WHERE closed_at = THIS_FISCAL_YEAR AND stage IN ('closed_won')
 *   GROUP BY owner_id, MONTH(closed_at)
 *   ORDER BY won DESC
 *   LIMIT 20
 *
 * Every node keeps the token it came from, so later checks can point at it.
 */

export const AGGREGATE_FUNCTIONS = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];
export const BUCKET_FUNCTIONS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'FISCAL_QUARTER', 'FISCAL_YEAR'] as const;
export type BucketFunction = (typeof BUCKET_FUNCTIONS)[number];
/** Date literals: a range of days of the organization's time zone. */
export const DATE_LITERALS = [
  'TODAY',
  'YESTERDAY',
  'THIS_WEEK',
  'LAST_WEEK',
  'THIS_MONTH',
  'LAST_MONTH',
  'NEXT_MONTH',
  'THIS_QUARTER',
  'LAST_QUARTER',
  'NEXT_QUARTER',
  'THIS_FISCAL_QUARTER',
  'LAST_FISCAL_QUARTER',
  'THIS_FISCAL_YEAR',
  'LAST_FISCAL_YEAR',
] as const;
/** `LAST_N_DAYS(30)`: the 30 days ending today; `NEXT_N_DAYS(90)`: the 90 days after today (like the reports' ranges). */
export const DATE_FUNCTIONS = ['LAST_N_DAYS', 'NEXT_N_DAYS'] as const;

export interface FieldRef {
  kind: 'field';
  /** `amount` or `account_id.tier` (one hop through a lookup). */
  path: string;
  token: Token;
}
export interface AggregateCall {
  kind: 'aggregate';
  fn: AggregateFunction;
  /** Absent for COUNT(*). */
  field?: FieldRef;
  distinct: boolean;
  /** `COUNT(*) FILTER (WHERE …)`: only the rows matching it. */
  filter?: Condition;
  token: Token;
}
export interface BucketCall {
  kind: 'bucket';
  fn: BucketFunction;
  field: FieldRef;
  token: Token;
}
export interface Arithmetic {
  kind: 'arithmetic';
  op: '+' | '-' | '*' | '/';
  left: Expression;
  right: Expression;
  token: Token;
}
export interface NumberLiteral {
  kind: 'number';
  value: number;
  token: Token;
}
export type Expression = FieldRef | AggregateCall | BucketCall | Arithmetic | NumberLiteral;

export type Literal =
  | { kind: 'string'; value: string; token: Token }
  | { kind: 'number'; value: number; token: Token }
  | { kind: 'boolean'; value: boolean; token: Token }
  | { kind: 'null'; token: Token }
  | { kind: 'current_user'; token: Token }
  | { kind: 'date_range'; name: string; days?: number; token: Token };

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition; token: Token }
  | { kind: 'compare'; field: FieldRef; op: Comparison; value: Literal; token: Token }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[]; token: Token }
  | { kind: 'between'; field: FieldRef; negated: boolean; low: Literal; high: Literal; token: Token }
  | { kind: 'like'; field: FieldRef; pattern: Literal & { kind: 'string' }; token: Token }
  | { kind: 'is_null'; field: FieldRef; negated: boolean; token: Token };

export interface SelectItem {
  expression: Expression;
  alias?: string;
  /** The item as written (`SUM(amount)`), the result's column name when there is no alias. */
  text: string;
  token: Token;
}
export interface OrderItem {
  expression: Expression;
  direction: 'asc' | 'desc';
  token: Token;
}
export interface Query {
  /** Empty for `SELECT *`. */
  select: SelectItem[];
  star: Token | null;
  from: { module: string; token: Token };
  where?: Condition;
  groupBy: Array<FieldRef | BucketCall>;
  orderBy: OrderItem[];
  limit?: { value: number; token: Token };
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'ORDER',
  'LIMIT',
  'AND',
  'OR',
  'NOT',
  'AS',
  'ASC',
  'DESC',
  'IN',
  'IS',
  'NULL',
  'LIKE',
  'BETWEEN',
  'FILTER',
  'DISTINCT',
  'TRUE',
  'FALSE',
]);

export function parseQuery(text: string): Query {
  return new Parser(text).query();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  query(): Query {
    this.expectWord('SELECT', 'A query starts with SELECT');
    let star: Token | null = null;
    const select: SelectItem[] = [];
    if (this.peekSymbol('*')) star = this.next();
    else {
      do select.push(this.selectItem());
      while (this.acceptSymbol(','));
    }
    this.expectWord('FROM', 'Expected FROM after the selected items');
    const moduleToken = this.expectName('Expected a module after FROM');
    const query: Query = { select, star, from: { module: moduleToken.text, token: moduleToken }, groupBy: [], orderBy: [] };
    if (this.acceptWord('WHERE')) query.where = this.condition();
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY', 'Expected BY after GROUP');
      do {
        const expression = this.primaryExpression();
        if (expression.kind !== 'field' && expression.kind !== 'bucket') {
          throw queryError('GROUP BY takes fields and date functions such as MONTH(closed_at)', expression.token);
        }
        query.groupBy.push(expression);
      } while (this.acceptSymbol(','));
    }
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY', 'Expected BY after ORDER');
      do {
        const token = this.peek();
        const expression = this.expression();
        const direction = this.acceptWord('DESC') ? 'desc' : (this.acceptWord('ASC'), 'asc');
        query.orderBy.push({ expression, direction, token });
      } while (this.acceptSymbol(','));
    }
    if (this.acceptWord('LIMIT')) {
      const token = this.peek();
      if (token.type !== 'number' || token.text.includes('.')) throw queryError('LIMIT takes a whole number', token);
      this.next();
      query.limit = { value: Number(token.text), token };
    }
    this.acceptSymbol(';');
    const rest = this.peek();
    if (rest.type !== 'end') throw queryError('Unexpected text after the query', rest);
    return query;
  }

  private selectItem(): SelectItem {
    const token = this.peek();
    const expression = this.expression();
    const text = this.text.slice(token.offset, this.previous().offset + this.previousLength()).replace(/\s+/g, ' ');
    let alias: string | undefined;
    if (this.acceptWord('AS')) alias = this.expectName('Expected a name after AS').text;
    else if (this.isImplicitAlias()) alias = this.next().text;
    return { expression, alias, text, token };
  }

  /** `SUM(amount) won`: a name right before a comma or FROM (so a misspelt FROM is not taken for an alias). */
  private isImplicitAlias(): boolean {
    const token = this.peek();
    const after = this.tokens[this.index + 1]!;
    if (token.type !== 'word' || RESERVED.has(token.text.toUpperCase())) return false;
    return (after.type === 'symbol' && after.text === ',') || this.isWord(after, 'FROM');
  }

  /** Arithmetic over aggregates: + - * / with the usual precedence. */
  private expression(): Expression {
    let left = this.term();
    while (this.peekSymbol('+') || this.peekSymbol('-')) {
      const token = this.next();
      left = { kind: 'arithmetic', op: token.text as '+' | '-', left, right: this.term(), token };
    }
    return left;
  }

  private term(): Expression {
    let left = this.factor();
    while (this.peekSymbol('*') || this.peekSymbol('/')) {
      const token = this.next();
      left = { kind: 'arithmetic', op: token.text as '*' | '/', left, right: this.factor(), token };
    }
    return left;
  }

  private factor(): Expression {
    if (this.acceptSymbol('(')) {
      const inner = this.expression();
      this.expectSymbol(')', 'Expected ")"');
      return inner;
    }
    const token = this.peek();
    if (token.type === 'number') {
      this.next();
      return { kind: 'number', value: Number(token.text), token };
    }
    return this.primaryExpression();
  }

  /** A field, an aggregate call or a date bucket call. */
  private primaryExpression(): FieldRef | AggregateCall | BucketCall {
    const token = this.peek();
    if (token.type !== 'word') throw queryError('Expected a field or a function', token);
    const upper = token.text.toUpperCase();
    const isCall = this.tokens[this.index + 1]?.type === 'symbol' && this.tokens[this.index + 1]?.text === '(';
    if (isCall && (AGGREGATE_FUNCTIONS as readonly string[]).includes(upper)) return this.aggregateCall();
    if (isCall && (BUCKET_FUNCTIONS as readonly string[]).includes(upper)) {
      this.next();
      this.expectSymbol('(', 'Expected "("');
      const field = this.fieldRef();
      this.expectSymbol(')', 'Expected ")"');
      return { kind: 'bucket', fn: upper as BucketFunction, field, token };
    }
    if (isCall) throw queryError(`Unknown function ${token.text}; use ${[...AGGREGATE_FUNCTIONS, ...BUCKET_FUNCTIONS].join(', ')}`, token);
    return this.fieldRef();
  }

  private aggregateCall(): AggregateCall {
    const token = this.next();
    const fn = token.text.toUpperCase() as AggregateFunction;
    this.expectSymbol('(', 'Expected "("');
    let field: FieldRef | undefined;
    let distinct = false;
    if (fn === 'COUNT' && this.peekSymbol('*')) this.next();
    else {
      distinct = this.acceptWord('DISTINCT');
      if (distinct && fn !== 'COUNT') throw queryError('DISTINCT goes with COUNT only', this.previous());
      field = this.fieldRef();
    }
    this.expectSymbol(')', 'Expected ")"');
    const call: AggregateCall = { kind: 'aggregate', fn, field, distinct, token };
    if (this.acceptWord('FILTER')) {
      this.expectSymbol('(', 'Expected "(" after FILTER');
      this.expectWord('WHERE', 'Expected WHERE in FILTER (WHERE …)');
      call.filter = this.condition();
      this.expectSymbol(')', 'Expected ")"');
    }
    return call;
  }

  private fieldRef(): FieldRef {
    const token = this.expectName('Expected a field');
    let path = token.text;
    if (this.acceptSymbol('.')) path += `.${this.expectName('Expected a field of the related record after "."').text}`;
    return { kind: 'field', path, token };
  }

  private condition(): Condition {
    const items = [this.andCondition()];
    while (this.acceptWord('OR')) items.push(this.andCondition());
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private andCondition(): Condition {
    const items = [this.notCondition()];
    while (this.acceptWord('AND')) items.push(this.notCondition());
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private notCondition(): Condition {
    const token = this.peek();
    if (this.acceptWord('NOT')) return { kind: 'not', item: this.notCondition(), token };
    if (this.acceptSymbol('(')) {
      const inner = this.condition();
      this.expectSymbol(')', 'Expected ")"');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Condition {
    const field = this.fieldRef();
    const token = this.peek();
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      this.expectWord('NULL', 'Expected NULL after IS');
      return { kind: 'is_null', field, negated, token };
    }
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('IN')) {
      this.expectSymbol('(', 'Expected "(" after IN');
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.acceptSymbol(','));
      this.expectSymbol(')', 'Expected ")" after the list');
      return { kind: 'in', field, negated, values, token };
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.literal();
      this.expectWord('AND', 'Expected AND between the two bounds');
      return { kind: 'between', field, negated, low, high: this.literal(), token };
    }
    if (negated) throw queryError('Expected IN or BETWEEN after NOT', this.peek());
    if (this.acceptWord('LIKE')) {
      const pattern = this.literal();
      if (pattern.kind !== 'string') throw queryError('LIKE takes a text pattern in quotes', pattern.token);
      return { kind: 'like', field, pattern, token };
    }
    const op = this.peek();
    const comparisons: Record<string, Comparison> = { '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    if (op.type !== 'symbol' || !(op.text in comparisons)) {
      throw queryError('Expected a comparison (=, !=, <, <=, >, >=, IN, BETWEEN, LIKE or IS NULL)', op);
    }
    this.next();
    const value = this.literal();
    if (value.kind === 'null') throw queryError(`Use IS ${op.text === '=' ? '' : 'NOT '}NULL to compare with NULL`, value.token);
    return { kind: 'compare', field, op: comparisons[op.text]!, value, token: op };
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'string') return { kind: 'string', value: token.text, token };
    if (token.type === 'number') return { kind: 'number', value: Number(token.text), token };
    if (token.type === 'symbol' && token.text === '-' && this.peek().type === 'number') {
      return { kind: 'number', value: -Number(this.next().text), token };
    }
    if (token.type === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE', token };
      if (upper === 'NULL') return { kind: 'null', token };
      if (upper === 'CURRENT_USER') return { kind: 'current_user', token };
      if ((DATE_LITERALS as readonly string[]).includes(upper)) return { kind: 'date_range', name: upper, token };
      if ((DATE_FUNCTIONS as readonly string[]).includes(upper)) {
        this.expectSymbol('(', 'Expected "(" and a number of days');
        const days = this.next();
        if (days.type !== 'number' || days.text.includes('.') || Number(days.text) < 1 || Number(days.text) > 3660) {
          throw queryError('Expected a number of days from 1 to 3660', days);
        }
        this.expectSymbol(')', 'Expected ")"');
        return { kind: 'date_range', name: upper, days: Number(days.text), token };
      }
    }
    throw queryError("Expected a value: 'text', a number, TRUE, FALSE, CURRENT_USER or a date literal such as THIS_MONTH", token);
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }
  private previous(): Token {
    return this.tokens[Math.max(0, this.index - 1)]!;
  }
  /** Length of the previous token in the source (strings: with their quotes). */
  private previousLength(): number {
    const token = this.previous();
    return token.type === 'string' ? token.text.replace(/'/g, "''").length + 2 : token.text.length;
  }
  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }
  private isWord(token: Token, word: string): boolean {
    return token.type === 'word' && token.text.toUpperCase() === word;
  }
  private acceptWord(word: string): boolean {
    if (!this.isWord(this.peek(), word)) return false;
    this.index++;
    return true;
  }
  private expectWord(word: string, message: string): void {
    if (!this.acceptWord(word)) throw queryError(message, this.peek());
  }
  private peekSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.type === 'symbol' && token.text === symbol;
  }
  private acceptSymbol(symbol: string): boolean {
    if (!this.peekSymbol(symbol)) return false;
    this.index++;
    return true;
  }
  private expectSymbol(symbol: string, message: string): void {
    if (!this.acceptSymbol(symbol)) throw queryError(message, this.peek());
  }
  /** A module, field or alias name: a word that is not a keyword of the language. */
  private expectName(message: string): Token {
    const token = this.peek();
    if (token.type !== 'word' || RESERVED.has(token.text.toUpperCase())) throw queryError(message, token);
    return this.next();
  }
}
