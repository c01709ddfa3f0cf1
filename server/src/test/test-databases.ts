import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { randomSecret } from '../platform/ids.js';

export const embeddedSnapshotPath = (runId: string) => path.resolve(import.meta.dirname, `../../.test-data/embedded-snapshot-${runId}.tar`);

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

export const testDatabaseKind = (): 'embedded' | 'postgres' => (process.env.CLAVE_TEST_DB === 'postgres' ? 'postgres' : 'embedded');

/** A fresh, migrated PostgreSQL database copied from this run's template: its URL, and how to drop it. */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const runId = inject('testRunId');
  const name = `clave_t_${runId}_${randomSecret(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE clave_tpl_${runId}`);
  } finally {
    await admin.end();
  }
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end();
    },
  };
}

/** A fresh, migrated database for one test file: a PGlite snapshot loaded, or a PostgreSQL database copied from the template. */
export async function openTestDatabase(): Promise<Database> {
  if (testDatabaseKind() === 'postgres') {
    const created = await createPostgresTestDatabase();
    const database = await openDatabase({ databaseUrl: created.url, poolSize: 5 });
    const close = database.close;
    database.close = async () => {
      await close();
      await created.drop();
    };
    return database;
  }
  return openDatabase({
    embeddedDir: 'memory://',
    embeddedSnapshot: new Blob([fs.readFileSync(embeddedSnapshotPath(inject('testRunId')))]),
  });
}
