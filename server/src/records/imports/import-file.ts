import fs from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type FileType = 'csv' | 'xlsx';

/** One row of the file: its number (the header is row 1) and its cells as text. */
export interface FileRow {
  row: number;
  cells: string[];
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** What a file is, from its name and its first bytes (an XLSX is a zip); null when it is neither CSV nor XLSX. */
export function detectFileType(fileName: string, head: Buffer): FileType | null {
  const lower = fileName.toLowerCase();
  const zip = head.subarray(0, 4).equals(ZIP_SIGNATURE);
  if (lower.endsWith('.xlsx')) return zip ? 'xlsx' : null;
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || !lower.includes('.')) {
    if (zip || head.includes(0)) return null; // binary content is not a CSV
    return 'csv';
  }
  return null;
}

/** The separator of a CSV file, from its first line: `;`, tab or `,` (whichever appears most outside quotes). */
export function detectDelimiter(head: string): string {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [char, count] of counts) if (count > counts.get(best)!) best = char;
  return best;
}

async function readHead(filePath: string, bytes = 64 * 1024): Promise<Buffer> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The text of an XLSX cell value (dates as ISO 8601, formulas by their result, rich text joined). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Dates without a time of day are dates; others are date-times (Excel keeps no zone: read as UTC).
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }>; hyperlink?: string; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('');
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error) return '';
    return '';
  }
  return String(value);
}

/**
 * Streams the rows of a CSV or XLSX file, the header included (row 1), never
 * holding more than a row and the parser's buffer in memory. CSV: UTF-8 with
 * or without BOM, `,` `;` or tab separators. XLSX: the first worksheet.
 */
export async function* readRows(filePath: string, type: FileType): AsyncGenerator<FileRow> {
  if (type === 'csv') {
    const delimiter = detectDelimiter((await readHead(filePath)).toString('utf8'));
    const parser = fs
      .createReadStream(filePath)
      .pipe(parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: false }));
    let row = 0;
    for await (const record of parser as AsyncIterable<string[]>) yield { row: ++row, cells: record };
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let first = true;
  for await (const worksheet of reader) {
    if (!first) break;
    first = false;
    let width = 0;
    for await (const xlsxRow of worksheet) {
      const values = (xlsxRow as unknown as { values: unknown[]; number: number }).values;
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (xlsxRow.number === 1) width = cells.length;
      while (cells.length < width) cells.push('');
      if (cells.every((cell) => cell.trim() === '')) continue;
      yield { row: xlsxRow.number, cells };
    }
  }
}

/** The header and the first `count` data rows (for the mapping preview). */
export async function readPreview(filePath: string, type: FileType, count = 5): Promise<{ headers: string[]; rows: string[][] }> {
  let headers: string[] = [];
  const rows: string[][] = [];
  let first = true;
  for await (const { cells } of readRows(filePath, type)) {
    if (first) headers = cells.map((cell) => cell.trim());
    else rows.push(cells);
    first = false;
    if (rows.length >= count) break;
  }
  return { headers, rows };
}

/** How many data rows the file has (read through once, streaming). */
export async function countRows(filePath: string, type: FileType): Promise<number> {
  let count = -1; // the header is not a data row
  for await (const _ of readRows(filePath, type)) count++;
  return Math.max(0, count);
}
