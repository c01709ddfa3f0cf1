#!/usr/bin/env node
/**
 * Automation benchmark (issue 5): imports BENCH_ROWS leads (default 100,000) through the API twice in the same run
 * on the same server, first with no rules, then with 5 assignment entries, 10 workflow rules (5 with field
 * updates) and 5 scoring rules on, and prints records/s end to end for each: from the upload until the import is
 * done AND every record event it caused (the rules' own updates included) has been handled. The run without rules
 * is the baseline (ratio). Then the median cost of evaluating the rules for one record event (microseconds), as the
 * server measured it (GET /api/v1/automation/stats). Checks the rules' effects by SQL at the end. Not run in CI.
 *
 * Usage: npm run build -w server && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/automation.bench.mjs
 * (a scratch database is created and dropped). Settings: BENCH_ROWS, BENCH_LOG_LEVEL (default warn),
 * BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=prof"), BENCH_PG_STATEMENTS=1 (PostgreSQL's costliest statements of
 * the import with rules), BENCH_KEEP_DATABASE=1. Target: ≥ 2,000 records/s with the rules on.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  root,
  cleanups,
  sleep,
  round,
  freePort,
  request,
  startAndWait,
  preparePostgres,
  runBench,
  loadPg,
  statementStatistics,
} from './lib.mjs';

const serverEntry = path.join(root, 'server/dist/main.js');
const ROWS = Number(process.env.BENCH_ROWS || 100_000);
const TARGET_RECORDS_PER_SECOND = 2_000;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SOURCES = ['Web', 'Trade Show', 'Cold Call', 'Partner Referral', 'Seminar'];
const SALES_USERS = 6;

/** `prefix` keeps the two files' leads apart (e-mail, phone and name), so that no row is a duplicate of the other file's. */
async function writeCsv(file, rows, prefix, phonePrefix) {
  const out = fs.createWriteStream(file);
  const write = (line) => (out.write(line) ? undefined : new Promise((resolve) => out.once('drain', resolve)));
  await write('First Name,Last Name,Company,Email,Phone,Lead Source,Lead Status,No. of Employees,Annual Revenue,City,Rating\n');
  for (let i = 1; i <= rows; i++) {
    const rating = i % 7 === 0 ? 'Hot' : i % 3 === 0 ? 'Warm' : 'Cold';
    await write(
      `Nombre ${i},Apellido ${prefix} ${i},"Empresa ${i % 997}, S.L.",${prefix}${i}@bench.example,+34 ${phonePrefix} ${String(i % 1_000_000).padStart(6, '0')},${SOURCES[i % SOURCES.length]},Not Contacted,${i % 500},${(i % 90) * 10000},${i % 2 ? 'Zaragoza' : 'Madrid'},${rating}\n`,
    );
  }
  await new Promise((resolve) => out.end(resolve));
}

