import { Type } from 'typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { ModuleParams } from '../records/record.schemas.js';

export const ImportParams = Type.Object({ id: Uuid });
export const ImportListQuery = Type.Object({
  module: Type.Optional(ModuleParams.properties.module),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'How many imports, newest first.' })),
});

const MappingSchema = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
  description: 'Column header → field API name (or `id`), null for a column left out.',
});

export const MultipartBody = Type.Unknown({
  description:
    'multipart/form-data: `file` (CSV — UTF-8, BOM tolerated, `,` `;` or tab separated — or XLSX, first sheet; header row first) and the text fields described in the summary.',
});

export const PreviewResponse = Type.Object({
  headers: Type.Array(Type.String(), { description: 'The column headers of the file, in order.' }),
  rows: Type.Array(Type.Array(Type.String()), { description: 'The first five data rows, as text.' }),
  mapping: MappingSchema,
  unmapped: Type.Array(Type.String(), { description: 'Columns with no suggested field.' }),
  fields: Type.Array(
    Type.Object({
      apiName: Type.String({ description: 'Field API name (or `id`).' }),
      label: Type.String({ description: 'Its label in the caller’s language.' }),
      type: Type.String({ description: 'Its field type.' }),
    }),
    { description: 'Fields a column can be mapped to.' },
  ),
});

export const ImportAccepted = Type.Object({ id: Uuid });

export const ImportSummary = Type.Object({
  id: Uuid,
  module: Type.String({ description: 'Module API name.' }),
  fileName: Type.String({ description: 'The uploaded file’s name.' }),
  fileType: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { description: 'CSV or XLSX.' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')], {
    description: 'queued, running, done or failed (see `message`).',
  }),
  message: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed import stopped.' }),
  mode: Type.String({ description: 'create, update, upsert or skip.' }),
  key: Type.Union([Type.String(), Type.Null()], { description: 'The field that finds existing records.' }),
  dryRun: Type.Boolean({ description: 'A dry run checks every row and writes nothing.' }),
  mapping: MappingSchema,
  unmappedColumns: Type.Array(Type.String(), { description: 'Columns left out.' }),
  progress: Type.Object(
    {
      rowsRead: Type.Integer({ description: 'Data rows read and written so far.' }),
      totalRows: Type.Union([Type.Integer(), Type.Null()], { description: 'Data rows in the file, once counted.' }),
    },
    { description: 'How far the import is.' },
  ),
  counts: Type.Object(
    {
      created: Type.Integer({ description: 'Records created (would be, on a dry run).' }),
      updated: Type.Integer({ description: 'Records updated.' }),
      skipped: Type.Integer({ description: 'Rows left alone (mode skip: the record exists).' }),
      failed: Type.Integer({ description: 'Rows refused (see `errors`).' }),
      warnings: Type.Integer({ description: 'Rows whose owner matched nobody: the importing user owns them.' }),
    },
    { description: 'Outcome so far.' },
  ),
  createdAt: Timestamp,
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
});

export const ImportDetail = Type.Intersect([
  ImportSummary,
  Type.Object({
    errors: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'Row number in the file (the header is row 1).' }),
        field: Type.Union([Type.String(), Type.Null()], { description: 'The field at fault, if one is.' }),
        message: Type.String({ description: 'What is wrong.' }),
      }),
      { description: 'Per-row errors (the first 1,000; the error report has all).' },
    ),
    errorsTruncated: Type.Boolean({ description: 'True when more failed rows exist than `errors` shows.' }),
  }),
]);

export const ImportList = Type.Object({ data: Type.Array(ImportSummary) });
