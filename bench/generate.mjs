#!/usr/bin/env node
/**
 * Generates a large data set for the search benchmark (CRM-6) straight into
 * one organization's tables with COPY: 1,000,000 leads, 100,000 accounts,
 * 300,000 contacts and 200,000 deals, with Spanish and English names,
 * e-mails, phones and companies. Not a test, never run in CI.
 *
 * Usage:
 *   npm run build -w server
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/clave_search_bench node bench/generate.mjs
 *
 * The database is created when missing; the built server is started once on
 * it (migrations, an organization through POST /api/v1/setup) and stopped.
 * Resumable: each module is filled up to its target, so a second run after
 * an interruption only adds what is missing (rows are deterministic by
 * number). The search indexes are dropped during the load and rebuilt at the
 * end (their definitions are kept in the org schema until then).
 * Settings: GENERATE_SCALE (default 1; 0.1 makes a tenth of every module).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { ensureDatabase, setUpOrganization } from './lib.mjs';
import { pipeline } from 'node:stream/promises';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));
const pg = require('pg');
const { from: copyFrom } = require('pg-copy-streams');

const SCALE = Number(process.env.GENERATE_SCALE || 1);
const TARGETS = { accounts: 100_000, contacts: 300_000, leads: 1_000_000, deals: 200_000 };
const BATCH = 50_000;
/** Lead statuses in realistic shares (a tenth each slot): most leads are new or being worked. */
const LEAD_STATUSES = [
  'not_contacted',
  'not_contacted',
  'not_contacted',
  'attempted',
  'attempted',
  'contacted',
  'contacted',
  'qualified',
  'unqualified',
  'future',
];
const ADMIN = {
  organization: 'Search Bench SL',
  name: 'Bench Admin',
  email: 'search-bench@example.com',
  password: 'correct horse battery 7',
};

