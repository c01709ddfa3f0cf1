import { sql } from 'kysely';
import type { App } from '../../app.js';
import { quoteIdent } from '../../records/index.js';
import { hashPassword } from '../../platform/auth/password.js';
import { createOrganization, normalizeEmail } from '../../platform/orgs/organization.service.js';
import { newId, randomSecret, sha256 } from '../../platform/ids.js';
import { addDays, addMonths, localDate, startOfDay } from '../../platform/orgs/periods.js';

/**
 * Demo data (issue 4, `npm run demo`): a year of key-account activity in one organization, written through
 * the real API in-process (`app.inject`): the records service with its checks, behaviours, events, touchpoint
 * sync and timelines, lead conversion, surveys and KAM settings. A simulated clock (`clock.set`) stands in for
 * "now" while history is written, so cases get their SLA from the day they were opened and conversions their
 * day. Everything comes from one seeded random generator: the same seed and day give the same data.
 */

export const DEMO_EMAIL = 'demo@clave.example';
export const DEMO_ORG_NAME = 'Demo KAM S.L.';
/** Account numbers of demo accounts start with this: the guard against a second run looks for it. */
const MARK = 'DEMO-';

export interface DemoClock {
  now(): Date;
  set(at: Date | null): void;
}

/** A clock for `buildApp({ now })`: the real time until `set` fixes one (null returns to real time). */
export function createDemoClock(): DemoClock {
  let fixed: Date | null = null;
  return { now: () => (fixed ? new Date(fixed) : new Date()), set: (at) => (fixed = at) };
}

export interface DemoOptions {
  /** Fill this organization (its first administrator acts) instead of creating "Demo KAM S.L.". */
  orgId?: string;
  /** Run even when the organization already has demo data. */
  force?: boolean;
  seed?: number;
  /** The password of the demo users (a random one when absent). */
  password?: string;
  log?: (line: string) => void;
}

export interface DemoSummary {
  orgId: string;
  organization: string;
  /** The administrator's e-mail when the demo made the organization. */
  email: string | null;
  /** The password of the demo users (and of the administrator the demo made). */
  password: string;
  /** The KAM director first, then the account managers. */
  managers: string[];
  counts: Record<string, number>;
  seconds: number;
}

export class DemoRefusedError extends Error {}

