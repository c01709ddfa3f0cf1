import { AppError } from '../../platform/http/app-error.js';

/** A piece of query text, with where it starts so an error can point at it. */
export interface Token {
  type: 'word' | 'string' | 'number' | 'symbol' | 'end';
  /** The text as written (for strings: without quotes, '' unescaped). */
  text: string;
  offset: number;
  line: number;
  column: number;
}

const SYMBOLS = ['<=', '>=', '<>', '!=', '=', '<', '>', '(', ')', ',', '.', '*', '/', '+', '-', ';'];
const MAX_QUERY_LENGTH = 10_000;

/** A 400 that names the line, column and text of the token at fault. */
export function queryError(message: string, token: Pick<Token, 'offset' | 'line' | 'column' | 'text' | 'type'>): AppError {
  const near = token.type === 'end' ? 'at the end of the query' : `at "${token.text}"`;
  return new AppError('bad_request', `${message} (line ${token.line}, column ${token.column}, ${near})`, {
    line: token.line,
    column: token.column,
    offset: token.offset,
    token: token.type === 'end' ? null : token.text,
  });
}

/** Splits query text into tokens. Comments (`-- …`) and white space go. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new AppError('bad_request', `A query is at most ${MAX_QUERY_LENGTH.toLocaleString('en')} characters.`);
  }
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const at = (start: number) => ({ offset: start, line, column: start - lineStart + 1 });

  while (offset < text.length) {
    const char = text[offset]!;
    if (char === '\n') {
      offset++;
      line++;
      lineStart = offset;
      continue;
    }
    if (/\s/.test(char)) {
      offset++;
      continue;
    }
    if (text.startsWith('--', offset)) {
      while (offset < text.length && text[offset] !== '\n') offset++;
      continue;
    }
    const start = offset;
    if (/[A-Za-z_]/.test(char)) {
      while (offset < text.length && /[A-Za-z0-9_]/.test(text[offset]!)) offset++;
      tokens.push({ type: 'word', text: text.slice(start, offset), ...at(start) });
      continue;
    }
    if (/[0-9]/.test(char)) {
      while (offset < text.length && /[0-9]/.test(text[offset]!)) offset++;
      if (text[offset] === '.' && /[0-9]/.test(text[offset + 1] ?? '')) {
        offset++;
        while (offset < text.length && /[0-9]/.test(text[offset]!)) offset++;
      }
      tokens.push({ type: 'number', text: text.slice(start, offset), ...at(start) });
      continue;
    }
    if (char === "'") {
      // A string may span lines: its position is where it opens.
      const opened = at(start);
      let value = '';
      offset++;
      for (;;) {
        if (offset >= text.length)
          throw queryError('This text is not closed with a quote', { type: 'string', text: text.slice(start, start + 20), ...opened });
        const next = text[offset]!;
        if (next === "'" && text[offset + 1] === "'") {
          value += "'";
          offset += 2;
        } else if (next === "'") {
          offset++;
          break;
        } else {
          if (next === '\n') {
            line++;
            lineStart = offset + 1;
          }
          value += next;
          offset++;
        }
      }
      tokens.push({ type: 'string', text: value, ...opened });
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, offset));
    if (!symbol) throw queryError(`Unexpected character "${char}"`, { type: 'symbol', text: char, ...at(start) });
    offset += symbol.length;
    tokens.push({ type: 'symbol', text: symbol, ...at(start) });
  }
  tokens.push({ type: 'end', text: '', ...at(offset) });
  return tokens;
}
