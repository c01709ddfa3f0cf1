/**
 * The server the records benchmark loads: Clave as `npm start` runs it (built
 * server, same settings), plus — on BARE_PORT, in the same process and on the
 * same database handle — a bare Fastify route that runs the same primary-key
 * SELECT as `GET /api/v1/records/leads/{id}` without auth, permissions, metadata
 * or display names. That route is the baseline of the "GET one record" ratio.
 * Not part of the product; started only by records.bench.mjs.
 */
import path from 'node:path';
import Fastify from 'fastify';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = (file) => path.join(root, 'server/dist', file);

const { loadConfig } = await import(dist('config.js'));
const { openDatabase } = await import(dist('db/database.js'));
const { migrate } = await import(dist('db/migrate.js'));
const { embeddedDbDir } = await import(dist('db/backup.js'));
const { buildApp } = await import(dist('app.js'));

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: embeddedDbDir(config.dataDir) });
await migrate(database);
const app = await buildApp({ config, database });
await app.listen({ port: config.port, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
const SCHEMA = /^org_[0-9a-f]{32}$/;
let columns = null;
bare.get('/bare/:schema/leads/:id', async (request, reply) => {
  const { schema, id } = request.params;
  if (!SCHEMA.test(schema)) return reply.status(400).send({ error: 'schema' });
  // The same columns the records API reads for a lead.
  columns ??= (
    await database.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'leads' AND column_name NOT IN ('deleted_at', 'deleted_by') ORDER BY ordinal_position`,
      [schema],
    )
  ).rows.map((row) => `"${row.column_name}"`);
  const result = await database.query(`SELECT ${columns.join(', ')} FROM "${schema}".leads WHERE id = $1 AND deleted_at IS NULL`, [id], {
    name: 'bench-bare-lead',
  });
  if (result.rows.length === 0) return reply.status(404).send({ error: 'not found' });
  return { data: result.rows[0] };
});
await bare.listen({ port: Number(process.env.BARE_PORT), host: '127.0.0.1' });

const stop = async () => {
  await bare.close();
  await app.close();
  await app.ctx.events.stop();
  await database.checkpoint();
  await database.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
