import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { migrateOrgSchema } from '../../db/migrate.js';
import { RECORD_TABLE_FILLFACTOR } from './ddl.js';

let t: TestContext;
let admin: TestUser;
let schema: string;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  schema = (
    await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', admin.orgId).executeTakeFirstOrThrow()
  ).schema_name;
});
afterAll(() => t.close());

const fillfactor = async (table: string) =>
  (
    await sql<{
      options: string[] | null;
    }>`SELECT reloptions AS options FROM pg_class WHERE oid = ${`${schema}.${table}`}::regclass`.execute(t.database.db)
  ).rows[0]?.options;

describe('record tables', () => {
  it('leave room on each page for updates (fillfactor), on a new organization and on a custom module', async () => {
    expect(await fillfactor('leads')).toEqual([`fillfactor=${RECORD_TABLE_FILLFACTOR}`]);
    const created = await t.request('POST', '/api/v1/modules', { as: admin, body: { singular: 'Proyecto', plural: 'Proyectos' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(await fillfactor(created.data.apiName)).toEqual([`fillfactor=${RECORD_TABLE_FILLFACTOR}`]);
  });

  it('get it from the migration on an organization made before it, and only record tables do', async () => {
    await t.database.transaction('test.fillfactor', async (trx) => {
      await sql.raw(`ALTER TABLE ${schema}.leads RESET (fillfactor)`).execute(trx);
      await sql.raw(`DELETE FROM ${schema}._migrations WHERE name = '0022-record-table-fillfactor'`).execute(trx);
      expect(await migrateOrgSchema(trx, schema)).toEqual([`${schema}:0022-record-table-fillfactor`]);
    });
    expect(await fillfactor('leads')).toEqual([`fillfactor=${RECORD_TABLE_FILLFACTOR}`]);
    expect(await fillfactor('_migrations')).toBeNull();
  });
});
