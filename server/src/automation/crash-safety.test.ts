import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { embeddedDbDir } from '../db/backup.js';
import { startHttpReceiver, type HttpReceiver } from '../test/http-receiver.js';
import { multipartBody } from '../test/multipart.js';
import { killAll, startServer, tempDataDir, type ServerProcess } from '../test/server-process.js';
import { startSmtpCapture } from '../test/smtp-capture.js';
import { createPostgresTestDatabase, testDatabaseKind } from '../test/test-databases.js';
import { waitFor } from '../test/wait-for.js';

/**
 * The issue's crash test: a workflow rule on lead creation (field update, task, e-mail to the owner, webhook) while a
 * 10,000-row CSV import runs, and the server is killed in the middle (SIGKILL on PostgreSQL; a clean SIGTERM on the
 * embedded database), then started again on the same database. Every matching lead must have had the rule applied
 * exactly once in effect, every row imported once, and only what was in flight at the kill may leave twice.
 */
const ROWS = 10_000;
/** Every 10th row comes from the web: the rule's criteria. */
const matches = (row: number) => row % 10 === 0;
const MATCHING = ROWS / 10;
/** The server is stopped once this many rows are written. */
const STOP_AFTER_ROWS = 3_000;
/**
 * At most one job of a queue runs at a time on a node (pg-boss, batch size 1), so at the kill at most one e-mail and
 * one webhook attempt are between "sent" and "recorded as sent": each may leave again after the restart, once.
 */
const REPEATS_AFTER_A_KILL = 1;

const admin = { organization: 'Crash Co', name: 'Ada Admin', email: 'ada@crash.test', password: 'correct horse battery 7' };

function leadsCsv(): string {
  const lines = ['First Name,Last Name,Email,Lead Source'];
  for (let row = 1; row <= ROWS; row++)
    lines.push(`Nombre ${row},Apellido${row},lead${row}@crash.test,${matches(row) ? 'Web' : 'Trade show'}`);
  return lines.join('\n');
}