const FIRST_ES = [
  'José',
  'María',
  'Antonio',
  'Carmen',
  'Manuel',
  'Ana',
  'Francisco',
  'Isabel',
  'David',
  'Laura',
  'Javier',
  'Lucía',
  'Daniel',
  'Marta',
  'Carlos',
  'Cristina',
  'Miguel',
  'Pilar',
  'Rafael',
  'Elena',
  'Pedro',
  'Raquel',
  'Ángel',
  'Sofía',
  'Alejandro',
  'Nuria',
  'Fernando',
  'Rocío',
  'Sergio',
  'Inés',
  'Jesús',
  'Begoña',
  'Íñigo',
  'Noelia',
  'Álvaro',
  'Concepción',
  'Ramón',
  'Montserrat',
  'Joaquín',
  'Mónica',
];
const FIRST_EN = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'William',
  'Elizabeth',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Christopher',
  'Karen',
  'Matthew',
  'Emily',
  'Andrew',
  'Olivia',
  'Joshua',
  'Hannah',
  'Kevin',
  'Megan',
  'Brian',
  'Rachel',
  'George',
  'Charlotte',
];
const LAST_ES = [
  'García',
  'Rodríguez',
  'González',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Martín',
  'Jiménez',
  'Ruiz',
  'Hernández',
  'Díaz',
  'Moreno',
  'Muñoz',
  'Álvarez',
  'Romero',
  'Alonso',
  'Gutiérrez',
  'Navarro',
  'Torres',
  'Domínguez',
  'Vázquez',
  'Ramos',
  'Gil',
  'Ramírez',
  'Serrano',
  'Blanco',
  'Molina',
  'Morales',
  'Suárez',
  'Ortega',
  'Delgado',
  'Castro',
  'Ortiz',
  'Rubio',
  'Marín',
  'Sanz',
  'Núñez',
  'Iglesias',
  'Medina',
  'Garrido',
  'Cortés',
  'Castillo',
  'Santos',
  'Lozano',
  'Guerrero',
  'Cano',
  'Prieto',
  'Méndez',
  'Cruz',
  'Calvo',
  'Gallego',
  'Vidal',
  'León',
  'Márquez',
  'Herrera',
  'Peña',
  'Flores',
  'Cabrera',
  'Campos',
  'Vega',
  'Fuentes',
  'Carrasco',
  'Diez',
  'Caballero',
  'Reyes',
  'Nieto',
  'Aguilar',
  'Pascual',
  'Santana',
  'Herrero',
  'Lorenzo',
  'Montero',
  'Hidalgo',
  'Giménez',
  'Ibáñez',
  'Ferrer',
  'Durán',
  'Santiago',
  'Benítez',
  'Mora',
  'Vicente',
  'Vargas',
  'Arias',
  'Carmona',
  'Crespo',
  'Román',
  'Pastor',
  'Soto',
  'Sáez',
  'Velasco',
  'Moya',
  'Soler',
  'Parra',
  'Esteban',
  'Bravo',
  'Gallardo',
  'Rojas',
  'Echeverría',
  'Goikoetxea',
  'Urquijo',
  'Zubizarreta',
  'Otxoa',
  'Agirre',
];
const LAST_EN = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Martin',
  'Jackson',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Hill',
  'Green',
  'Adams',
  'Baker',
  'Nelson',
  'Carter',
  'Mitchell',
  'Roberts',
  'Turner',
  'Phillips',
  'Campbell',
  'Parker',
  'Evans',
  'Edwards',
  'Collins',
  'Stewart',
  'Morris',
  'Murphy',
  'Cook',
  'Rogers',
  'Morgan',
  'Cooper',
  'Peterson',
  'Reed',
  'Bailey',
  'Bell',
  'Kelly',
  'Howard',
  'Ward',
  'Fletcher',
  'Holloway',
  'Whitaker',
  'Pemberton',
  'Ashworth',
];
const COMPANY_A = [
  'Aceros',
  'Conservas',
  'Transportes',
  'Talleres',
  'Construcciones',
  'Distribuciones',
  'Laboratorios',
  'Muebles',
  'Vinos',
  'Aceites',
  'Textiles',
  'Hoteles',
  'Consultores',
  'Ingeniería',
  'Logística',
  'Northern',
  'Pacific',
  'Summit',
  'Bright',
  'Atlas',
  'Evergreen',
  'Pioneer',
  'Keystone',
  'Harbor',
  'Silverline',
  'Redwood',
  'Bluewater',
  'Ironbridge',
  'Golden',
  'Crescent',
];
const COMPANY_B = [
  'del Norte',
  'Ibéricos',
  'Levante',
  'Cantábrico',
  'Galicia',
  'Andaluces',
  'Castellanos',
  'del Sur',
  'Mediterráneo',
  'Rioja',
  'Navarra',
  'Canarias',
  'Systems',
  'Foods',
  'Logistics',
  'Partners',
  'Industries',
  'Labs',
  'Energy',
  'Holdings',
  'Software',
  'Analytics',
  'Dynamics',
  'Solutions',
  'Networks',
  'Capital',
  'Health',
  'Retail',
  'Motors',
  'Media',
];
const COMPANY_C = [' SA', ' SL', ' SLU', ' Inc.', ' Ltd', ' LLC', ' Group', '', ' & Co', ' Cooperativa'];
const DOMAINS = ['gmail.com', 'hotmail.es', 'yahoo.es', 'outlook.com', 'telefonica.net', 'icloud.com', 'proton.me'];
const CITIES = [
  'Madrid',
  'Barcelona',
  'Valencia',
  'Sevilla',
  'Zaragoza',
  'Málaga',
  'Bilbao',
  'Vigo',
  'A Coruña',
  'Valladolid',
  'London',
  'Manchester',
  'New York',
  'Boston',
  'Chicago',
  'Austin',
  'Dublin',
  'Toronto',
];
const STAGES = ['qualification', 'needs_analysis', 'value_proposition', 'proposal', 'negotiation', 'closed_won', 'closed_lost'];

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
const ascii = (text) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
/** A UUID (v4 layout) from the module and row number: resumed runs make the same ids. */
const uuidOf = (module, n) => {
  const h = crypto.createHash('md5').update(`${module}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function person(module, n) {
  const r = rng(n * 7919 + module.length);
  const spanish = r() < 0.7;
  const first = pick(r, spanish ? FIRST_ES : FIRST_EN);
  const last = spanish ? `${pick(r, LAST_ES)} ${pick(r, LAST_ES)}` : pick(r, LAST_EN);
  const email = `${ascii(first)}.${ascii(last.split(' ')[0])}${n % 1000}@${pick(r, DOMAINS)}`;
  const phone = spanish
    ? `+34 6${String(Math.floor(r() * 100)).padStart(2, '0')} ${String(Math.floor(r() * 1000)).padStart(3, '0')} ${String(Math.floor(r() * 1000)).padStart(3, '0')}`
    : `+1 (${200 + Math.floor(r() * 700)}) 555-${String(Math.floor(r() * 10000)).padStart(4, '0')}`;
  return { r, first, last, email, phone, city: pick(r, CITIES) };
}
const company = (r) => `${pick(r, COMPANY_A)} ${pick(r, COMPANY_B)}${pick(r, COMPANY_C)}`;

/** COPY text format: tabs, newlines and backslashes escaped; null as \N. */
const cell = (value) =>
  value === null || value === undefined
    ? '\\N'
    : String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);

const MODULES = {
  accounts: {
    columns: ['id', 'owner_id', 'name', 'account_number', 'phone', 'website', 'city'],
    row(n, owner) {
      const r = rng(n * 104729 + 3);
      const name = `${company(r)} ${n}`;
      return [
        uuidOf('accounts', n),
        owner,
        name,
        `CU-${String(n).padStart(6, '0')}`,
        `+34 9${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
        `https://www.${ascii(name)}.example`,
        pick(r, CITIES),
      ];
    },
  },
  contacts: {
    columns: ['id', 'owner_id', 'first_name', 'last_name', 'email', 'phone', 'account_id', 'city'],
    row(n, owner, target) {
      const p = person('contacts', n);
      return [uuidOf('contacts', n), owner, p.first, p.last, p.email, p.phone, uuidOf('accounts', n % target.accounts), p.city];
    },
  },
  leads: {
    columns: [
      'id',
      'owner_id',
      'first_name',
      'last_name',
      'company',
      'email',
      'phone',
      'city',
      'lead_status',
      'is_converted',
      'email_opt_out',
    ],
    row(n, owner) {
      const p = person('leads', n);
      return [uuidOf('leads', n), owner, p.first, p.last, company(p.r), p.email, p.phone, p.city, LEAD_STATUSES[n % 10], 'f', 'f'];
    },
  },
  deals: {
    columns: ['id', 'owner_id', 'name', 'account_id', 'amount', 'stage', 'close_date'],
    row(n, owner, target) {
      const r = rng(n * 15485863 + 11);
      const stage = pick(r, STAGES);
      const date = new Date(Date.UTC(2025, 0, 1) + Math.floor(r() * 900) * 86_400_000).toISOString().slice(0, 10);
      return [
        uuidOf('deals', n),
        owner,
        `${pick(r, ['Renovación', 'Ampliación', 'Proyecto', 'Renewal', 'Expansion', 'Pilot'])} ${company(r)} ${n}`,
        uuidOf('accounts', n % target.accounts),
        (Math.floor(r() * 5_000_000) / 100).toFixed(2),
        stage,
        date,
      ];
    },
  },
};

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to the PostgreSQL database to fill (created when missing).');
  await ensureDatabase(databaseUrl);
  let client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const hasOrg = await client.query(`SELECT to_regclass('platform.organizations') IS NOT NULL AS ok`);
  let org = hasOrg.rows[0].ok
    ? (await client.query('SELECT id, schema_name FROM platform.organizations WHERE name = $1', [ADMIN.organization])).rows[0]
    : undefined;
  if (!org) {
    await client.end();
    console.log('Starting the server once to migrate and set up the organization…');
    await setUpOrganization(databaseUrl, ADMIN, { dataDir: path.join(root, 'data', 'search-bench') });
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    org = (await client.query('SELECT id, schema_name FROM platform.organizations WHERE name = $1', [ADMIN.organization])).rows[0];
  }
  const schema = org.schema_name;
  const owner = (await client.query('SELECT id FROM platform.users WHERE org_id = $1 ORDER BY created_at LIMIT 1', [org.id])).rows[0].id;
  const target = Object.fromEntries(Object.entries(TARGETS).map(([m, n]) => [m, Math.round(n * SCALE)]));
  console.log(`Organization ${org.id} (schema ${schema}); targets ${JSON.stringify(target)}`);

  // Search indexes slow COPY down many times: keep their definitions, drop them, rebuild at the end.
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}._bench_indexes (name text PRIMARY KEY, def text NOT NULL)`);
  await client.query(
    `INSERT INTO ${schema}._bench_indexes (name, def) SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = ANY($2) AND indexname LIKE '%\\_\\_search\\_%' ON CONFLICT DO NOTHING`,
    [schema, Object.keys(MODULES)],
  );
  for (const { name } of (await client.query(`SELECT name FROM ${schema}._bench_indexes`)).rows)
    await client.query(`DROP INDEX IF EXISTS ${schema}.${name}`);

  for (const [module, spec] of Object.entries(MODULES)) {
    const have = Number((await client.query(`SELECT count(*)::int AS n FROM ${schema}.${module}`)).rows[0].n);
    const want = target[module];
    if (have >= want) {
      console.log(`${module}: ${have.toLocaleString('en')} rows already`);
      continue;
    }
    const started = performance.now();
    for (let start = have; start < want; start += BATCH) {
      const end = Math.min(want, start + BATCH);
      const lines = [];
      for (let n = start; n < end; n++) lines.push(spec.row(n, owner, target).map(cell).join('\t'));
      const data = lines.join('\n') + '\n';
      const copySql = `COPY ${schema}.${module} (${spec.columns.join(', ')}) FROM STDIN`;
      await pipeline(Readable.from([data]), client.query(copyFrom(copySql)));
      process.stdout.write(
        `\r${module}: ${end.toLocaleString('en')} / ${want.toLocaleString('en')} (${Math.round((end - have) / ((performance.now() - started) / 1000)).toLocaleString('en')} rows/s)   `,
      );
    }
    process.stdout.write('\n');
  }

  console.log('Rebuilding the search indexes…');
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const { name, def } of (await client.query(`SELECT name, def FROM ${schema}._bench_indexes ORDER BY name`)).rows) {
    const started = performance.now();
    await client.query(def.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
    await client.query(`DELETE FROM ${schema}._bench_indexes WHERE name = $1`, [name]);
    console.log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.query(`DROP TABLE ${schema}._bench_indexes`);
  for (const module of Object.keys(MODULES)) await client.query(`ANALYZE ${schema}.${module}`);
  const sizes = await client.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
  console.log(`Done. Database size ${sizes.rows[0].size}.`);
  await client.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
