import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { assertModuleAction } from '../../platform/access/access.service.js';
import { badRequest } from '../../platform/http/app-error.js';
import type { RecordsModule } from '../index.js';
import type { FieldMeta } from '../metadata/metadata.types.js';
import { getModule, viewOf } from '../records/record-access.js';

export interface ExportInput {
  filter?: unknown;
  sort?: Array<{ field: string; direction?: 'asc' | 'desc' }>;
  fields?: string[];
  format?: 'csv' | 'xlsx';
}

/** Records read per page (keyset): memory stays flat however many records match. */
const PAGE = 500;

/** The text of a value in an exported cell: codes for picklists (they import back), lists joined with ";". */
function cellValue(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export function createExportService(records: RecordsModule) {
  /**
   * Streams a module's records as CSV or XLSX: the same filter and sort as a
   * query, only the fields the caller can see, headers by label in the
   * caller's language. Needs the profile's "export" permission (403).
   */
  async function exportRecords(auth: AuthContext, moduleName: string, input: ExportInput) {
    const metadata = await records.metadata.get(auth.orgId, auth.orgSchema);
    const module = getModule(metadata, moduleName);
    assertModuleAction(auth, module.apiName, 'export');
    const view = viewOf(auth, metadata, module);
    const format = input.format ?? 'csv';
    let fields: FieldMeta[] = view.visible;
    if (input.fields && input.fields.length > 0) {
      fields = input.fields.map((name) => {
        const field = view.byName.get(name);
        if (!field) throw badRequest(`Unknown field "${name}".`, 'fields');
        return field;
      });
    }
    const language = auth.language === 'es' ? 'es' : 'en';
    const headers = ['Id', ...fields.map((f) => f.labels[language])];
    const query = { filter: input.filter, sort: input.sort, fields: fields.map((f) => f.apiName), limit: PAGE };
    // The first page is read before answering, so a bad filter or sort is a 400, not a broken download.
    const first = await records.records.query(auth, module.apiName, query);
    async function* rows() {
      let page = first;
      for (;;) {
        for (const record of page.data) yield [record.id, ...fields.map((f) => cellValue(record[f.apiName]))];
        if (!page.nextCursor) return;
        page = await records.records.query(auth, module.apiName, { ...query, cursor: page.nextCursor });
      }
    }
    const fileName = `${module.apiName}-${new Date().toISOString().slice(0, 10)}.${format}`;
    if (format === 'csv') {
      async function* lines() {
        yield headers;
        yield* rows();
      }
      return { fileName, contentType: 'text/csv; charset=utf-8', stream: Readable.from(lines()).pipe(stringify({ bom: true })) };
    }
    const output = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
    const sheet = workbook.addWorksheet(module.labels[language].plural.slice(0, 31));
    void (async () => {
      try {
        sheet.addRow(headers).commit();
        for await (const row of rows()) sheet.addRow(row).commit();
        sheet.commit();
        await workbook.commit();
      } catch (error) {
        output.destroy(error as Error);
      }
    })();
    return { fileName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', stream: output };
  }

  return { exportRecords };
}

export type ExportService = ReturnType<typeof createExportService>;