/** Calls the API of a running server as the administrator (a Bearer token). */
function client(server: () => ServerProcess, token: () => string) {
  return async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server().url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token()}`,
        ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, data: text ? JSON.parse(text) : undefined, text };
  };
}

async function scenario(options: {
  signal: 'SIGKILL' | 'SIGTERM';
  env: Record<string, string>;
  /** Opens the database the server used (after it stopped, for the embedded one). */
  open: () => Promise<Database>;
}) {
  const smtp = await startSmtpCapture();
  let receiver: HttpReceiver | undefined;
  let db: Database | undefined;
  try {
    receiver = await startHttpReceiver();
    const env = {
      ...options.env,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'warn',
      // Short enough for a test: a silent runner or node is taken for stopped after 4 s, claims last 5 s.
      WORKER_STALE_SECONDS: '4',
      OUTBOX_CLAIM_SECONDS: '5',
      OUTBOX_LOCAL_CLAIM_SECONDS: '5',
    };
    let server = await startServer(env);
    let token = '';
    const api = client(
      () => server,
      () => token,
    );

    // An organization, its administrator's API token, a webhook to the receiver and the rule.
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    expect(setup.status).toBe(201);
    const setupBody = (await setup.json()) as { csrfToken: string };
    const cookie = setup.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const created = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': setupBody.csrfToken },
      body: JSON.stringify({ name: 'crash test' }),
    });
    expect(created.status).toBe(201);
    token = ((await created.json()) as { token: string }).token;
    const hook = await api('POST', '/api/v1/webhooks', { name: 'Receptor', url: `${receiver.url}/hook`, events: ['automation.workflow'] });
    expect(hook.status, hook.text).toBe(201);
    const rule = await api('POST', '/api/v1/automation/workflow-rules', {
      name: 'Posibles clientes de la web',
      module: 'leads',
      trigger: 'create',
      criteria: { field: 'lead_source', op: 'eq', value: 'web' },
      actions: [
        { type: 'field_update', field: 'lead_status', value: 'contacted' },
        { type: 'task', subject: 'Llamar a {{last_name}}', assignTo: 'owner', dueInDays: 1 },
        { type: 'email', to: 'owner', subject: 'Nuevo posible cliente: {{last_name}}', body: 'Llega de la web.' },
        { type: 'webhook', webhookId: hook.data.id },
      ],
    });
    expect(rule.status, rule.text).toBe(201);

    // The import starts; the server is stopped once a few thousand rows are in.
    const { body, contentType } = await multipartBody({ module: 'leads', mode: 'create' }, { name: 'leads.csv', content: leadsCsv() });
    const started = await api('POST', '/api/v1/imports', body, { 'content-type': contentType });
    expect(started.status, started.text).toBe(202);
    const importId = started.data.id as string;
    const progress = async () => (await api('GET', `/api/v1/imports/${importId}`)).data;
    const before = await waitFor(
      async () => {
        const current = await progress();
        return current.progress.rowsRead >= STOP_AFTER_ROWS ? current : null;
      },
      `${STOP_AFTER_ROWS} rows imported`,
      120_000,
      20,
    );
    expect(before.status).toBe('running');
    server.child.kill(options.signal);
    const stopped = await server.exited;
    if (options.signal === 'SIGTERM') expect(stopped.code, stopped.output).toBe(0);
    else expect(stopped.signal).toBe('SIGKILL');
    const mailsAtStop = smtp.messages.length;
    const hooksAtStop = receiver.requests.length;

    // Started again on the same database and data folder: the import resumes and the rule's work is finished.
    server = await startServer(env);
    const after = await waitFor(
      async () => {
        const current = await progress();
        return current.status === 'done' || current.status === 'failed' ? current : null;
      },
      'the import to finish after the restart',
      300_000,
      250,
    );
    expect(after).toMatchObject({ status: 'done', progress: { rowsRead: ROWS, totalRows: ROWS }, counts: { created: ROWS, failed: 0 } });
    const messageId = (raw: string) => /^Message-ID: *(.+)$/im.exec(raw)?.[1]?.trim() ?? '';
    let seen = {};
    /** What the outbox, the e-mail actions and their jobs hold (a failure says why the work stopped). */
    const diagnose = async () => {
      // The embedded database opens only once its server has stopped.
      if (testDatabaseKind() !== 'postgres') await server.stop();
      db ??= await options.open();
      const outbox = await sql`SELECT type, processed_at IS NOT NULL AS processed, claimed_until > now() AS claimed, attempts,
                               count(*)::int AS n, min(last_error) AS error
                             FROM platform.outbox GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`.execute(db.db);
      const mails = await sql`SELECT a->>'status' AS status, a->'detail' AS detail, a->>'error' AS error, e.id
                              FROM ${sql.raw(`"${(await sql<{ s: string }>`SELECT schema_name AS s FROM platform.organizations`.execute(db.db)).rows[0]!.s}"`)}.automation_executions e,
                                   jsonb_array_elements(e.actions) a
                              WHERE a->>'type' = 'email' AND a->>'status' <> 'sent' LIMIT 5`.execute(db.db);
      const jobs = await sql`SELECT state::text, retry_count, output, data->>'executionId' AS execution FROM pgboss.job
                             WHERE name = 'automation.workflow-email' AND state <> 'completed' LIMIT 5`.execute(db.db);
      return JSON.stringify({ outbox: outbox.rows, mails: mails.rows, jobs: jobs.rows }, null, 1);
    };
    await waitFor(
      async () => {
        const tasks = await api('POST', '/api/v1/records/tasks/query', { limit: 1, count: true });
        seen = {
          tasks: tasks.data.total.value,
          mails: new Set(smtp.messages.map((m) => messageId(m.raw))).size,
          hooks: new Set(receiver!.requests.map((r) => r.headers['idempotency-key'])).size,
        };
        return Object.values(seen).every((n) => n === MATCHING);
      },
      'every task, e-mail and webhook delivery',
      420_000,
      250,
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(seen)}\n${await diagnose()}\n${server.output().slice(-5000)}`);
    });
    if (testDatabaseKind() === 'postgres') {
      db = await options.open();
      await waitFor(
        async () => {
          const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.outbox WHERE processed_at IS NULL`.execute(
            db!.db,
          );
          return pending.rows[0]!.n === 0;
        },
        'the outbox to be empty',
        60_000,
        250,
      );
    }
    // A last look a moment later: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const final = await server.stop();
    expect(final.code, final.output).toBe(0);
    db ??= await options.open();

    // ---- Every row imported once.
    const [org] = (await sql<{ schema: string }>`SELECT schema_name AS schema FROM platform.organizations`.execute(db.db)).rows;
    const schema = sql.raw(`"${org!.schema}"`);
    const leads = (
      await sql<{ id: string; email: string; lead_source: string; lead_status: string | null; last_name: string }>`
        SELECT id, email, lead_source, lead_status, last_name FROM ${schema}.leads WHERE deleted_at IS NULL`.execute(db.db)
    ).rows;
    expect(leads).toHaveLength(ROWS);
    expect(new Set(leads.map((lead) => lead.email)).size).toBe(ROWS);
    const matching = leads.filter((lead) => lead.lead_source === 'web');
    expect(matching).toHaveLength(MATCHING);
    const matchingIds = new Set(matching.map((lead) => lead.id));

    // ---- The field update: set on every matching lead, once (one automation change on its timeline), on no other.
    for (const lead of leads) expect(lead.lead_status === 'contacted').toBe(matchingIds.has(lead.id));
    const updates = (
      await sql<{ record_id: string; n: number }>`
        SELECT record_id, count(*)::int AS n FROM ${schema}._timeline WHERE module = 'leads' AND kind = 'updated' GROUP BY record_id`.execute(
        db.db,
      )
    ).rows;
    expect(updates).toHaveLength(MATCHING);
    for (const update of updates) expect(matchingIds.has(update.record_id) && update.n === 1, JSON.stringify(update)).toBe(true);

    // ---- One task per matching lead, none for the others.
    const tasks = (
      await sql<{ related_id: string; n: number }>`
        SELECT related_id, count(*)::int AS n FROM ${schema}.tasks WHERE deleted_at IS NULL GROUP BY related_id`.execute(db.db)
    ).rows;
    expect(tasks).toHaveLength(MATCHING);
    for (const task of tasks) expect(matchingIds.has(task.related_id) && task.n === 1, JSON.stringify(task)).toBe(true);

    // ---- One execution per lead: done for the matching ones.
    const executions = (
      await sql<{ record_id: string; status: string; n: number }>`
        SELECT record_id, min(status) AS status, count(*)::int AS n FROM ${schema}.automation_executions GROUP BY record_id`.execute(db.db)
    ).rows;
    expect(executions).toHaveLength(ROWS);
    for (const execution of executions)
      expect(execution, JSON.stringify(execution)).toMatchObject({
        n: 1,
        status: matchingIds.has(execution.record_id) ? 'done' : 'skipped',
      });

    // ---- Nothing left behind: no event unhandled, no delivery pending, no e-mail still queued.
    const leftovers = (
      await sql<{ events: number; deliveries: number; mails: number }>`
        SELECT (SELECT count(*)::int FROM platform.outbox WHERE processed_at IS NULL) AS events,
               (SELECT count(*)::int FROM platform.webhook_deliveries WHERE status <> 'delivered') AS deliveries,
               (SELECT count(*)::int FROM ${schema}.automation_executions e, jsonb_array_elements(e.actions) a
                 WHERE a->>'type' = 'email' AND a->>'status' <> 'sent') AS mails`.execute(db.db)
    ).rows[0]!;
    expect(leftovers).toEqual({ events: 0, deliveries: 0, mails: 0 });

    // ---- Webhooks: an idempotency key on each, one key per matching lead; only what was in flight is repeated.
    const bound = options.signal === 'SIGKILL' ? REPEATS_AFTER_A_KILL : 0;
    const hooks = receiver.requests;
    expect(hooks.every((request) => typeof request.headers['idempotency-key'] === 'string')).toBe(true);
    const keys = new Set(hooks.map((request) => request.headers['idempotency-key']));
    expect(keys.size).toBe(MATCHING);
    // A key reaches the receiver once per attempt the delivery log shows (a retry after an attempt that timed out is a
    // logged retry, with the same key), plus at most the attempt in flight at the stop.
    const attempts = new Map(
      (
        await sql<{
          id: string;
          n: number;
        }>`SELECT delivery_id AS id, count(*)::int AS n FROM platform.webhook_delivery_attempts GROUP BY 1`.execute(db.db)
      ).rows.map((row) => [row.id, row.n]),
    );
    const received = new Map<string, number>();
    for (const request of hooks)
      received.set(String(request.headers['idempotency-key']), (received.get(String(request.headers['idempotency-key'])) ?? 0) + 1);
    const unlogged = [...received].reduce((sum, [key, n]) => sum + Math.max(0, n - (attempts.get(key) ?? 0)), 0);
    expect(unlogged).toBeLessThanOrEqual(bound);
    const hookedLeads = new Set(hooks.map((request) => JSON.parse(request.body).data.record.id as string));
    expect([...hookedLeads].every((id) => matchingIds.has(id)) && hookedLeads.size === MATCHING).toBe(true);

    // ---- E-mails: a stable Message-ID on each, one per matching lead; only what was in flight is repeated.
    const ids = new Set(smtp.messages.map((mail) => messageId(mail.raw)));
    expect(smtp.messages.every((mail) => /^<workflow\.[0-9a-f-]{36}\.2@clave>$/.test(messageId(mail.raw)))).toBe(true);
    expect(ids.size).toBe(MATCHING);
    expect(smtp.messages.length - ids.size).toBeLessThanOrEqual(bound);
    const mailed = new Set(smtp.messages.map((mail) => /Nuevo posible cliente: (\S+)/.exec(mail.subject)?.[1]));
    expect(mailed).toEqual(new Set(matching.map((lead) => lead.last_name)));

    // The stop really was in the middle: part of the work was done before it, part after.
    expect(mailsAtStop).toBeLessThan(MATCHING);
    expect(hooksAtStop).toBeLessThan(MATCHING);
  } finally {
    await db?.close();
    await receiver?.close();
    await smtp.close();
  }
}

/**
 * A few minutes each (10,000 rows, a server killed and restarted), so part of the suite since record events reach the
 * rules in batches; CLAVE_SKIP_CRASH_TEST=1 leaves them out of a local run.
 */
const crashTestsOn = process.env.CLAVE_SKIP_CRASH_TEST !== '1';

describe.skipIf(!crashTestsOn)('a crash in the middle of an import with workflow rules on', () => {
  const dirs: string[] = [];
  afterAll(() => {
    killAll();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(testDatabaseKind() !== 'postgres')(
    'PostgreSQL, SIGKILL: after the restart every matching lead had the rule applied exactly once in effect',
    async () => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      const database = await createPostgresTestDatabase();
      try {
        await scenario({
          signal: 'SIGKILL',
          env: { DATA_DIR: dataDir, DATABASE_URL: database.url },
          open: () => openDatabase({ databaseUrl: database.url, poolSize: 2 }),
        });
      } finally {
        await database.drop();
      }
    },
    720_000,
  );

  it.skipIf(testDatabaseKind() !== 'embedded')(
    'embedded database, SIGTERM: a clean stop in the middle loses nothing and repeats nothing',
    async () => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      await scenario({
        signal: 'SIGTERM',
        env: { DATA_DIR: dataDir },
        open: () => openDatabase({ embeddedDir: embeddedDbDir(dataDir) }),
      });
      expect(fs.existsSync(path.join(dataDir, 'imports'))).toBe(true);
    },
    720_000,
  );
});
