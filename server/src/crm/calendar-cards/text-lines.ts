/**
 * Text of iCalendar (RFC 5545) and vCard (RFC 6350/2426) files: property
 * values escaped, lines folded at 75 octets, CRLF line ends.
 */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line: at most 75 octets per physical line, continuation lines start with a space; never splits a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74; // continuation lines carry the leading space
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Joins content lines (skipping empty values) into a file body. */
export function contentLines(lines: Array<string | null>): string {
  return lines
    .filter((line): line is string => line !== null)
    .map(foldLine)
    .join('\r\n')
    .concat('\r\n');
}

/** `20270115T090000Z` from a date-time. */
export const icsDateTime = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
