import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { embeddedSnapshotPath } from './test-databases.js';

/**
 * Prepares one migrated database to copy per test file: a PGlite snapshot for
 * the embedded project, a template database for PostgreSQL.
 */
export default async function setup(project: { name: string; provide: (key: string, value: unknown) => void }) {
  // Names carry this run's process id, so runs side by side never touch each other's databases.
  const runId = String(process.pid);
  project.provide('testRunId', runId);
  if (project.name === 'postgres') {
    const POSTGRES_TEMPLATE = `clave_tpl_${runId}`;
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
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `clave_t_${runId}_%`,
      ]);
      for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    };
  }
  const database = await openDatabase({ embeddedDir: 'memory://' });
  await migrate(database);
  const dump = await database.embedded!.pglite.dumpDataDir('none');
  const snapshot = embeddedSnapshotPath(runId);
  fs.mkdirSync(path.dirname(snapshot), { recursive: true });
  fs.writeFileSync(snapshot, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  return () => fs.rmSync(snapshot, { force: true });
}