/** The sales role and its users, by SQL (the API invites users by e-mail). */
async function insertSalesTeam(db, orgId) {
  const profile = (
    await db.query(`SELECT id FROM platform.profiles WHERE org_id = $1 ORDER BY (builtin = 'standard') DESC NULLS LAST LIMIT 1`, [orgId])
  ).rows[0].id;
  const roleId = crypto.randomUUID();
  await db.query(`INSERT INTO platform.roles (id, org_id, name, parent_id) VALUES ($1, $2, 'Bench sales', NULL)`, [roleId, orgId]);
  const users = [];
  for (let u = 1; u <= SALES_USERS; u++) {
    const id = crypto.randomUUID();
    await db.query(`INSERT INTO platform.users (id, org_id, name, role_id, profile_id) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      orgId,
      `Comercial ${u}`,
      roleId,
      profile,
    ]);
    users.push(id);
  }
  return { roleId, users };
}

const eq = (field, value) => ({ field, op: 'eq', value });

/** The rules of the figure: 5 assignment entries, 10 workflow rules (5 with field updates), 5 scoring rules. */
function rules({ roleId, users }) {
  const assignment = {
    module: 'leads',
    name: 'Reparto de posibles clientes',
    entries: [
      { criteria: eq('lead_source', 'web'), target: { type: 'round_robin', roleId } },
      { criteria: eq('lead_source', 'trade_show'), target: { type: 'least_loaded', userIds: users.slice(0, 3) } },
      { criteria: eq('lead_source', 'cold_call'), target: { type: 'user', userId: users[3] } },
      { criteria: eq('lead_source', 'partner'), target: { type: 'round_robin', userIds: users.slice(3) } },
      { criteria: null, target: { type: 'round_robin', roleId } },
    ],
  };
  const workflow = [
    {
      name: 'Caliente → contactado',
      trigger: 'create',
      criteria: eq('rating', 'hot'),
      actions: [{ type: 'field_update', field: 'lead_status', value: 'contacted' }],
    },
    {
      name: 'Feria → sector',
      trigger: 'create',
      criteria: eq('lead_source', 'trade_show'),
      actions: [{ type: 'field_update', field: 'industry', value: 'manufacturing' }],
    },
    {
      name: 'Grandes → valoración',
      trigger: 'create',
      criteria: { field: 'annual_revenue', op: 'gte', value: 800000 },
      actions: [{ type: 'field_update', field: 'rating', value: 'warm' }],
    },
    {
      name: 'Madrid → provincia',
      trigger: 'create_or_edit',
      criteria: eq('city', 'Madrid'),
      actions: [{ type: 'field_update', field: 'state', value: 'Madrid' }],
    },
    {
      name: 'Seminario → descripción',
      trigger: 'create',
      criteria: eq('lead_source', 'seminar'),
      actions: [{ type: 'field_update', field: 'description', value: 'Vino a un seminario' }],
    },
    {
      name: 'Socio → tarea',
      trigger: 'create',
      criteria: { and: [eq('lead_source', 'partner'), eq('rating', 'hot')] },
      actions: [{ type: 'task', subject: 'Llamar a {{first_name}}', assignTo: 'owner', dueInDays: 1 }],
    },
    {
      name: 'Contactado → tarea',
      trigger: 'field_update',
      triggerField: 'lead_status',
      criteria: { and: [eq('lead_status', 'contacted'), eq('lead_source', 'web')] },
      actions: [{ type: 'task', subject: 'Seguimiento de {{company}}', assignTo: 'owner', dueInDays: 2 }],
    },
    {
      name: 'Muy grandes → tarea',
      trigger: 'create',
      criteria: { field: 'annual_revenue', op: 'gte', value: 890000 },
      actions: [{ type: 'task', subject: 'Cuenta grande: {{company}}', assignTo: 'owner', priority: 'high' }],
    },
    {
      name: 'Sin teléfono → tarea',
      trigger: 'create',
      criteria: { field: 'phone', op: 'is_empty' },
      actions: [{ type: 'task', subject: 'Buscar teléfono', assignTo: 'owner' }],
    },
    {
      name: 'Basura → tarea',
      trigger: 'edit',
      criteria: eq('lead_status', 'junk'),
      actions: [{ type: 'task', subject: 'Revisar', assignTo: 'owner' }],
    },
  ].map((rule) => ({ module: 'leads', ...rule }));
  const scoring = [
    {
      name: 'Origen',
      fieldRules: [
        { criteria: eq('lead_source', 'web'), points: 10 },
        { criteria: eq('lead_source', 'partner'), points: 15 },
      ],
    },
    {
      name: 'Valoración',
      fieldRules: [
        { criteria: eq('rating', 'hot'), points: 20 },
        { criteria: eq('rating', 'cold'), points: -5 },
      ],
    },
    { name: 'Tamaño', fieldRules: [{ criteria: { field: 'annual_revenue', op: 'gte', value: 500000 }, points: 10 }] },
    { name: 'Estado', fieldRules: [{ criteria: eq('lead_status', 'contacted'), points: 5 }] },
    { name: 'Ciudad', fieldRules: [{ criteria: eq('city', 'Madrid'), points: 3 }] },
  ].map((rule) => ({ module: 'leads', ...rule }));
  return { assignment, workflow, scoring };
}

async function main() {
  if (!fs.existsSync(serverEntry)) throw new Error(`No built server at ${serverEntry}: run \`npm run build -w server\` first.`);
  if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL server (a scratch database is made on it).');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-automation-bench-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const databaseUrl = await preparePostgres(process.env.DATABASE_URL);
  const db = new (loadPg().Client)({ connectionString: databaseUrl });
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL,
    IMPORT_MAX_BYTES: String(1024 * 1024 * 1024),
    DATABASE_URL: databaseUrl,
  };
  const load = () =>
    os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  console.log(
    `Clave automation benchmark — PostgreSQL, ${ROWS} leads per import, Node ${process.version}, ${os.cpus().length} CPUs, load ${load()}`,
  );
  const plainCsv = path.join(dataDir, 'leads-plain.csv');
  const rulesCsv = path.join(dataDir, 'leads-rules.csv');
  await writeCsv(plainCsv, ROWS, 'plain', 600);
  await writeCsv(rulesCsv, ROWS, 'rules', 700);

  const server = await startAndWait({ label: 'server', args: [...nodeArgs, serverEntry], env, port, readyPath: '/readyz' });
  await db.connect();
  cleanups.push(() => db.end());
  try {
    const setup = await request(port, 'POST', '/api/v1/setup', {
      body: { organization: 'Bench Co', name: 'Bench Admin', email: 'bench@example.com', password: 'correct horse battery 7' },
    });
    if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${JSON.stringify(setup.json)}`);
    const cookie = String(setup.headers['set-cookie']?.[0] ?? '').split(';')[0];
    const created = await request(port, 'POST', '/api/v1/tokens', {
      headers: { cookie, 'x-csrf-token': setup.json.csrfToken },
      body: { name: 'bench' },
    });
    if (created.status !== 201) throw new Error(`POST /api/v1/tokens answered ${created.status}`);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    const org = (await db.query(`SELECT id, schema_name FROM platform.organizations WHERE name = 'Bench Co'`)).rows[0];
    const team = await insertSalesTeam(db, org.id);

    /** Whether an event of the organization is still to be handled (the rules' own updates and their events included). */
    const pendingEvents = async () =>
      (await db.query(`SELECT EXISTS (SELECT 1 FROM platform.outbox WHERE processed_at IS NULL AND org_id = $1) AS pending`, [org.id]))
        .rows[0].pending;

    async function importLeads(file, label) {
      const form = new FormData();
      form.append('module', 'leads');
      form.append('mode', 'create');
      form.append('file', await fs.openAsBlob(file, { type: 'text/csv' }), path.basename(file));
      const started = performance.now();
      const answer = await fetch(`http://127.0.0.1:${port}/api/v1/imports`, { method: 'POST', headers: bearer, body: form });
      if (answer.status !== 202) throw new Error(`POST /api/v1/imports answered ${answer.status}: ${await answer.text()}`);
      const { id } = await answer.json();
      let state;
      for (;;) {
        await sleep(250);
        state = (await request(port, 'GET', `/api/v1/imports/${id}`, { headers: bearer })).json;
        if (state.status === 'done' || state.status === 'failed') break;
      }
      if (state.status !== 'done') throw new Error(`The import failed: ${state.message}`);
      if (state.counts.failed > 0) console.log(`${label}: ${state.counts.failed} rows failed`, JSON.stringify(state).slice(0, 600));
      const imported = (performance.now() - started) / 1000;
      // Polled each second: the poll reads the outbox, and must not slow down what it measures.
      while (await pendingEvents()) await sleep(1000);
      const seconds = (performance.now() - started) / 1000;
      const figures = {
        created: state.counts.created,
        importSeconds: round(imported, 1),
        seconds: round(seconds, 1),
        perSecond: round(state.counts.created / seconds),
      };
      console.log(
        `${label.padEnd(11)} ${figures.created} created; import done after ${figures.importSeconds} s, every event handled after ${figures.seconds} s: ${figures.perSecond} records/s (load ${load()})`,
      );
      return figures;
    }

    const plain = await importLeads(plainCsv, 'no rules');

    const { assignment, workflow, scoring } = rules(team);
    const post = async (url, body) => {
      const res = await request(port, 'POST', url, { headers: bearer, body });
      if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${res.text}`);
      return res.json;
    };
    await post('/api/v1/automation/assignment-rules', assignment);
    for (const rule of workflow) await post('/api/v1/automation/workflow-rules', rule);
    for (const rule of scoring) await post('/api/v1/automation/scoring-rules', rule);
    // New scoring rules score the leads already there (the first import's) in background jobs: that is not this
    // import's work, so it is let finish before the clock starts.
    const recalculating = async () =>
      Number(
        (
          await db.query(
            `SELECT count(*) FROM pgboss.job WHERE name = 'automation.scoring-recalculate' AND state IN ('created', 'retry', 'active')`,
          )
        ).rows[0].count,
      );
    while ((await recalculating()) > 0 || (await pendingEvents())) await sleep(1000);
    await request(port, 'DELETE', '/api/v1/automation/stats', { headers: bearer });
    const statements = statementStatistics(process.env.DATABASE_URL);
    await statements.reset();

    const withRules = await importLeads(rulesCsv, 'with rules');
    const stats = (await request(port, 'GET', '/api/v1/automation/stats', { headers: bearer })).json ?? {};
    await statements.print();

    // The rules' effects, by SQL: each count must be what the rules imply for the rows imported with them.
    const schema = org.schema_name;
    const count = async (where) =>
      Number((await db.query(`SELECT count(*) FROM "${schema}".leads WHERE email LIKE 'rules%' AND ${where}`)).rows[0].count);
    const expectRows = (predicate) => Array.from({ length: ROWS }, (_, k) => k + 1).filter(predicate).length;
    const checks = [
      ['hot → contacted', await count(`lead_status = 'contacted'`), expectRows((i) => i % 7 === 0)],
      ['Madrid → state', await count(`state = 'Madrid'`), expectRows((i) => i % 2 === 0)],
      ['owned by the sales team', await count(`owner_id = ANY('{${team.users.join(',')}}'::uuid[])`), ROWS],
      ['scored', await count(`score IS NOT NULL`), ROWS],
    ];
    let failed = false;
    for (const [name, got, want] of checks) {
      const ok = got === want;
      failed ||= !ok;
      console.log(`check ${name}: ${got} of ${want} ${ok ? 'ok' : 'WRONG'}`);
    }
    const ratio = withRules.perSecond / plain.perSecond;
    console.log(
      `\nwith rules ${withRules.perSecond} records/s — baseline the same import with no rules ${plain.perSecond} records/s (ratio ${round(ratio, 3)})`,
    );
    console.log(
      `target ≥ ${TARGET_RECORDS_PER_SECOND} records/s: ×${round(withRules.perSecond / TARGET_RECORDS_PER_SECOND, 2)} ${withRules.perSecond >= TARGET_RECORDS_PER_SECOND ? '(met)' : '(NOT met)'}`,
    );
    const evaluation = stats.evaluation;
    console.log(
      evaluation
        ? `rule evaluation per record event: median ${evaluation.medianMicros} µs, p95 ${evaluation.p95Micros} µs over ${evaluation.events} events (server's measure)`
        : 'rule evaluation per record event: the server does not measure it',
    );
    if (failed) throw new Error('The rules were not applied as expected (see the checks above).');
  } finally {
    await server.stop();
  }
}

await runBench(main);
