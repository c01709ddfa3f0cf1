import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const JPEG = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]).toString('base64')}`;
const svg = (body: string) => `data:image/svg+xml;base64,${Buffer.from(body).toString('base64')}`;
const SVG = svg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#c00"/></svg>');

const orgRow = (id: string) =>
  t.database.db.selectFrom('platform.organizations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const VALID = {
  name: 'Acme Iberia',
  logo: PNG,
  defaultLanguage: 'en',
  timeZone: 'America/Mexico_City',
  currency: 'MXN',
  exchangeRates: { USD: '0.0550', EUR: '0.0510' },
  fiscalYearStartMonth: 4,
  businessHours: {
    days: [
      { day: 1, start: '14:00', end: '18:00' },
      { day: 1, start: '09:00', end: '13:00' },
      { day: 5, start: '09:00', end: '15:00' },
    ],
  },
  holidays: [
    { date: '2026-12-25', name: 'Navidad' },
    { date: '2026-01-01', name: 'Año nuevo' },
  ],
};

describe('GET /organization', () => {
  it('gives any signed-in user the settings of their own organization', async () => {
    const admin = await t.make.org({ organization: 'Mine' });
    const standard = await t.make.user(admin);
    const response = await t.request('GET', '/api/v1/organization', { as: standard });
    expect(response.statusCode).toBe(200);
    expect(response.data).toMatchObject({
      id: admin.orgId,
      name: 'Mine',
      logo: null,
      defaultLanguage: 'es',
      timeZone: 'Europe/Madrid',
      currency: 'EUR',
      exchangeRates: {},
      fiscalYearStartMonth: 1,
      businessHours: { days: [] },
      holidays: [],
    });
    expect((await t.request('GET', '/api/v1/organization')).statusCode).toBe(401);
  });
});

describe('PATCH /organization', () => {
  it('saves every setting, sorted, and audits before/after of the changed keys only', async () => {
    const admin = await t.make.org({ organization: 'Acme' });
    const response = await t.request('PATCH', '/api/v1/organization', { as: admin, via: 'cookie', body: VALID });
    expect(response.statusCode, response.body).toBe(200);
    const { businessHours, holidays, ...scalars } = VALID;
    expect(response.data).toMatchObject({ ...scalars, exchangeRates: { EUR: '0.0510', USD: '0.0550' } });
    expect(response.data.businessHours.days).toEqual([businessHours.days[1], businessHours.days[0], businessHours.days[2]]);
    expect(response.data.holidays).toEqual([holidays[1], holidays[0]]);
    const row = await orgRow(admin.orgId);
    expect(row).toMatchObject({
      name: 'Acme Iberia',
      time_zone: 'America/Mexico_City',
      currency: 'MXN',
      fiscal_year_start_month: 4,
      logo: PNG,
    });

    const second = await t.request('PATCH', '/api/v1/organization', {
      as: admin,
      body: { fiscalYearStartMonth: 7, name: 'Acme Iberia', logo: SVG },
    });
    expect(second.statusCode).toBe(200);
    const audit = await t.database.db
      .selectFrom('platform.audit_log')
      .select(['before', 'after'])
      .where('org_id', '=', admin.orgId)
      .where('action', '=', 'organization.updated')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(audit).toHaveLength(2);
    expect(Object.keys(audit[0]!.after as object).sort()).toEqual(Object.keys(VALID).sort());
    expect(audit[1]!.before).toMatchObject({ fiscalYearStartMonth: 4 });
    expect(audit[1]!.after).toMatchObject({ fiscalYearStartMonth: 7 });
    expect(Object.keys(audit[1]!.after as object).sort()).toEqual(['fiscalYearStartMonth', 'logo']);
    // The audit keeps a fingerprint of the logo, not the image.
    expect((audit[1]!.after as { logo: string }).logo).toMatch(/^image\/svg\+xml, \d+ bytes, sha256 [0-9a-f]{16}$/);

    for (const logo of [JPEG, null]) {
      expect((await t.request('PATCH', '/api/v1/organization', { as: admin, body: { logo } })).data.logo).toBe(logo);
    }
  });

  it('refuses each bad setting with 400 naming the field, changing nothing', async () => {
    const admin = await t.make.org();
    const before = await orgRow(admin.orgId);
    const bigPng = `data:image/png;base64,${Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(201 * 1024)]).toString('base64')}`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ logo: 'https://example.test/logo.png' }, 'logo'],
      [{ logo: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }, 'logo'],
      [{ logo: PNG.replace('image/png', 'image/jpeg') }, 'logo'],
      [{ logo: 'data:image/png;base64,' }, 'logo'],
      [{ logo: 'data:image/png;base64,@@@@' }, 'logo'],
      [{ logo: bigPng }, 'logo'],
      [{ logo: `data:image/png;base64,${'A'.repeat(300_000)}` }, 'logo'],
      [{ logo: svg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') }, 'logo'],
      [{ logo: svg('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>') }, 'logo'],
      [{ logo: svg('<html>not an svg</html>') }, 'logo'],
      [{ defaultLanguage: 'fr' }, 'defaultLanguage'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ currency: 'eur' }, 'currency'],
      [{ currency: 'ABC' }, 'currency'],
      [{ exchangeRates: { USD: 1.08 } }, 'exchangeRates.USD'],
      [{ exchangeRates: { USD: '0' } }, 'exchangeRates.USD'],
      [{ exchangeRates: { USD: '-1.2' } }, 'exchangeRates.USD'],
      [{ exchangeRates: { USD: '1,08' } }, 'exchangeRates.USD'],
      [{ exchangeRates: { usd: '1.08' } }, 'exchangeRates.usd'],
      [{ exchangeRates: { EUR: '1' } }, 'exchangeRates.EUR'],
      [{ currency: 'USD', exchangeRates: { USD: '1.08' } }, 'exchangeRates.USD'],
      [{ fiscalYearStartMonth: 13 }, 'fiscalYearStartMonth'],
      [{ fiscalYearStartMonth: 0 }, 'fiscalYearStartMonth'],
      [{ businessHours: { days: [{ day: 8, start: '09:00', end: '17:00' }] } }, 'businessHours.days.0.day'],
      [{ businessHours: { days: [{ day: 1, start: '9:00', end: '17:00' }] } }, 'businessHours.days.0.start'],
      [{ businessHours: { days: [{ day: 1, start: '17:00', end: '09:00' }] } }, 'businessHours.days.0.end'],
      [{ businessHours: { days: [{ day: 1, start: '09:00', end: '09:00' }] } }, 'businessHours.days.0.end'],
      [
        {
          businessHours: {
            days: [
              { day: 2, start: '09:00', end: '14:00' },
              { day: 2, start: '13:00', end: '18:00' },
            ],
          },
        },
        'businessHours.days.1.start',
      ],
      [{ holidays: [{ date: '2026-02-30', name: 'Nope' }] }, 'holidays.0.date'],
      [{ holidays: [{ date: '26-01-01', name: 'Nope' }] }, 'holidays.0.date'],
      [
        {
          holidays: [
            { date: '2026-05-01', name: 'Trabajo' },
            { date: '2026-05-01', name: 'Again' },
          ],
        },
        'holidays.1.date',
      ],
      [{ holidays: [{ date: '2026-05-01', name: '  ' }] }, 'holidays.0.name'],
      [{ color: 'red' }, 'color'],
    ];
    for (const [body, field] of cases) {
      // A valid change rides along in each request: nothing may be half-written.
      const response = await t.request('PATCH', '/api/v1/organization', { as: admin, body: { fiscalYearStartMonth: 9, ...body } });
      expect(response.statusCode, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(JSON.stringify(response.data.error), JSON.stringify(body).slice(0, 200)).toContain(field);
    }
    expect((await t.request('PATCH', '/api/v1/organization', { as: admin, body: {} })).statusCode).toBe(400);
    expect(await orgRow(admin.orgId)).toEqual(before);
    const audit = await t.database.db
      .selectFrom('platform.audit_log')
      .select('id')
      .where('org_id', '=', admin.orgId)
      .where('action', '=', 'organization.updated')
      .execute();
    expect(audit).toEqual([]);
  });

  it('accepts time zone aliases Intl knows and a currency change with its new rates', async () => {
    const admin = await t.make.org();
    for (const timeZone of ['UTC', 'Etc/GMT+5', 'Europe/Lisbon']) {
      expect((await t.request('PATCH', '/api/v1/organization', { as: admin, body: { timeZone } })).data.timeZone).toBe(timeZone);
    }
    const changed = await t.request('PATCH', '/api/v1/organization', {
      as: admin,
      body: { currency: 'USD', exchangeRates: { EUR: '0.9200' } },
    });
    expect(changed.data).toMatchObject({ currency: 'USD', exchangeRates: { EUR: '0.9200' } });
    // Switching back while the rates still list EUR needs new rates.
    const stale = await t.request('PATCH', '/api/v1/organization', { as: admin, body: { currency: 'EUR' } });
    expect(stale.statusCode).toBe(400);
    expect(stale.data.error.details.field).toBe('exchangeRates');
  });

  it('is for administrators only, and changes only the caller’s organization', async () => {
    const admin = await t.make.org({ organization: 'First' });
    const other = await t.make.org({ organization: 'Second' });
    const standard = await t.make.user(admin);
    expect((await t.request('PATCH', '/api/v1/organization', { as: standard, body: { name: 'Hijacked' } })).statusCode).toBe(403);
    expect((await orgRow(admin.orgId)).name).toBe('First');
    await t.request('PATCH', '/api/v1/organization', { as: other, body: { name: 'Second renamed' } });
    expect((await orgRow(admin.orgId)).name).toBe('First');
    expect((await t.request('GET', '/api/v1/organization', { as: standard })).data.name).toBe('First');
  });
});