/** mulberry32: a small seeded generator, enough for demo data. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chance = (p: number) => next() < p;
  const weighted = <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries.at(-1)![0];
  };
  return { next, int, pick, chance, weighted };
}

const FIRST_NAMES = [
  'Ana',
  'Carlos',
  'Lucía',
  'Javier',
  'Marta',
  'Pablo',
  'Elena',
  'Sergio',
  'Laura',
  'David',
  'Carmen',
  'Jorge',
  'Isabel',
  'Raúl',
  'Nuria',
  'Álvaro',
  'Beatriz',
  'Iñaki',
  'Rocío',
  'Miguel',
  'Silvia',
  'Andrés',
  'Irene',
  'Óscar',
  'Paula',
  'Héctor',
  'Cristina',
  'Tomás',
  'Alba',
  'Víctor',
];
const LAST_NAMES = [
  'García',
  'Martínez',
  'López',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Fernández',
  'Ruiz',
  'Díaz',
  'Moreno',
  'Álvarez',
  'Romero',
  'Navarro',
  'Torres',
  'Domínguez',
  'Vázquez',
  'Ramos',
  'Gil',
  'Serrano',
  'Molina',
  'Blanco',
  'Suárez',
  'Castro',
  'Ortega',
  'Rubio',
  'Marín',
  'Sanz',
  'Iglesias',
  'Medina',
  'Garrido',
];
const COMPANY_HEADS = [
  'Aceros',
  'Logística',
  'Conservas',
  'Farmacéutica',
  'Energías',
  'Transportes',
  'Construcciones',
  'Alimentación',
  'Textil',
  'Ingeniería',
  'Papelera',
  'Vinos',
  'Químicas',
  'Cerámicas',
  'Componentes',
  'Hoteles',
  'Seguros',
  'Maderas',
  'Plásticos',
  'Envases',
];
const COMPANY_TAILS = [
  'del Norte',
  'Ibérica',
  'Mediterránea',
  'del Cantábrico',
  'Levante',
  'Atlántica',
  'Castellana',
  'del Sur',
  'Galaica',
  'Balear',
  'Aragonesa',
  'Riojana',
];
const INDUSTRIES = [
  'manufacturing',
  'technology',
  'healthcare',
  'retail',
  'finance',
  'energy',
  'logistics',
  'food_beverage',
  'construction',
  'hospitality',
];
const TITLES: Record<string, string> = {
  decision_maker: 'Director general',
  champion: 'Director de operaciones',
  influencer: 'Responsable de compras',
  user: 'Técnico de planta',
  blocker: 'Director financiero',
};
const GOALS = [
  ['Reducir el tiempo de entrega', 'días', 'lagging', 12, 7],
  ['Reducir roturas en transporte', '%', 'lagging', 4, 1.5],
  ['Aumentar la disponibilidad de línea', '%', 'lagging', 91, 97],
  ['Usuarios activos en el portal', 'usuarios', 'leading', 20, 80],
  ['Pedidos por EDI', '%', 'leading', 30, 75],
  ['Reducir el coste por unidad', '€', 'lagging', 3.2, 2.6],
] as const;

type Values = Record<string, unknown>;

/** Fills an organization with the demo year; answers what it made. Throws DemoRefusedError when it already has demo data. */
export async function seedDemo(app: App, clock: DemoClock, options: DemoOptions = {}): Promise<DemoSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const db = app.ctx.database.db;
  const rnd = random(options.seed ?? 4_2026);
  const counts: Record<string, number> = {};
  const managerEmails: string[] = [];
  const count = (what: string, n: number) => (counts[what] = (counts[what] ?? 0) + n);

  // ── The organization and who acts in it ────────────────────────────────────
  const password = options.password ?? randomSecret(9);
  const passwordHash = await hashPassword(password);
  let orgId = options.orgId;
  let adminId: string;
  let createdOrg = false;
  if (!orgId) {
    const existing = await db
      .selectFrom('platform.user_emails as e')
      .innerJoin('platform.users as u', 'u.id', 'e.user_id')
      .select(['u.org_id', 'u.id'])
      .where('e.email', '=', normalizeEmail(DEMO_EMAIL))
      .executeTakeFirst();
    if (existing) orgId = existing.org_id;
  }
  if (!orgId) {
    const created = await app.ctx.database.transaction('demo.org', (trx) =>
      createOrganization(trx, { organization: DEMO_ORG_NAME, name: 'Ana Demo', email: DEMO_EMAIL, passwordHash }),
    );
    orgId = created.orgId;
    adminId = created.userId;
    createdOrg = true;
    await db.updateTable('platform.user_emails').set({ verified_at: new Date() }).where('user_id', '=', adminId).execute();
  } else {
    const admin = await db
      .selectFrom('platform.users as u')
      .innerJoin('platform.profiles as p', 'p.id', 'u.profile_id')
      .select('u.id')
      .where('u.org_id', '=', orgId)
      .where('u.active', '=', true)
      .where('p.builtin', '=', 'administrator')
      .orderBy('u.created_at')
      .executeTakeFirst();
    if (!admin) throw new DemoRefusedError(`The organization ${orgId} does not exist or has no active administrator.`);
    adminId = admin.id;
  }
  const org = await db.selectFrom('platform.organizations').select(['name', 'time_zone']).where('id', '=', orgId).executeTakeFirstOrThrow();
  const timeZone = org.time_zone;

  // A short-lived API token of the administrator: every write goes through the API.
  const token = `clv_${randomSecret(32)}`;
  const tokenId = newId();
  await db
    .insertInto('platform.api_tokens')
    .values({
      id: tokenId,
      user_id: adminId,
      name: 'demo data',
      token_hash: sha256(token),
      prefix: token.slice(0, 10),
      created_at: new Date(),
    })
    .execute();

  const call = async <T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown): Promise<T> => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
    return (response.body ? JSON.parse(response.body) : undefined) as T;
  };
  const bulk = async (module: string, records: Values[]): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < records.length; i += 500) {
      const chunk = records.slice(i, i + 500);
      const answer = await call<{ data: Array<{ status: string; id?: string; errors?: unknown }> }>(
        'POST',
        `/records/${module}/bulk?allowDuplicates=true`,
        { mode: 'create', records: chunk },
      );
      for (const [index, result] of answer.data.entries()) {
        if (!result.id) throw new Error(`Demo ${module} #${i + index}: ${JSON.stringify(result.errors)}`);
        ids.push(result.id);
      }
    }
    count(module, records.length);
    return ids;
  };
  const update = async (module: string, records: Values[]) => {
    for (let i = 0; i < records.length; i += 500) {
      const answer = await call<{ data: Array<{ status: string; errors?: unknown }> }>('POST', `/records/${module}/bulk`, {
        mode: 'update',
        records: records.slice(i, i + 500),
      });
      const failed = answer.data.find((result) => result.status === 'error');
      if (failed) throw new Error(`Demo ${module} update: ${JSON.stringify(failed.errors)}`);
    }
  };
  const drainEvents = async () => {
    while ((await app.ctx.events.drain()) > 0);
  };

  try {
    // ── The guard: one demo per organization unless --force ─────────────────
    const marked = await call<{ data: unknown[] }>('POST', '/records/accounts/query', {
      filter: { field: 'account_number', op: 'starts_with', value: MARK },
      limit: 1,
      fields: ['name'],
    });
    if (marked.data.length > 0 && !options.force) {
      throw new DemoRefusedError(`${org.name} already has demo data. Run again with --force to add another set.`);
    }
    const run = createdOrg ? '' : `${Date.now().toString(36).slice(-4).toUpperCase()}-`;

    const today = localDate(clock.now(), timeZone);
    const start = addDays(today, -365);
    /** An instant on a local day at an hour (the organization's time zone). */
    const at = (day: string, hour = 10, minute = 0) => new Date(startOfDay(day, timeZone).getTime() + (hour * 60 + minute) * 60_000);
    const dayIn = (from: string, to: string) => {
      const span = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000));
      return addDays(from, rnd.int(0, span));
    };
    const workHour = () => rnd.int(9, 17);
    const personName = () => [rnd.pick(FIRST_NAMES), rnd.pick(LAST_NAMES)] as const;
    const slug = (text: string) =>
      text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '');

    clock.set(at(addDays(start, -30), 9));

    // ── People: a KAM director and four account managers in a role hierarchy ─
    log('Users and roles…');
    const roles = await call<{ data: Array<{ id: string; name: string; parentId: string | null }> }>('GET', '/roles');
    const top = roles.data.find((role) => role.parentId === null) ?? null;
    const directorRole = await call<{ id: string }>('POST', '/roles', {
      name: `${run}Dirección KAM`,
      ...(top ? { parentId: top.id } : {}),
    });
    const managerRole = await call<{ id: string }>('POST', '/roles', {
      name: `${run}Gestores de cuentas clave`,
      parentId: directorRole.id,
    });
    const standard = await db
      .selectFrom('platform.profiles')
      .select('id')
      .where('org_id', '=', orgId)
      .where('builtin', '=', 'standard')
      .executeTakeFirstOrThrow();
    const people = [
      { name: 'Lucía Ferrer', role: directorRole.id },
      { name: 'Javier Ortega', role: managerRole.id },
      { name: 'Marta Vidal', role: managerRole.id },
      { name: 'Sergio Navarro', role: managerRole.id },
      { name: 'Elena Castro', role: managerRole.id },
    ];
    const users: string[] = [];
    await app.ctx.database.transaction('demo.users', async (trx) => {
      for (const person of people) {
        const id = newId();
        users.push(id);
        await trx
          .insertInto('platform.users')
          .values({
            id,
            org_id: orgId,
            name: person.name,
            password_hash: passwordHash,
            role_id: person.role,
            profile_id: standard.id,
            active: true,
            language: null,
            time_zone: null,
            totp_secret: null,
            totp_enabled: false,
          })
          .execute();
        const email = `${run.toLowerCase()}${slug(person.name.split(' ')[0]!)}.${slug(person.name.split(' ')[1]!)}@clave.example`;
        await trx
          .insertInto('platform.user_emails')
          .values({ id: newId(), user_id: id, email, is_primary: true, verified_at: new Date() })
          .execute();
        managerEmails.push(email);
      }
    });
    count('users', users.length);
    const [director, ...managers] = users as [string, ...string[]];

    // ── KAM settings: cadence per tier, targets ─────────────────────────────
    await call('PUT', '/kam/settings', {
      acquisitionCost: '4500.00',
      cadenceDays: { strategic: 14, key: 30, growth: 45, maintain: 60 },
      targets: {
        nps: 40,
        csat: 0.85,
        churn_rate: 0.05,
        revenue_churn: 0.05,
        renewal_rate: 0.85,
        upsell_rate: 0.5,
        cross_sell_rate: 0.35,
        sla_compliance: 0.9,
        nrr: 1.05,
        grr: 0.9,
        days_since_last_touch: 30,
        resolution_time_hours: 16,
        referenceable_rate: 0.5,
        acquisition_rate: 0.2,
        outcomes_on_track: 0.7,
        referral_revenue_share: 0.2,
      },
    });

    // ── Accounts: 15 key (4 strategic), 25 other customers, 20 prospects ───
    log('Accounts and contacts…');
    const used = new Set<string>();
    const companyName = () => {
      for (;;) {
        const name = `${rnd.pick(COMPANY_HEADS)} ${rnd.pick(COMPANY_TAILS)} ${rnd.pick(['S.L.', 'S.A.'])}`;
        if (!used.has(name)) {
          used.add(name);
          return name;
        }
      }
    };
    interface Account {
      id: string;
      name: string;
      kind: 'strategic' | 'key' | 'customer' | 'prospect';
      owner: string;
      domain: string;
      contacts: Array<{ id: string; role: string | null }>;
    }
    const accountRows: Array<Omit<Account, 'id' | 'contacts'> & { values: Values }> = [];
    for (let i = 0; i < 60; i++) {
      const kind = i < 4 ? 'strategic' : i < 15 ? 'key' : i < 40 ? 'customer' : 'prospect';
      const name = companyName();
      const owner = i === 0 || i === 1 ? director : managers[i % managers.length]!;
      const domain = `${slug(name.split(' ').slice(0, 2).join(''))}.example`;
      accountRows.push({
        name,
        kind,
        owner,
        domain,
        values: {
          name,
          account_number: `${MARK}${run}${String(i + 1).padStart(4, '0')}`,
          account_type: kind === 'prospect' ? 'prospect' : 'customer',
          industry: rnd.pick(INDUSTRIES),
          website: `https://www.${domain}`,
          employees: kind === 'strategic' ? rnd.int(800, 5000) : kind === 'key' ? rnd.int(200, 1500) : rnd.int(15, 300),
          is_key_account: kind === 'strategic' || kind === 'key',
          tier: kind === 'strategic' ? 'strategic' : kind === 'key' ? 'key' : kind === 'customer' ? (i % 2 ? 'growth' : 'maintain') : null,
          owner_id: owner,
          city: rnd.pick(['Madrid', 'Barcelona', 'Valencia', 'Bilbao', 'Sevilla', 'Zaragoza', 'Vigo', 'Málaga']),
          country: 'ES',
        },
      });
    }
    const accountIds = await bulk(
      'accounts',
      accountRows.map((row) => row.values),
    );
    const accounts: Account[] = accountRows.map((row, i) => ({ ...row, id: accountIds[i]!, contacts: [] }));
    const keyAccounts = accounts.filter((a) => a.kind === 'strategic' || a.kind === 'key');
    const customers = accounts.filter((a) => a.kind !== 'prospect');
    const prospects = accounts.filter((a) => a.kind === 'prospect');

    // ── Contacts with their buying roles (some maps have gaps) ───────────────
    const contactRows: Values[] = [];
    const contactOwners: Array<{ account: Account; role: string | null }> = [];
    accounts.forEach((account, i) => {
      const isKey = account.kind === 'strategic' || account.kind === 'key';
      const roles: Array<string | null> = isKey
        ? ['decision_maker', 'champion', 'influencer', 'user', 'blocker'].filter(
            (role) =>
              !(role === 'champion' && i % 5 === 3) && !(role === 'decision_maker' && i % 7 === 2) && !(role === 'blocker' && i % 2),
          )
        : account.kind === 'customer'
          ? ['decision_maker', null]
          : [null];
      for (const role of roles) {
        const [first, last] = personName();
        contactRows.push({
          first_name: first,
          last_name: last,
          account_id: account.id,
          email: `${slug(first)}.${slug(last)}@${account.domain}`,
          phone: `+34 6${rnd.int(10, 99)} ${rnd.int(100, 999)} ${rnd.int(100, 999)}`,
          title: role ? TITLES[role] : rnd.pick(['Administración', 'Compras', 'Calidad']),
          buying_role: role,
          influence:
            role === 'decision_maker' || role === 'blocker'
              ? 'high'
              : role === 'champion'
                ? rnd.pick(['high', 'medium'])
                : role
                  ? 'medium'
                  : null,
          sentiment:
            role === 'blocker'
              ? 'negative'
              : role
                ? rnd.weighted([
                    ['positive', 5],
                    ['neutral', 3],
                    ['negative', 1],
                  ] as const)
                : null,
          willing_reference: role === 'champion' && i % 3 !== 1,
          owner_id: account.owner,
        });
        contactOwners.push({ account, role });
      }
    });
    const contactIds = await bulk('contacts', contactRows);
    contactIds.forEach((id, i) => contactOwners[i]!.account.contacts.push({ id, role: contactOwners[i]!.role }));

    // ── Contracts: a first year, renewed (most), let expire, or cancelled ───
    log('Contracts and deals…');
    interface Contract {
      account: Account;
      start: string;
      end: string;
      value: number;
      fate: 'renewed' | 'expired' | 'cancelled' | 'running';
    }
    const firstContracts: Contract[] = customers.map((account) => {
      const startDay = addMonths(today, -rnd.int(13, 22)).slice(0, 8) + '01';
      const value =
        account.kind === 'strategic' ? rnd.int(250, 600) * 1000 : account.kind === 'key' ? rnd.int(80, 250) * 1000 : rnd.int(10, 60) * 1000;
      const end = addDays(addMonths(startDay, 12), -1);
      const fate =
        end >= today
          ? 'running'
          : rnd.weighted([
              ['renewed', 78],
              ['expired', 12],
              ['cancelled', 10],
            ] as const);
      return { account, start: startDay, end, value, fate };
    });
    const contractValues = (contract: Contract, extra: Values): Values => ({
      name: `Servicio anual ${contract.account.name} ${contract.start.slice(0, 4)}`,
      account_id: contract.account.id,
      start_date: contract.start,
      end_date: contract.end,
      value: contract.value.toFixed(2),
      sow_value: Math.round(contract.value * (0.8 + rnd.next() * 0.4)).toFixed(2),
      currency: 'EUR',
      owner_id: contract.account.owner,
      ...extra,
    });
    const firstIds = await bulk(
      'contracts',
      firstContracts.map((contract) => {
        if (contract.fate === 'renewed') return contractValues(contract, { status: 'renewed' });
        if (contract.fate === 'expired') return contractValues(contract, { status: 'expired' });
        if (contract.fate === 'cancelled')
          return contractValues(contract, { status: 'cancelled', cancelled_at: addDays(contract.end, -rnd.int(20, 120)) });
        return contractValues(contract, { status: 'active' });
      }),
    );
    const renewals: Array<Contract & { renews: string }> = [];
    firstContracts.forEach((contract, i) => {
      if (contract.fate !== 'renewed') return;
      const startDay = addDays(contract.end, 1);
      renewals.push({
        account: contract.account,
        start: startDay,
        end: addDays(addMonths(startDay, 12), -1),
        value: Math.round(contract.value * (0.95 + rnd.next() * 0.3)),
        fate: 'running',
        renews: firstIds[i]!,
      });
    });
    // Two renewed customers cancel during the year; the rest run (some end within the next 90 days).
    await bulk(
      'contracts',
      renewals.map((contract, i) =>
        i % 11 === 5 && contract.start < addDays(today, -60)
          ? contractValues(contract, {
              status: 'cancelled',
              renews_contract_id: contract.renews,
              cancelled_at: dayIn(addDays(contract.start, 30), addDays(today, -5)),
            })
          : contractValues(contract, { status: 'active', renews_contract_id: contract.renews, renewal_date: addDays(contract.end, -60) }),
      ),
    );

    // ── Deals over the 12 months ─────────────────────────────────────────────
    const dealRows: Values[] = [];
    const closedDeal = (day: string, won: boolean | null): Values => {
      if (won === null)
        return {
          stage: rnd.pick(['needs_analysis', 'value_proposition', 'proposal', 'negotiation']),
          close_date: addDays(today, rnd.int(10, 90)),
        };
      return {
        stage: won ? 'closed_won' : 'closed_lost',
        close_date: day,
        closed_at: at(day, workHour()).toISOString(),
        ...(won ? {} : { loss_reason: rnd.pick(['Precio', 'Plazo', 'Eligió a la competencia', 'Sin presupuesto']) }),
      };
    };
    const deal = (account: Account, type: string, amount: number, day: string, won: boolean | null, source = 'other'): Values => ({
      name: `${account.name.split(' ').slice(0, 2).join(' ')} — ${{ new_business: 'Nuevo proyecto', upsell: 'Ampliación', cross_sell: 'Nuevo servicio', renewal: 'Renovación' }[type]}`,
      account_id: account.id,
      contact_id: account.contacts.find((c) => c.role === 'decision_maker')?.id ?? account.contacts[0]?.id ?? null,
      amount: amount.toFixed(2),
      currency: 'EUR',
      deal_type: type,
      lead_source: source,
      owner_id: account.owner,
      ...closedDeal(day, won),
    });
    for (const account of customers) {
      const isKey = account.kind !== 'customer';
      const base = firstContracts.find((c) => c.account === account)!.value;
      for (let n = isKey ? rnd.int(2, 4) : rnd.int(0, 1); n > 0; n--) {
        const day = dayIn(start, addDays(today, 30));
        const won =
          day > today
            ? null
            : rnd.weighted([
                [true, 55],
                [false, 35],
                [null, 10],
              ] as const);
        dealRows.push(deal(account, 'upsell', Math.round(base * (0.05 + rnd.next() * 0.25)), day > today ? today : day, won));
      }
      for (let n = isKey ? rnd.int(1, 2) : rnd.int(0, 1); n > 0; n--) {
        const day = dayIn(start, today);
        dealRows.push(
          deal(
            account,
            'cross_sell',
            Math.round(base * (0.05 + rnd.next() * 0.2)),
            day,
            rnd.weighted([
              [true, 40],
              [false, 45],
              [null, 15],
            ] as const),
          ),
        );
      }
    }
    firstContracts.forEach((contract) => {
      if (contract.end < start || contract.end > addDays(today, 20)) return;
      const day = addDays(contract.end, -rnd.int(10, 40));
      if (day > today) return;
      const won = contract.fate === 'renewed' ? true : contract.fate === 'running' ? null : false;
      dealRows.push(deal(contract.account, 'renewal', contract.value, day, won));
    });
    for (const account of [...prospects, ...customers.filter((a) => a.kind === 'customer').slice(0, 10)]) {
      const day = dayIn(start, today);
      const source = rnd.weighted([
        ['customer_referral', 3],
        ['employee_referral', 1],
        ['partner', 2],
        ['web', 3],
        ['trade_show', 2],
        ['cold_call', 2],
      ] as const);
      const won = rnd.weighted([
        [true, source.endsWith('referral') ? 55 : 30],
        [false, 50],
        [null, 20],
      ] as const);
      dealRows.push(deal(account, 'new_business', rnd.int(15, 120) * 1000, day, won, source));
    }
    await bulk('deals', dealRows);

    // ── Cases with their SLA (the clock stands on the day each was opened) ──
    log('Cases…');
    const caseSubjects = [
      'Retraso en la entrega',
      'Error en la factura',
      'Incidencia en el portal',
      'Pedido incompleto',
      'Consulta técnica',
      'Producto dañado',
      'Cambio de dirección de envío',
    ];
    const resolved: Values[] = [];
    const caseContacts: Array<{ contact: string; day: string }> = [];
    for (const account of customers) {
      for (let n = account.kind === 'customer' ? rnd.int(0, 3) : rnd.int(4, 9); n > 0; n--) {
        const day = dayIn(start, addDays(today, -1));
        const opened = at(day, workHour(), rnd.int(0, 59));
        clock.set(opened);
        const priority = rnd.weighted([
          ['low', 2],
          ['medium', 5],
          ['high', 3],
          ['urgent', 1],
        ] as const);
        const contact = rnd.pick(account.contacts);
        const created = await call<{ data: { id: string; sla_due_at: string | null } }>('POST', '/records/cases', {
          subject: rnd.pick(caseSubjects),
          account_id: account.id,
          contact_id: contact?.id ?? null,
          priority,
          status: 'open',
          origin: rnd.pick(['email', 'phone', 'web', 'whatsapp']),
          owner_id: account.owner,
        });
        count('cases', 1);
        if (rnd.chance(0.12) && day > addDays(today, -20)) continue; // still open
        const due = created.data.sla_due_at ? Date.parse(created.data.sla_due_at) : opened.getTime() + 24 * 3600_000;
        const late = rnd.chance(0.15);
        const resolvedAt = late
          ? due + rnd.int(2, 40) * 3600_000
          : opened.getTime() + Math.max(0.25, rnd.next() * 0.9) * (due - opened.getTime());
        if (resolvedAt > Date.now()) continue;
        resolved.push({
          id: created.data.id,
          status: 'resolved',
          resolved_at: new Date(resolvedAt).toISOString(),
          resolution: 'Resuelto con el cliente.',
        });
        if (contact) caseContacts.push({ contact: contact.id, day: localDate(new Date(resolvedAt), timeZone) });
      }
    }
    clock.set(at(today, 8));
    await update('cases', resolved);

    // ── Calls and meetings with key accounts (→ touchpoints by the sync) ─────
    log('Calls and meetings…');
    const callRows: Values[] = [];
    const meetingRows: Values[] = [];
    for (const [i, account] of customers.entries()) {
      const every = account.kind === 'strategic' ? 10 : account.kind === 'key' ? 20 : 45;
      // A few accounts go quiet in the last two months: the cockpit shows their gap.
      const lastDay = i % 6 === 4 ? addDays(today, -rnd.int(40, 75)) : addDays(today, -rnd.int(0, 6));
      for (let day = addDays(start, rnd.int(0, every)); day <= lastDay; day = addDays(day, Math.max(2, every + rnd.int(-5, 5)))) {
        const contact = rnd.pick(account.contacts);
        const startAt = at(day, workHour(), rnd.pick([0, 15, 30, 45]));
        if (rnd.chance(0.35)) {
          meetingRows.push({
            title: rnd.pick(['Revisión trimestral', 'Visita a planta', 'Reunión de seguimiento', 'Presentación de novedades']),
            start_at: startAt.toISOString(),
            end_at: new Date(startAt.getTime() + rnd.pick([45, 60, 90, 120]) * 60_000).toISOString(),
            related_module: 'accounts',
            related_id: account.id,
            contact_id: contact?.id ?? null,
            location: account.name,
            owner_id: account.owner,
          });
        } else {
          const type = rnd.weighted([
            ['outbound', 6],
            ['inbound', 3],
            ['missed', 1],
          ] as const);
          callRows.push({
            subject: type === 'inbound' ? 'Llamada del cliente' : 'Seguimiento telefónico',
            call_type: type,
            start_at: startAt.toISOString(),
            duration_seconds: type === 'missed' ? 0 : rnd.int(120, 1800),
            related_module: 'accounts',
            related_id: account.id,
            contact_id: contact?.id ?? null,
            owner_id: account.owner,
          });
        }
      }
    }
    await bulk('calls', callRows);
    await bulk('meetings', meetingRows);
    await drainEvents();

    // ── Leads: touchpoints by channel, conversions that peak and then fall ──
    log('Leads, their touchpoints and conversions…');
    const CONVERSION = [0, 0.06, 0.12, 0.2, 0.3, 0.38, 0.42, 0.35, 0.26, 0.18, 0.12, 0.1, 0.08];
    const leadPlans: Array<{ values: Values; touches: Values[]; convertOn: string | null; prospect: Account }> = [];
    for (let i = 0; i < 320; i++) {
      const [first, last] = personName();
      const channel = rnd.weighted([
        ['cold_call', 30],
        ['email', 28],
        ['event', 10],
        ['social', 10],
        ['phone', 12],
        ['video', 10],
      ] as const);
      const touches = rnd.weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => [n, n <= 6 ? 10 : 14 - n] as const));
      const firstDay = dayIn(start, addDays(today, -15));
      const owner = rnd.pick(managers);
      const prospect = prospects[i % prospects.length]!;
      const referred = rnd.chance(0.08);
      const plan: (typeof leadPlans)[number] = {
        prospect,
        convertOn: null,
        touches: [],
        values: {
          first_name: first,
          last_name: last,
          company: prospect.name,
          email: `${slug(first)}.${slug(last)}${i}@${prospect.domain}`,
          lead_source: referred
            ? 'customer_referral'
            : { cold_call: 'cold_call', email: 'email', event: 'trade_show', social: 'social_media', phone: 'web', video: 'web_form' }[
                channel
              ],
          ...(referred ? { referred_by_account_id: rnd.pick(keyAccounts).id } : {}),
          lead_status: 'contacted',
          owner_id: owner,
        },
      };
      let day = firstDay;
      for (let n = 0; n < touches && day <= today; n++) {
        plan.touches.push({
          subject: n === 0 ? 'Primer contacto' : 'Seguimiento',
          direction: n > 0 && rnd.chance(0.25) ? 'inbound' : 'outbound',
          channel: n === 0 ? channel : rnd.pick(['email', 'phone', 'video', 'face_to_face']),
          occurred_at: at(day, workHour(), rnd.int(0, 59)).toISOString(),
          duration_minutes: rnd.int(2, 40),
          owner_id: owner,
        });
        day = addDays(day, rnd.int(3, 12));
      }
      const odds =
        (CONVERSION[Math.min(plan.touches.length, 12)] ?? 0.08) * (channel === 'event' ? 1.4 : channel === 'cold_call' ? 0.7 : 1);
      if (rnd.chance(odds)) {
        const convertOn = addDays(day, rnd.int(0, 4));
        if (convertOn <= today) plan.convertOn = convertOn;
      }
      leadPlans.push(plan);
    }
    const leadIds = await bulk(
      'leads',
      leadPlans.map((plan) => plan.values),
    );
    await bulk(
      'touchpoints',
      leadPlans.flatMap((plan, i) => plan.touches.map((touch) => ({ ...touch, lead_id: leadIds[i] }))),
    );
    for (const [i, plan] of leadPlans.entries()) {
      if (!plan.convertOn) continue;
      clock.set(at(plan.convertOn, workHour()));
      await call('POST', `/records/leads/${leadIds[i]}/convert`, { accountId: plan.prospect.id });
      count('conversions', 1);
    }
    clock.set(null);
    await drainEvents();

    // ── Surveys: NPS twice a year, CSAT after cases, eNPS of the team ───────
    log('Surveys…');
    const nps = await call<{ id: string }>('POST', '/kam/surveys', { name: 'NPS clientes clave', type: 'nps' });
    const csat = await call<{ id: string }>('POST', '/kam/surveys', { name: 'Satisfacción con el soporte', type: 'csat' });
    const enps = await call<{ id: string }>('POST', '/kam/surveys', { name: 'eNPS del equipo', type: 'enps' });
    const answer = async (survey: string, body: Values) => {
      await call('POST', `/kam/surveys/${survey}/responses`, body);
      count('survey answers', 1);
    };
    for (const wave of [addDays(today, -300), addDays(today, -210), addDays(today, -120), addDays(today, -35)]) {
      for (const account of customers) {
        const isKey = account.kind !== 'customer';
        for (const contact of account.contacts.filter((c) => c.role !== 'user').slice(0, isKey ? 3 : 1)) {
          if (!rnd.chance(isKey ? 0.6 : 0.3)) continue;
          const score =
            contact.role === 'blocker'
              ? rnd.int(2, 7)
              : contact.role === 'champion'
                ? rnd.int(8, 10)
                : rnd.weighted([
                    [10, 3],
                    [9, 4],
                    [8, 3],
                    [7, 2],
                    [6, 1],
                    [4, 1],
                  ] as const);
          await answer(nps.id, { contactId: contact.id, score, answeredAt: at(dayIn(wave, addDays(wave, 20)), workHour()).toISOString() });
        }
      }
    }
    for (const { contact, day } of caseContacts) {
      if (!rnd.chance(0.6)) continue;
      const answered = addDays(day, 1) > today ? day : addDays(day, 1);
      await answer(csat.id, {
        contactId: contact,
        score: rnd.weighted([
          [5, 5],
          [4, 4],
          [3, 2],
          [2, 1],
        ] as const),
        answeredAt: at(answered, 18).toISOString(),
      });
    }
    for (const [i, userId] of [adminId, ...users].entries()) {
      await answer(enps.id, { userId, score: [9, 10, 8, 7, 9, 6][i % 6]!, answeredAt: at(addDays(today, -20 + i), 12).toISOString() });
    }

    // ── The account plan: two goals per key account with monthly measurements ─
    log('Account plans…');
    const goalRows: Values[] = [];
    const goalPlans: Array<{ baseline: number; target: number; from: string; to: string; onTrack: boolean }> = [];
    for (const [i, account] of keyAccounts.entries()) {
      for (const k of [0, 1]) {
        const [name, unit, kind, baseline, target] = GOALS[(i * 2 + k) % GOALS.length]!;
        const from = addMonths(today, -rnd.int(5, 9)).slice(0, 8) + '01';
        const to = addMonths(from, 12);
        goalRows.push({
          name,
          account_id: account.id,
          indicator_kind: kind,
          unit,
          baseline_value: String(baseline),
          target_value: String(target),
          start_date: from,
          target_date: to,
          owner_id: account.owner,
        });
        goalPlans.push({ baseline, target, from, to, onTrack: rnd.chance(0.65) });
      }
    }
    const goalIds = await bulk('account_goals', goalRows);
    const measurementRows: Values[] = [];
    goalPlans.forEach((goal, i) => {
      const total = Date.parse(goal.to) - Date.parse(goal.from);
      for (let day = addMonths(goal.from, 1); day <= today; day = addMonths(day, 1)) {
        const share = (Date.parse(day) - Date.parse(goal.from)) / total;
        const expected = goal.baseline + (goal.target - goal.baseline) * share;
        const drift = (goal.target - goal.baseline) * (goal.onTrack ? 0.05 + rnd.next() * 0.1 : -(0.1 + rnd.next() * 0.15));
        measurementRows.push({
          goal_id: goalIds[i],
          measured_on: day,
          actual_value: (expected + drift).toFixed(2),
          owner_id: keyAccounts[Math.floor(i / 2)]!.owner,
        });
      }
    });
    await bulk('goal_measurements', measurementRows);

    // ── What customers say in public ─────────────────────────────────────────
    await bulk(
      'social_mentions',
      keyAccounts.slice(0, 10).map((account, i) => ({
        title: i % 4 === 3 ? 'Queja por retrasos' : 'Caso de éxito compartido',
        network: rnd.pick(['linkedin', 'x', 'blog']),
        sentiment: i % 4 === 3 ? 'negative' : 'positive',
        mentioned_at: at(dayIn(start, today), 12).toISOString(),
        account_id: account.id,
        url: `https://www.${account.domain}/noticias/${i + 1}`,
      })),
    );

    // ── Reports: the gallery's ready reports, shared, on one dashboard ───────
    log('Reports and a dashboard…');
    const gallery = await call<{ data: Array<{ name: string; description: string; definition: unknown }> }>('GET', '/reports/gallery');
    const everyone = { roles: [], groups: [], everyone: true };
    const reportIds: string[] = [];
    for (const entry of gallery.data) {
      const report = await call<{ id: string }>('POST', '/reports', {
        name: `${run}${entry.name}`,
        description: entry.description,
        folder: 'Demo',
        definition: entry.definition,
        sharedWith: everyone,
      });
      reportIds.push(report.id);
    }
    count('reports', reportIds.length);
    await call('POST', '/dashboards', {
      name: `${run}Dirección comercial`,
      sharedWith: everyone,
      widgets: reportIds.map((reportId, i) => ({ reportId, x: (i % 2) * 6, y: Math.floor(i / 2), w: 6, h: 3 })),
    });
    count('dashboards', 1);
    await drainEvents();
  } finally {
    clock.set(null);
    await db.deleteFrom('platform.api_tokens').where('id', '=', tokenId).execute();
  }

  const schema = await db.selectFrom('platform.organizations').select('schema_name').where('id', '=', orgId).executeTakeFirstOrThrow();
  const touchpoints = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM ${sql.raw(quoteIdent(schema.schema_name))}.touchpoints WHERE deleted_at IS NULL`.execute(db);
  counts['touchpoints (all, from calls, meetings and leads)'] = touchpoints.rows[0]?.n ?? 0;
  return {
    orgId,
    organization: org.name,
    email: createdOrg ? DEMO_EMAIL : null,
    password,
    managers: managerEmails,
    counts,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
