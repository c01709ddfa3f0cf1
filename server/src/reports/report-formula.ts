import { invalid } from './report-fields.js';

/**
 * Formulas over a report's aggregates: numbers, aggregate keys, + - * / and
 * parentheses (`won / closed`, `(won_amount - cost) / won_amount * 100`).
 * Parsed here into a tree and evaluated on each group's values: never eval'd,
 * never sent to the database. An empty operand or a division by zero is null.
 */
export type FormulaNode =
  | { kind: 'number'; value: number }
  | { kind: 'key'; key: string }
  | { kind: 'neg'; operand: FormulaNode }
  | { kind: 'op'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode };

interface Token {
  type: 'number' | 'key' | 'op' | '(' | ')';
  text: string;
  at: number;
}

function tokenize(expression: string, path: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([a-z][a-z0-9_]*)|([-+*/])|([()]))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(expression);
    if (!match) {
      const position = at + (expression.slice(at).length - expression.slice(at).trimStart().length);
      throw invalid(path, `unexpected "${expression[position]}" at character ${position + 1}`);
    }
    const start = match.index + match[0].length - (match[1] ?? match[2] ?? match[3] ?? match[4]!).length;
    if (match[1]) tokens.push({ type: 'number', text: match[1], at: start });
    else if (match[2]) tokens.push({ type: 'key', text: match[2], at: start });
    else if (match[3]) tokens.push({ type: 'op', text: match[3], at: start });
    else tokens.push({ type: match[4] as '(' | ')', text: match[4]!, at: start });
    at = pattern.lastIndex;
  }
  return tokens;
}

/** Parses a formula; every key must be one of `keys` (400 naming the offending token and its position). */
export function parseFormula(expression: string, keys: ReadonlySet<string>, path: string): FormulaNode {
  const tokens = tokenize(expression, path);
  let index = 0;
  const fail = (message: string, token?: Token): never => {
    throw invalid(path, `${message}${token ? ` at character ${token.at + 1}` : ' at the end'}`);
  };
  const peek = () => tokens[index];
  // expression := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*; factor := '-' factor | number | key | '(' expression ')'
  const expressionRule = (): FormulaNode => {
    let node = term();
    while (peek()?.type === 'op' && (peek()!.text === '+' || peek()!.text === '-')) {
      const op = tokens[index++]!.text as '+' | '-';
      node = { kind: 'op', op, left: node, right: term() };
    }
    return node;
  };
  const term = (): FormulaNode => {
    let node = factor();
    while (peek()?.type === 'op' && (peek()!.text === '*' || peek()!.text === '/')) {
      const op = tokens[index++]!.text as '*' | '/';
      node = { kind: 'op', op, left: node, right: factor() };
    }
    return node;
  };
  const factor = (): FormulaNode => {
    const token = tokens[index++];
    if (!token) return fail('the formula ends too soon');
    if (token.type === 'op' && token.text === '-') return { kind: 'neg', operand: factor() };
    if (token.type === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.type === 'key') {
      if (!keys.has(token.text)) fail(`"${token.text}" is not an aggregate of the report`, token);
      return { kind: 'key', key: token.text };
    }
    if (token.type === '(') {
      const inner = expressionRule();
      if (tokens[index]?.type !== ')') fail('a ")" is missing', tokens[index]);
      index++;
      return inner;
    }
    return fail(`unexpected "${token.text}"`, token);
  };
  const tree = expressionRule();
  if (index < tokens.length) fail(`unexpected "${tokens[index]!.text}"`, tokens[index]);
  return tree;
}

/** The formula's value over one group's values: null when an operand is null or a divisor is zero. */
export function evaluateFormula(node: FormulaNode, values: Readonly<Record<string, unknown>>): number | null {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'key': {
      const value = values[node.key];
      return typeof value === 'number' ? value : null;
    }
    case 'neg': {
      const operand = evaluateFormula(node.operand, values);
      return operand === null ? null : -operand;
    }
    case 'op': {
      const left = evaluateFormula(node.left, values);
      const right = evaluateFormula(node.right, values);
      if (left === null || right === null) return null;
      if (node.op === '+') return left + right;
      if (node.op === '-') return left - right;
      if (node.op === '*') return left * right;
      return right === 0 ? null : left / right;
    }
  }
}
