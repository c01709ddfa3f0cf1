import { defaultParseSearch } from '@tanstack/react-router';

/**
 * How the address bar holds search parameters. The router's default writes a text that reads as JSON as a
 * JSON string (`?period=%222026%22`) so that it comes back as text; ours writes it plain (`?period=2026`) whenever
 * the router's reading gives back the same characters as a number or a boolean, and the routes' `validateSearch`
 * turn those back into text with {@link searchText}. Reading is the router's default, so old links with quoted
 * values still open the same view.
 */
export const parseSearch = (text: string): Record<string, unknown> => defaultParseSearch(text);

/** The value as it would be read back from `?key=<text>`. */
const readBack = (text: string): unknown => parseSearch(`?v=${encodeURIComponent(text)}`).v;

function stringifyValue(value: unknown): string {
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  if (typeof value !== 'string') return String(value);
  const back = readBack(value);
  const plain = back === value || ((typeof back === 'number' || typeof back === 'boolean') && String(back) === value);
  // A text the reading would change otherwise ('"quoted"', '[1]', '1.50') keeps the JSON form.
  return plain ? value : JSON.stringify(value);
}

/** Search parameters for the address bar: `?period=2026&scope=org`, undefined values left out. */
export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (value !== undefined) params.set(key, stringifyValue(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A search parameter as text: the router reads `?period=2026` as the number 2026 and `?q=true` as true. */
export function searchText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}
