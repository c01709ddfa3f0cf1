import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { EMBEDDED_SNAPSHOT, POSTGRES_TEMPLATE } from './test-databases.js';

/**
 * Prepares one migrated database to copy per test file: a PGlite snapshot for
 * the embedded project, a template database for PostgreSQL.
 */
export default async function setup(project: { name: string }) {
  if (project.name === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [POSTGRES_TEMPLATE]);
    await admin.query(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${POSTGRES_TEMPLATE}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${POSTGRES_TEMPLATE}`;
    const database = await openDatabase({ databaseUrl: templateUrl.toString(), poolSize: 1 });
    await migrate(database);
    await database.close();
    return async () => {
      // Drop the per-file databases this run left behind.
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'clave_t_%'`);
      for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    };
  }
  const database = await openDatabase({ embeddedDir: 'memory://' });
  await migrate(database);
  const dump = await database.embedded!.pglite.dumpDataDir('none');
  fs.mkdirSync(path.dirname(EMBEDDED_SNAPSHOT), { recursive: true });
  fs.writeFileSync(EMBEDDED_SNAPSHOT, Buffer.from(await dump.arrayBuffer()));
  await database.close();
}
