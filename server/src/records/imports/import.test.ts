import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { multipartBody } from '../../test/multipart.js';

let t: TestContext;
let admin: TestUser;
let dataDir: string;
const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'test-fixtures');

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-import-'));
  t = await createTestContext({ dataDir, importMaxBytes: 200_000 });
  await t.app.ctx.jobs.start();
  admin = await t.make.org();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function upload(url: string, as: TestUser, fields: Record<string, string>, file?: { name: string; content: Buffer | string }) {
  const { body, contentType } = await multipartBody(fields, file);
  return t.request('POST', url, { as, body, headers: { 'content-type': contentType } });
}

async function finished(as: TestUser, id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await t.request('GET', `/api/v1/imports/${id}`, { as });
    expect(response.statusCode).toBe(200);
    if (response.data.status === 'done' || response.data.status === 'failed') return response.data;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${response.data.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function importFile(as: TestUser, fields: Record<string, string>, file: { name: string; content: Buffer | string }) {
  const started = await upload('/api/v1/imports', as, fields, file);
  expect(started.statusCode, started.body).toBe(202);
  return finished(as, started.data.id);
}

async function leads(as: TestUser, filter?: unknown) {
  const response = await t.request('POST', '/api/v1/records/leads/query', { as, body: { filter, limit: 500, count: true } });
  expect(response.statusCode).toBe(200);
  return response.data as { data: Array<Record<string, unknown>>; total: { value: number } };
}

const fixture = (name: string) => ({ name, content: fs.readFileSync(path.join(fixtures, name)) });

function leadsCsv(count: number, bad: Map<number, string[]>, prefix = 'lead') {
  const lines = ['First Name,Last Name,Email,Lead Source,No. of Employees'];
  for (let i = 1; i <= count; i++) lines.push(bad.get(i)?.join(',') ?? `Nombre ${i},Apellido ${i},${prefix}${i}@example.es,Web,${i}`);
  return lines.join('\n');
}

describe('mapping preview', () => {
  it('maps every Zoho CRM column with a Clave counterpart, keeps accents and names the rest', async () => {
    const preview = await upload('/api/v1/imports/preview', admin, { module: 'leads' }, fixture('zoho-crm-leads.csv'));
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.data.mapping).toEqual({
      'Record Id': null,
      'Lead Owner': 'owner_id',
      Company: 'company',
      'First Name': 'first_name',
      'Last Name': 'last_name',
      Title: 'title',
      Email: 'email',
      Phone: 'phone',
      Mobile: 'mobile',
      Website: 'website',
      'Lead Source': 'lead_source',
      'Lead Status': 'lead_status',
      Industry: 'industry',
      'No. of Employees': 'employees',
      'Annual Revenue': 'annual_revenue',
      Rating: 'rating',
      'Email Opt Out': 'email_opt_out',
      Salutation: 'salutation',
      Street: 'street',
      City: 'city',
      State: 'state',
      'Zip Code': 'postal_code',
      Country: 'country',
      Description: 'description',
      'Created Time': null,
      'Modified Time': null,
    });
    expect(preview.data.unmapped).toEqual(['Record Id', 'Created Time', 'Modified Time']);
    expect(preview.data.rows).toHaveLength(3);
    expect(preview.data.rows[0][3]).toBe('Lucía');
  });

  it('maps every Salesforce column with a Clave counterpart', async () => {
    const preview = await upload('/api/v1/imports/preview', admin, { module: 'leads' }, fixture('salesforce-leads.csv'));
    expect(preview.statusCode, preview.body).toBe(200);
    const m = preview.data.mapping;
    expect(m).toMatchObject({
      LastName: 'last_name',
      FirstName: 'first_name',
      Salutation: 'salutation',
      Title: 'title',
      Company: 'company',
      Street: 'street',
      City: 'city',
      State: 'state',
      PostalCode: 'postal_code',
      Country: 'country',
      Phone: 'phone',
      MobilePhone: 'mobile',
      Email: 'email',
      Website: 'website',
      Description: 'description',
      LeadSource: 'lead_source',
      Status: 'lead_status',
      Industry: 'industry',
      Rating: 'rating',
      AnnualRevenue: 'annual_revenue',
      NumberOfEmployees: 'employees',
      OwnerId: 'owner_id',
    });
    expect(preview.data.unmapped.sort()).toEqual(['CreatedDate', 'Id', 'IsConverted', 'IsDeleted', 'LastModifiedDate', 'Name']);
  });
});

describe('imports', () => {
  it('imports the Zoho and Salesforce files with picklist values, booleans and unknown owners as warnings', async () => {
    const org = await t.make.org();
    const zoho = await importFile(org, { module: 'leads', mode: 'create' }, fixture('zoho-crm-leads.csv'));
    expect(zoho).toMatchObject({ status: 'done', counts: { created: 3, failed: 0, warnings: 3 }, progress: { rowsRead: 3, totalRows: 3 } });
    const sf = await importFile(org, { module: 'leads', mode: 'create' }, fixture('salesforce-leads.csv'));
    expect(sf.errors).toEqual([]);
    expect(sf.counts).toMatchObject({ created: 3, failed: 0, warnings: 3 });
    const all = (await leads(org)).data;
    const byLast = new Map(all.map((r) => [r.last_name, r]));
    expect(byLast.get('Fernández')).toMatchObject({
      first_name: 'Lucía',
      state: 'Aragón',
      lead_source: 'cold_call',
      lead_status: 'contacted',
      industry: 'logistics',
      email_opt_out: false,
      owner_id: org.userId,
      salutation: 'ms',
      annual_revenue: '8500000.00',
    });
    expect(byLast.get('Souto')).toMatchObject({ lead_status: 'not_contacted', lead_source: 'web', industry: 'food_beverage' });
    expect(byLast.get('Núñez')).toMatchObject({ email_opt_out: true, lead_status: 'qualified', salutation: 'dr' });
    expect(byLast.get('García')).toMatchObject({
      lead_source: 'trade_show',
      lead_status: 'not_contacted',
      employees: 240,
      salutation: 'mr',
    });
    expect(byLast.get('Ibáñez')).toMatchObject({ lead_status: 'contacted', lead_source: 'web' });
    expect(byLast.get("O'Connor")).toMatchObject({ description: 'Partner referral, "key" prospect', lead_source: 'partner' });
  });

  it('1,000 leads with 3 bad rows: 997 created, 3 errors with their row and field, and an error report', async () => {
    const org = await t.make.org();
    const bad = new Map([
      [10, ['Ana', '', 'ana@example.es', 'Web', '3']], // no last name (required)
      [500, ['Luis', 'Gil', 'not-an-email', 'Web', '3']],
      [999, ['Eva', 'Sanz', 'eva@example.es', 'Carrier pigeon', '3']],
    ]);
    const result = await importFile(org, { module: 'leads', mode: 'create' }, { name: 'leads.csv', content: leadsCsv(1000, bad) });
    expect(result.counts).toMatchObject({ created: 997, failed: 3, updated: 0, skipped: 0 });
    expect(result.progress).toEqual({ rowsRead: 1000, totalRows: 1000 });
    expect(result.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [11, 'last_name'],
      [501, 'email'],
      [1000, 'lead_source'],
    ]);
    expect((await leads(org)).total.value).toBe(997);

    const report = await t.request('GET', `/api/v1/imports/${result.id}/errors.csv`, { as: org });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('First Name,Last Name,Email,Lead Source,No. of Employees,Error');
    expect(lines[2]).toMatch(/^Luis,Gil,not-an-email,Web,3,Row 501: .*e-mail/);

    const list = await t.request('GET', '/api/v1/imports?module=leads', { as: org });
    expect(list.data.data.map((i: { id: string }) => i.id)).toContain(result.id);
    expect(fs.readdirSync(path.join(dataDir, 'imports')).filter((f) => f.startsWith(result.id))).toEqual([]);
  });

  it('a dry run checks every row and writes nothing', async () => {
    const org = await t.make.org();
    const bad = new Map([[3, ['X', '', 'x@example.es', 'Web', '1']]]);
    const result = await importFile(org, { module: 'leads', dryRun: 'true' }, { name: 'dry.csv', content: leadsCsv(20, bad) });
    expect(result).toMatchObject({ status: 'done', dryRun: true, counts: { created: 19, failed: 1 } });
    expect((await leads(org)).total.value).toBe(0);
  });

  it('upsert by email updates existing records and creates new ones; skip leaves existing ones alone; create reports duplicates', async () => {
    const org = await t.make.org();
    await importFile(org, { module: 'leads' }, { name: 'a.csv', content: leadsCsv(5, new Map()) });
    const upsert = 'Last Name,Email,Title\nNuevo,LEAD1@example.es,CEO\nOtro,new@example.es,CTO\n';
    const up = await importFile(org, { module: 'leads', mode: 'upsert', key: 'email' }, { name: 'u.csv', content: upsert });
    expect(up.counts).toMatchObject({ created: 1, updated: 1, failed: 0 });
    const lead1 = (await leads(org, { field: 'email', op: 'eq', value: 'lead1@example.es' })).data;
    expect(lead1).toHaveLength(1);
    expect(lead1[0]).toMatchObject({ last_name: 'Nuevo', title: 'CEO', first_name: 'Nombre 1' });

    const skip = 'Last Name,Email\nCambiado,lead2@example.es\nNueva,another@example.es\n';
    const skipped = await importFile(org, { module: 'leads', mode: 'skip', key: 'email' }, { name: 's.csv', content: skip });
    expect(skipped.counts).toMatchObject({ created: 1, skipped: 1, updated: 0, failed: 0 });
    expect((await leads(org, { field: 'email', op: 'eq', value: 'lead2@example.es' })).data[0]!.last_name).toBe('Apellido 2');

    const dup = 'Last Name,Email\nDup,lead3@example.es\nFresh,fresh@example.es\n';
    const created = await importFile(org, { module: 'leads', mode: 'create', key: 'email' }, { name: 'd.csv', content: dup });
    expect(created.counts).toMatchObject({ created: 1, failed: 1 });
    expect(created.errors).toEqual([{ row: 2, field: 'email', message: expect.stringMatching(/^duplicate/) }]);

    const update = 'Email,Title\nlead4@example.es,Boss\nnobody@example.es,X\n';
    const updated = await importFile(org, { module: 'leads', mode: 'update', key: 'email' }, { name: 'p.csv', content: update });
    expect(updated.counts).toMatchObject({ updated: 1, failed: 1, created: 0 });
    expect(updated.errors[0]).toMatchObject({ row: 3, field: 'email' });
    expect((await leads(org)).total.value).toBe(8);
  });

  it('imports an XLSX file, a ;-separated CSV with BOM, and date-times with or without a zone', async () => {
    const org = await t.make.org();
    const field = await t.request('POST', '/api/v1/modules/leads/fields', { as: org, body: { label: 'Last visit', type: 'datetime' } });
    expect(field.statusCode).toBe(201);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Leads');
    sheet.addRow(['Nombre', 'Apellidos', 'Correo electrónico', 'Nº de empleados', 'Last visit']);
    sheet.addRow(['Íñigo', 'Muñoz', 'inigo@example.es', 12, '2026-03-02T09:15:00Z']);
    sheet.addRow(['Ana', 'Peña', 'ana@example.es', 7, null]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const fromXlsx = await importFile(org, { module: 'leads' }, { name: 'leads.xlsx', content: xlsx });
    expect(fromXlsx).toMatchObject({ status: 'done', fileType: 'xlsx', counts: { created: 2, failed: 0 } });
    expect(fromXlsx.mapping).toMatchObject({ Nombre: 'first_name', 'Nº de empleados': 'employees', 'Last visit': 'last_visit_c' });
    const inigo = (await leads(org, { field: 'last_name', op: 'eq', value: 'Muñoz' })).data[0]!;
    expect(inigo).toMatchObject({ first_name: 'Íñigo', employees: 12, last_visit_c: '2026-03-02T09:15:00.000Z' });

    const csv = '\uFEFFApellidos;Empresa;Last visit\nCañas;Bodegas "El Álamo";2026-03-02 09:15:00\n';
    const semicolons = await importFile(org, { module: 'leads' }, { name: 'leads.csv', content: csv });
    expect(semicolons.counts).toMatchObject({ created: 1, failed: 0 });
    const canas = (await leads(org, { field: 'last_name', op: 'eq', value: 'Cañas' })).data[0]!;
    // The organization's time zone (Europe/Madrid by default, UTC+1 in March) reads a date-time without one.
    expect(canas.company).toBe('Bodegas "El Álamo"');
    expect(new Date(canas.last_visit_c as string).getTime()).not.toBeNaN();
  });

  it('remembers the mapping an organization used last time for the module', async () => {
    const org = await t.make.org();
    const csv = 'Apodo,Last Name\nPepe,García\n';
    const first = await upload('/api/v1/imports/preview', org, { module: 'leads' }, { name: 'x.csv', content: csv });
    expect(first.data.mapping).toEqual({ Apodo: null, 'Last Name': 'last_name' });
    await importFile(
      org,
      { module: 'leads', mapping: JSON.stringify({ Apodo: 'first_name', 'Last Name': 'last_name' }) },
      { name: 'x.csv', content: csv },
    );
    const again = await upload('/api/v1/imports/preview', org, { module: 'leads' }, { name: 'x.csv', content: csv });
    expect(again.data.mapping).toEqual({ Apodo: 'first_name', 'Last Name': 'last_name' });
    expect((await leads(org)).data[0]).toMatchObject({ first_name: 'Pepe', last_name: 'García' });
  });

  it('refuses bad input with a 4xx and starts nothing', async () => {
    const org = await t.make.org();
    const csv = { name: 'x.csv', content: 'Last Name\nA\n' };
    const cases: Array<[Record<string, string>, { name: string; content: string | Buffer } | undefined, number, string]> = [
      [{ module: 'leads', mode: 'merge' }, csv, 400, 'mode'],
      [{ module: 'leads', mode: 'upsert' }, csv, 400, 'key'],
      [{ module: 'leads', mode: 'upsert', key: 'company' }, csv, 400, 'key'],
      [{ module: 'leads', mapping: '{bad json' }, csv, 400, 'mapping'],
      [{ module: 'leads', mapping: JSON.stringify({ 'Last Name': 'created_at' }) }, csv, 400, 'mapping'],
      [{ module: 'leads' }, undefined, 400, 'file'],
      [{}, csv, 400, 'module'],
      [{ module: 'leads' }, { name: 'x.csv', content: '' }, 400, 'file'],
      [{ module: 'leads' }, { name: 'photo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) }, 415, 'file'],
      [{ module: 'leads' }, { name: 'fake.xlsx', content: 'Last Name\nA\n' }, 415, 'file'],
      [{ module: 'leads' }, { name: 'big.csv', content: `Last Name\n${'x'.repeat(300_000)}\n` }, 413, 'file'],
    ];
    for (const [fields, file, status, field] of cases) {
      const response = await upload('/api/v1/imports', org, fields, file);
      expect(response.statusCode, `${JSON.stringify(fields)} ${file?.name}: ${response.body}`).toBe(status);
      expect(response.data.error.details.field).toBe(field);
    }
    const json = await t.request('POST', '/api/v1/imports', { as: org, body: { module: 'leads' } });
    expect(json.statusCode).toBe(415);
    expect((await t.request('GET', '/api/v1/imports', { as: org })).data.data).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'imports')).filter((f) => f.startsWith('upload-'))).toEqual([]);
  });

  it('needs the import permission (403); another organization cannot see an import (404)', async () => {
    const org = await t.make.org();
    const standard = await t.make.user(org, { profile: 'standard' });
    const csv = { name: 'x.csv', content: 'Last Name\nA\n' };
    expect((await upload('/api/v1/imports', standard, { module: 'leads' }, csv)).statusCode).toBe(403);
    expect((await upload('/api/v1/imports/preview', standard, { module: 'leads' }, csv)).statusCode).toBe(403);
    expect((await upload('/api/v1/imports', org, { module: 'nowhere' }, csv)).statusCode).toBe(404);
    const done = await importFile(org, { module: 'leads' }, csv);
    const other = await t.make.org();
    expect((await t.request('GET', `/api/v1/imports/${done.id}`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/imports/${done.id}/errors.csv`, { as: other })).statusCode).toBe(404);
    expect((await t.request('GET', `/api/v1/imports/${done.id}`, { as: standard })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/imports', { as: other })).data.data).toEqual([]);
  });
});

describe('exports', () => {
  it('exports CSV and XLSX with labels in the caller’s language and codes that import back', async () => {
    const org = await t.make.org();
    await importFile(org, { module: 'leads' }, fixture('zoho-crm-leads.csv'));
    const csv = await t.request('POST', '/api/v1/records/leads/export', {
      as: org,
      body: { format: 'csv', filter: { field: 'email_opt_out', op: 'eq', value: false }, sort: [{ field: 'last_name' }] },
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="leads-.*\.csv"/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Id,Propietario,.*,Tratamiento,Nombre,Apellidos,/); // the organization's language is Spanish
    expect(lines[1]).toContain('Fernández');
    expect(lines[1]).toContain(',cold_call,');

    // Round trip: the export imports back into another organization as the same records.
    const other = await t.make.org();
    const back = await importFile(other, { module: 'leads' }, { name: 'export.csv', content: csv.body });
    expect(back.counts).toMatchObject({ created: 2, failed: 0 });
    expect(back.unmappedColumns).toEqual(expect.arrayContaining(['Fecha de creación']));
    const copy = (await leads(other, { field: 'last_name', op: 'eq', value: 'Fernández' })).data[0]!;
    expect(copy).toMatchObject({ first_name: 'Lucía', lead_source: 'cold_call', lead_status: 'contacted', state: 'Aragón' });

    const xlsx = await t.request('POST', '/api/v1/records/leads/export', {
      as: org,
      body: { format: 'xlsx', fields: ['last_name', 'lead_source'] },
    });
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows = workbook.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0]!.slice(1)).toEqual(['Id', 'Apellidos', 'Origen']);
    expect(
      rows
        .slice(1)
        .map((r) => r[2])
        .sort(),
    ).toEqual(['Fernández', 'Núñez', 'Souto']);
    const third = await t.make.org();
    const fromXlsx = await importFile(third, { module: 'leads' }, { name: 'e.xlsx', content: xlsx.rawPayload });
    expect(fromXlsx.counts).toMatchObject({ created: 3, failed: 0 });
  });

  it('never exports hidden fields; needs the export permission (403); bad filters are a 400', async () => {
    const org = await t.make.org();
    await t.request('POST', '/api/v1/records/leads', { as: org, body: { last_name: 'Oculto', title: 'Secreto' } });
    await t.request('PATCH', '/api/v1/modules/leads/fields/title', { as: org, body: { hidden: true } });
    const csv = await t.request('POST', '/api/v1/records/leads/export', { as: org, body: {} });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Oculto');
    expect(csv.body).not.toContain('Secreto');
    expect(csv.body).not.toContain('Cargo');
    const standard = await t.make.user(org, { profile: 'standard' });
    expect((await t.request('POST', '/api/v1/records/leads/export', { as: standard, body: {} })).statusCode).toBe(403);
    const bad = await t.request('POST', '/api/v1/records/leads/export', {
      as: org,
      body: { filter: { field: 'nope', op: 'eq', value: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect((await t.request('POST', '/api/v1/records/leads/export', { as: org, body: { fields: ['title'] } })).statusCode).toBe(400);
    const other = await t.make.org();
    const empty = await t.request('POST', '/api/v1/records/leads/export', { as: other, body: {} });
    expect(empty.body).not.toContain('Oculto');
  });
});
