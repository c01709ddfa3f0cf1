#!/usr/bin/env node
/**
 * Generates the KAM cockpit data set (issue 4) straight into one
 * organization's tables with COPY: 10,000 accounts (1,000 key), 200 managers
 * in a role hierarchy (4 directors, their teams), 50,000 contacts with buying
 * roles, 1,000,000 deals, 30,000 contracts with renewals and cancellations,
 * 5,000,000 touchpoints, 200,000 cases, 300,000 leads with conversions,
 * 100,000 survey answers, 2,000 account goals with 12,000 measurements, over
 * the 3 years before the first run. Not a test, never run in CI.
 *
 * Usage:
 *   npm run build -w server
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_kam_bench node bench/kam-generate.mjs
 *
 * The database is created when missing; the built server is started once on
 * it (migrations, an organization through POST /api/v1/setup) and stopped.
 * Users and roles are inserted with SQL. Resumable: each table is filled up
 * to its target and rows are deterministic by number, dated from an anchor
 * day kept in the organization's schema (`_kam_bench`), so a second run only
 * adds what is missing. Secondary indexes of the loaded tables are dropped
 * during the load and rebuilt at the end.
 * Settings: GENERATE_SCALE (default 1; 0.1 makes a tenth of every table and of the managers).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { ensureDatabase, setUpOrganization } from './lib.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));
const pg = require('pg');
const { from: copyFrom } = require('pg-copy-streams');

const SCALE = Number(process.env.GENERATE_SCALE || 1);
const FULL = {
  accounts: 10_000,
  contacts: 50_000,
  leads: 300_000,
  deals: 1_000_000,
  contracts: 30_000,
  cases: 200_000,
  touchpoints: 5_000_000,
  account_goals: 2_000,
  goal_measurements: 12_000,
  kam_survey_responses: 100_000,
};
const N = Object.fromEntries(Object.entries(FULL).map(([table, n]) => [table, Math.round(n * SCALE)]));
const MANAGERS = Math.max(20, Math.round(200 * SCALE));
const DIRECTORS = 4;
const KEY_EVERY = 10; // every 10th account is a key account
const KEYS = Math.ceil(N.accounts / KEY_EVERY);
const BATCH = 50_000;
const DAY = 86_400_000;
const YEARS = 3;
export const ORGANIZATION = 'KAM Bench SL';
const ADMIN = { organization: ORGANIZATION, name: 'KAM Bench Admin', email: 'kam-bench@example.com', password: 'correct horse battery 7' };

/** A deterministic generator per row: the same number always gives the same record. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];
/** Picks from `[[value, weight], …]`. */
const weighted = (r, list) => {
  let x = r() * list.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of list) if ((x -= w) < 0) return value;
  return list.at(-1)[0];
};
/** A UUID (v4 layout) from the table and row number: resumed runs make the same ids. */
export const uuidOf = (table, n) => {
  const h = crypto.createHash('md5').update(`kam:${table}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const cell = (value) =>
  value === null || value === undefined
    ? '\\N'
    : String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
const iso = (ms) => new Date(ms).toISOString();
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const money = (value) => value.toFixed(2);

const COMPANY_A = ['Aceros', 'Conservas', 'Transportes', 'Talleres', 'Laboratorios', 'Vinos', 'Northern', 'Summit', 'Atlas', 'Harbor'];
const COMPANY_B = ['del Norte', 'Ibéricos', 'Levante', 'Galicia', 'Systems', 'Foods', 'Logistics', 'Energy', 'Health', 'Retail'];
const FIRST = ['José', 'María', 'Carmen', 'Javier', 'Lucía', 'James', 'Mary', 'Olivia', 'Daniel', 'Marta'];
const LAST = ['García', 'Muñoz', 'López', 'Navarro', 'Smith', 'Taylor', 'Iglesias', 'Walker', 'Ortega', 'Castro'];
const LEAD_SOURCES = [
  ['web', 20],
  ['cold_call', 12],
  ['customer_referral', 10],
  ['external_referral', 5],
  ['employee_referral', 4],
  ['partner', 10],
  ['trade_show', 8],
  ['email', 12],
  ['social_media', 9],
  ['advertisement', 6],
  ['other', 4],
];
const DEAL_TYPES = [
  ['new_business', 35],
  ['upsell', 25],
  ['cross_sell', 15],
  ['renewal', 25],
];
const OPEN_STAGES = ['qualification', 'needs_analysis', 'value_proposition', 'proposal', 'negotiation'];
const CHANNELS = [
  ['email', 35],
  ['phone', 20],
  ['video', 15],
  ['face_to_face', 10],
  ['message', 10],
  ['event', 4],
  ['cold_call', 3],
  ['social', 3],
];
const LEAD_CHANNELS = [
  ['cold_call', 30],
  ['email', 35],
  ['social', 10],
  ['phone', 15],
  ['event', 10],
];
const BUYING_ROLES = ['decision_maker', 'champion', 'influencer', 'user', 'blocker'];

/** The data set's shape, once the anchor (the day the data ends) and the users are known. */
function model(anchorMs, users) {
  const start = anchorMs - YEARS * 365 * DAY;
  const M = users.length;
  // Blocks of KEY_EVERY accounts (one key account each) go to the managers in turn: every portfolio has its key accounts.
  const ownerOfAccount = (a) => users[Math.floor(a / KEY_EVERY) % M];
  /** Key accounts are every KEY_EVERY-th; `keyAccount(r)` picks one, `anyAccount(r)` any. */
  const keyAccount = (r) => Math.min(N.accounts - 1, Math.floor(r() * KEYS) * KEY_EVERY);
  const anyAccount = (r) => Math.floor(r() * N.accounts);
  /** Leads: created over the 3 years; a fifth converted 5–90 days later (never after the anchor). */
  const lead = (l) => {
    const r = rng(l * 2654435761 + 17);
    const created = start + Math.floor(r() * (anchorMs - start - 10 * DAY));
    const converted = r() < 0.2 ? Math.min(anchorMs - DAY, created + (5 + Math.floor(r() * 85)) * DAY + Math.floor(r() * DAY)) : null;
    return { r, created, converted, owner: users[l % M] };
  };

  return {
    accounts: {
      columns: ['id', 'owner_id', 'name', 'account_number', 'account_type', 'is_key_account', 'tier', 'city', 'created_at'],
      row(n) {
        const r = rng(n * 104729 + 3);
        const key = n % KEY_EVERY === 0;
        const tier = key ? (r() < 0.3 ? 'strategic' : 'key') : r() < 0.5 ? 'growth' : 'maintain';
        return [
          uuidOf('accounts', n),
          ownerOfAccount(n),
          `${pick(r, COMPANY_A)} ${pick(r, COMPANY_B)} ${n}`,
          `KA-${String(n).padStart(6, '0')}`,
          'customer',
          key ? 't' : 'f',
          tier,
          pick(r, ['Madrid', 'Barcelona', 'Bilbao', 'London', 'Dublin']),
          iso(start - 30 * DAY),
        ];
      },
    },
    contacts: {
      // Contact n belongs to account n % accounts: the j-th contact of an account (j = n ÷ accounts) has the j-th buying role.
      columns: ['id', 'owner_id', 'first_name', 'last_name', 'email', 'account_id', 'buying_role', 'influence', 'willing_reference'],
      row(n) {
        const r = rng(n * 7919 + 5);
        const a = n % N.accounts;
        const j = Math.floor(n / N.accounts);
        const first = pick(r, FIRST);
        const last = pick(r, LAST);
        return [
          uuidOf('contacts', n),
          ownerOfAccount(a),
          first,
          last,
          `contact${n}@customer${a}.example`,
          uuidOf('accounts', a),
          j < BUYING_ROLES.length && r() < 0.9 ? BUYING_ROLES[j] : null,
          pick(r, ['high', 'medium', 'low']),
          r() < 0.06 ? 't' : 'f',
        ];
      },
    },
    leads: {
      columns: ['id', 'owner_id', 'last_name', 'company', 'lead_source', 'lead_status', 'is_converted', 'converted_at', 'created_at'],
      row(n) {
        const l = lead(n);
        return [
          uuidOf('leads', n),
          l.owner,
          pick(l.r, LAST),
          `${pick(l.r, COMPANY_A)} ${pick(l.r, COMPANY_B)}`,
          weighted(l.r, LEAD_SOURCES),
          l.converted ? 'converted' : pick(l.r, ['not_contacted', 'contacted', 'qualified', 'unqualified']),
          l.converted ? 't' : 'f',
          l.converted ? iso(l.converted) : null,
          iso(l.created),
        ];
      },
    },
    deals: {
      // 40 % on key accounts; 85 % closed (45 % of them won) over the 3 years.
      columns: [
        'id',
        'owner_id',
        'name',
        'account_id',
        'amount',
        'currency',
        'stage',
        'close_date',
        'closed_at',
        'deal_type',
        'lead_source',
      ],
      row(n) {
        const r = rng(n * 15485863 + 11);
        const key = r() < 0.4;
        const a = key ? keyAccount(r) : anyAccount(r);
        const closed = r() < 0.85;
        const won = closed && r() < 0.45;
        const at = start + Math.floor(r() * (anchorMs - start));
        const amount = 1000 * Math.exp(r() * 5) * (key ? 3 : 1);
        const type = weighted(r, DEAL_TYPES);
        return [
          uuidOf('deals', n),
          ownerOfAccount(a),
          `${type} ${n}`,
          uuidOf('accounts', a),
          money(amount),
          'EUR',
          closed ? (won ? 'closed_won' : 'closed_lost') : pick(r, OPEN_STAGES),
          day(closed ? at : anchorMs + Math.floor(r() * 120) * DAY),
          closed ? iso(at) : null,
          type,
          weighted(r, LEAD_SOURCES),
        ];
      },
    },
    contracts: {
      // Three one-year contracts per account: each renews the one before; an eighth of the accounts churn
      // (the contract is cancelled or expires unrenewed) and some come back months later with a new contract.
      columns: [
        'id',
        'owner_id',
        'name',
        'contract_number',
        'account_id',
        'status',
        'start_date',
        'end_date',
        'value',
        'sow_value',
        'currency',
        'renews_contract_id',
        'cancelled_at',
      ],
      row(n) {
        const a = Math.floor(n / 3) % N.accounts;
        const k = n % 3;
        const ra = rng(a * 31337 + 7);
        const s0 = start + Math.floor(ra() * 300) * DAY;
        const churnAt = ra() < 0.12 ? 1 : ra() < 0.11 ? 2 : 3; // contracts from k = churnAt on are win-backs
        const cancels = ra() < 0.3;
        const base = (a % KEY_EVERY === 0 ? 120_000 : 20_000) * (0.5 + ra());
        const r = rng(n * 92821 + 13);
        const winBack = k >= churnAt;
        const begin = s0 + k * 365 * DAY + (winBack ? 180 * DAY : 0);
        const end = begin + 364 * DAY;
        const last = k === churnAt - 1;
        const cancelled = last && cancels ? begin + (100 + Math.floor(r() * 200)) * DAY : null;
        const renewedByNext = k < 2 && !last;
        const status = cancelled ? 'cancelled' : end < anchorMs ? (renewedByNext ? 'renewed' : 'expired') : 'active';
        const value = base * (1 + 0.08 * k) * (0.9 + 0.2 * r());
        return [
          uuidOf('contracts', n),
          ownerOfAccount(a),
          `Contract ${a}-${k + 1}`,
          `CON-${n + 1}`,
          uuidOf('accounts', a),
          status,
          day(begin),
          day(end),
          money(value),
          money(value * (0.6 + 0.3 * r())),
          'EUR',
          k > 0 && k - 1 !== churnAt - 1 ? uuidOf('contracts', n - 1) : null,
          cancelled ? day(Math.min(cancelled, anchorMs)) : null,
        ];
      },
    },
    cases: {
      columns: ['id', 'owner_id', 'case_number', 'subject', 'account_id', 'priority', 'status', 'sla_due_at', 'resolved_at', 'created_at'],
      row(n) {
        const r = rng(n * 49157 + 19);
        const a = r() < 0.5 ? keyAccount(r) : anyAccount(r);
        const created = start + Math.floor(r() * (anchorMs - start));
        const resolved = r() < 0.9 ? created + Math.floor((1 + r() * r() * 300) * 3_600_000) : null;
        const done = resolved !== null && resolved < anchorMs;
        return [
          uuidOf('cases', n),
          ownerOfAccount(a),
          `CAS-${n + 1}`,
          `Case ${n}`,
          uuidOf('accounts', a),
          pick(r, ['low', 'medium', 'medium', 'high', 'urgent']),
          done ? pick(r, ['resolved', 'closed']) : pick(r, ['new', 'open', 'pending']),
          r() < 0.8 ? iso(created + 48 * 3_600_000) : null,
          done ? iso(resolved) : null,
          iso(created),
        ];
      },
    },
    touchpoints: {
      // 70 % with key accounts, 20 % with other accounts, 10 % with leads (from their creation on).
      columns: ['id', 'owner_id', 'subject', 'direction', 'channel', 'occurred_at', 'duration_minutes', 'account_id', 'lead_id'],
      row(n) {
        const r = rng(n * 2246822519 + 23);
        const kind = r();
        if (kind < 0.1) {
          const ln = Math.floor(r() * N.leads);
          const l = lead(ln);
          const until = l.converted ?? Math.min(anchorMs, l.created + 120 * DAY);
          const at = l.created + Math.floor(r() * Math.max(DAY, until - l.created));
          return [
            uuidOf('touchpoints', n),
            l.owner,
            `Lead touch ${n}`,
            r() < 0.75 ? 'outbound' : 'inbound',
            weighted(r, LEAD_CHANNELS),
            iso(Math.min(at, anchorMs - 1)),
            5 + Math.floor(r() * 30),
            null,
            uuidOf('leads', ln),
          ];
        }
        const a = kind < 0.8 ? keyAccount(r) : anyAccount(r);
        return [
          uuidOf('touchpoints', n),
          ownerOfAccount(a),
          `Touch ${n}`,
          r() < 0.6 ? 'outbound' : 'inbound',
          weighted(r, CHANNELS),
          iso(start + Math.floor(r() * (anchorMs - start))),
          5 + Math.floor(r() * 85),
          uuidOf('accounts', a),
          null,
        ];
      },
    },
    account_goals: {
      // Two goals per key account over the last year and the next.
      columns: [
        'id',
        'owner_id',
        'name',
        'account_id',
        'indicator_kind',
        'baseline_value',
        'target_value',
        'start_date',
        'target_date',
        'status',
      ],
      row(n) {
        const r = rng(n * 6151 + 29);
        const a = Math.min(N.accounts - 1, (Math.floor(n / 2) % KEYS) * KEY_EVERY);
        const from = anchorMs - Math.floor(r() * 365) * DAY;
        return [
          uuidOf('account_goals', n),
          ownerOfAccount(a),
          `Goal ${n}`,
          uuidOf('accounts', a),
          n % 2 === 0 ? 'leading' : 'lagging',
          '100',
          money(120 + r() * 80),
          day(from),
          day(from + (180 + Math.floor(r() * 365)) * DAY),
          r() < 0.05 ? 'dropped' : 'active',
        ];
      },
    },
    goal_measurements: {
      columns: ['id', 'owner_id', 'measurement_number', 'goal_id', 'measured_on', 'actual_value'],
      row(n) {
        const r = rng(n * 3079 + 31);
        const g = Math.floor(n / 6) % N.account_goals;
        const a = Math.min(N.accounts - 1, (Math.floor(g / 2) % KEYS) * KEY_EVERY);
        return [
          uuidOf('goal_measurements', n),
          ownerOfAccount(a),
          `MED-${n + 1}`,
          uuidOf('account_goals', g),
          day(anchorMs - (n % 6) * 45 * DAY - Math.floor(r() * 30) * DAY),
          money(100 + r() * 120),
        ];
      },
    },
    kam_survey_responses: {
      // 60 % NPS and 30 % CSAT answers of customers' contacts (half of them of key accounts), 10 % eNPS of managers.
      columns: ['id', 'survey_id', 'contact_id', 'account_id', 'user_id', 'score', 'answered_at'],
      row(n) {
        const r = rng(n * 8191 + 37);
        const kind = r();
        const at = iso(start + Math.floor(r() * (anchorMs - start)));
        if (kind < 0.1)
          return [uuidOf('kam_survey_responses', n), uuidOf('kam_surveys', 2), null, null, pick(r, users), weighted(r, NPS_SCORES), at];
        const a = r() < 0.5 ? keyAccount(r) : anyAccount(r);
        const contact = uuidOf('contacts', a + N.accounts * Math.floor(r() * Math.max(1, Math.floor(N.contacts / N.accounts))));
        const nps = kind < 0.7;
        const score = nps ? weighted(r, NPS_SCORES) : 1 + Math.min(4, Math.floor(r() * 5.5));
        return [uuidOf('kam_survey_responses', n), uuidOf('kam_surveys', nps ? 0 : 1), contact, uuidOf('accounts', a), null, score, at];
      },
    },
  };
}
const NPS_SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => [s, s >= 9 ? 18 : s >= 7 ? 12 : 3]);

/** Roles (head of sales → 4 directors → 4 teams) and the users: 4 directors and their managers, deterministic ids. */
async function ensureUsers(client, org) {
  const profile = (
    await client.query(`SELECT id FROM platform.profiles WHERE org_id = $1 ORDER BY (builtin = 'standard') DESC NULLS LAST LIMIT 1`, [
      org.id,
    ])
  ).rows[0].id;
  const role = (name, parent) => ({ id: uuidOf(`role:${org.id}`, name), name, parent });
  const head = role('Bench head of sales', null);
  const roles = [head];
  for (let d = 0; d < DIRECTORS; d++) {
    const director = role(`Bench director ${d + 1}`, head.id);
    roles.push(director, role(`Bench team ${d + 1}`, director.id));
  }
  for (const r of roles)
    await client.query(`INSERT INTO platform.roles (id, org_id, name, parent_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      r.id,
      org.id,
      r.name,
      r.parent,
    ]);
  const users = [];
  for (let u = 0; u < MANAGERS; u++) {
    const d = u % DIRECTORS;
    const isDirector = u < DIRECTORS;
    const id = uuidOf(`user:${org.id}`, u);
    users.push(id);
    await client.query(
      `INSERT INTO platform.users (id, org_id, name, role_id, profile_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [id, org.id, isDirector ? `Director ${d + 1}` : `Manager ${u + 1}`, roles[1 + d * 2 + (isDirector ? 0 : 1)].id, profile],
    );
  }
  return users;
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to the PostgreSQL database to fill (created when missing).');
  await ensureDatabase(databaseUrl);
  let client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const findOrg = async () =>
    (await client.query(`SELECT to_regclass('platform.organizations') IS NOT NULL AS ok`)).rows[0].ok
      ? (await client.query('SELECT id, schema_name FROM platform.organizations WHERE name = $1', [ORGANIZATION])).rows[0]
      : undefined;
  let org = await findOrg();
  if (!org) {
    await client.end();
    console.log('Starting the server once to migrate and set up the organization…');
    await setUpOrganization(databaseUrl, ADMIN, { dataDir: path.join(root, 'data', 'kam-bench') });
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    org = await findOrg();
  }
  const schema = org.schema_name;
  // The anchor (the day the data ends) and the scale are fixed at the first run: a resumed run makes the same rows.
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}._kam_bench (key text PRIMARY KEY, value text NOT NULL)`);
  await client.query(`INSERT INTO ${schema}._kam_bench VALUES ('anchor', $1), ('scale', $2) ON CONFLICT DO NOTHING`, [
    day(Date.now()),
    String(SCALE),
  ]);
  const meta = Object.fromEntries((await client.query(`SELECT key, value FROM ${schema}._kam_bench`)).rows.map((r) => [r.key, r.value]));
  if (Number(meta.scale) !== SCALE) throw new Error(`This database was generated with GENERATE_SCALE=${meta.scale}; use another database.`);
  const anchorMs = Date.parse(`${meta.anchor}T00:00:00Z`);
  const users = await ensureUsers(client, org);
  await client.query(
    `INSERT INTO ${schema}.kam_surveys (id, name, type, status) VALUES ($1, 'Bench NPS', 'nps', 'sent'), ($2, 'Bench CSAT', 'csat', 'sent'), ($3, 'Bench eNPS', 'enps', 'sent') ON CONFLICT DO NOTHING`,
    [uuidOf('kam_surveys', 0), uuidOf('kam_surveys', 1), uuidOf('kam_surveys', 2)],
  );
  console.log(
    `Organization ${org.id} (schema ${schema}); data up to ${meta.anchor}; ${users.length} managers; targets ${JSON.stringify(N)}`,
  );

  const tables = model(anchorMs, users);
  // Secondary indexes slow COPY down many times: keep their definitions, drop them, rebuild at the end.
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}._kam_bench_indexes (name text PRIMARY KEY, def text NOT NULL)`);
  await client.query(
    `INSERT INTO ${schema}._kam_bench_indexes (name, def)
     SELECT i.indexname, i.indexdef FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = $1::text::regnamespace JOIN pg_index x ON x.indexrelid = c.oid
     WHERE i.schemaname = $1::text AND i.tablename = ANY($2) AND NOT x.indisunique AND NOT x.indisprimary
     ON CONFLICT DO NOTHING`,
    [schema, Object.keys(tables)],
  );
  for (const { name } of (await client.query(`SELECT name FROM ${schema}._kam_bench_indexes`)).rows)
    await client.query(`DROP INDEX IF EXISTS ${schema}.${name}`);

  for (const [table, spec] of Object.entries(tables)) {
    const have = Number((await client.query(`SELECT count(*)::int AS n FROM ${schema}.${table}`)).rows[0].n);
    const want = N[table];
    if (have >= want) {
      console.log(`${table}: ${have.toLocaleString('en')} rows already`);
      continue;
    }
    const started = performance.now();
    for (let from = have; from < want; from += BATCH) {
      const to = Math.min(want, from + BATCH);
      const lines = [];
      for (let n = from; n < to; n++) lines.push(spec.row(n).map(cell).join('\t'));
      const copySql = `COPY ${schema}.${table} (${spec.columns.join(', ')}) FROM STDIN`;
      await pipeline(Readable.from([lines.join('\n') + '\n']), client.query(copyFrom(copySql)));
      process.stdout.write(
        `\r${table}: ${to.toLocaleString('en')} / ${want.toLocaleString('en')} (${Math.round((to - have) / ((performance.now() - started) / 1000)).toLocaleString('en')} rows/s)   `,
      );
    }
    process.stdout.write('\n');
  }

  console.log('Rebuilding the indexes…');
  await client.query(`SET maintenance_work_mem = '256MB'`);
  for (const { name, def } of (await client.query(`SELECT name, def FROM ${schema}._kam_bench_indexes ORDER BY name`)).rows) {
    const started = performance.now();
    await client.query(def.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
    await client.query(`DELETE FROM ${schema}._kam_bench_indexes WHERE name = $1`, [name]);
    console.log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.query(`DROP TABLE ${schema}._kam_bench_indexes`);
  // Composite indexes the catalog declares (a database generated before they were declared gets them here,
  // outside the server's start, which would build them within its plugin timeout).
  const { STANDARD_MODULES } = await import(pathToFileURL(path.join(root, 'server/dist/records/metadata/standard-catalog.js')).href);
  const { compositeIndexStatement } = await import(pathToFileURL(path.join(root, 'server/dist/records/metadata/ddl.js')).href);
  for (const module of STANDARD_MODULES)
    for (const columns of module.indexes ?? []) {
      const started = performance.now();
      await client.query(compositeIndexStatement(schema, module.apiName, columns));
      console.log(`  ${module.apiName} (${columns.join(', ')}): ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  for (const table of Object.keys(tables)) await client.query(`VACUUM ANALYZE ${schema}.${table}`);
  const size = await client.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
  console.log(`Done. Database size ${size.rows[0].size}.`);
  await client.end();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
