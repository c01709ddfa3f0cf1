import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { kpiFixtures } from './kpi.fixtures.js';

/**
 * The acquisition curve and business-hour resolution times, each on its own
 * organization. Curve window for 2026-Q1: 1 April 2025 – 31 March 2026.
 *   1 touchpoint:  20 leads (first touch e-mail), 5 converted  → 0.25 (one converted lead has a touch after converting: not counted)
 *   2 touchpoints: 20 leads (e-mail, then phone), 10 converted → 0.5
 *   3 touchpoints: 20 leads (first touch phone), 4 converted   → 0.2
 *   4 touchpoints:  3 leads (e-mail), 3 converted              → hidden (under 20)
 * and one lead first reached in March 2025, outside the window.
 */
let t: TestContext;
let f: ReturnType<typeof kpiFixtures>;
let admin: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  f = kpiFixtures(t);
  admin = await t.make.org();
  stranger = await t.make.org();
  const groups: Array<{ leads: number; converted: number; touches: Array<[string, string, string]> }> = [
    { leads: 20, converted: 5, touches: [['outbound', 'email', '2026-01-10T10:00:00Z']] },
    {
      leads: 20,
      converted: 10,
      touches: [
        ['outbound', 'email', '2026-01-10T10:00:00Z'],
        ['inbound', 'phone', '2026-01-12T10:00:00Z'],
      ],
    },
    {
      leads: 20,
      converted: 4,
      touches: [
        ['outbound', 'phone', '2026-01-10T10:00:00Z'],
        ['inbound', 'email', '2026-01-12T10:00:00Z'],
        ['outbound', 'phone', '2026-01-14T10:00:00Z'],
      ],
    },
    {
      leads: 3,
      converted: 3,
      touches: [
        ['outbound', 'email', '2026-01-10T10:00:00Z'],
        ['outbound', 'email', '2026-01-11T10:00:00Z'],
        ['outbound', 'email', '2026-01-12T10:00:00Z'],
        ['outbound', 'email', '2026-01-13T10:00:00Z'],
      ],
    },
    { leads: 1, converted: 0, touches: [['outbound', 'email', '2025-03-15T10:00:00Z']] },
  ];
  let n = 0;
  for (const group of groups) {
    const ids = await f.createMany(
      admin,
      'leads',
      Array.from({ length: group.leads }, () => ({ last_name: `Lead ${n++}` })),
    );
    const touches = ids.flatMap((leadId) =>
      group.touches.map(([direction, channel, at]) => ({ lead_id: leadId, direction, channel, occurred_at: at })),
    );
    await f.createMany(admin, 'touchpoints', touches);
    const converted = ids.slice(0, group.converted);
    if (converted.length > 0)
      await f.setColumns(admin.orgId, 'leads', converted, { is_converted: true, converted_at: '2026-02-01T10:00:00Z' });
    // A touchpoint after the conversion does not move a lead to a later bucket.
    if (group.touches.length === 1 && converted.length > 0)
      await f.create(admin, 'touchpoints', {
        lead_id: converted[0],
        direction: 'outbound',
        channel: 'email',
        occurred_at: '2026-03-01T10:00:00Z',
      });
  }
}, 120_000);
afterAll(() => t.close());

describe('GET /kam/acquisition-curve', () => {
  it('buckets leads by touchpoints before conversion, hides small buckets and finds where conversion falls', async () => {
    const response = await t.request('GET', '/api/v1/kam/acquisition-curve?period=2026-Q1', { as: admin });
    expect(response.statusCode, response.body).toBe(200);
    const curve = response.data;
    expect(curve).toMatchObject({ period: '2026-Q1', from: '2025-04-01', to: '2026-03-31', fallsAfter: 2 });
    expect(curve.buckets.slice(0, 5)).toEqual([
      { touchpoints: 1, label: '1', leads: 20, converted: 5, rate: 0.25, hidden: false },
      { touchpoints: 2, label: '2', leads: 20, converted: 10, rate: 0.5, hidden: false },
      { touchpoints: 3, label: '3', leads: 20, converted: 4, rate: 0.2, hidden: false },
      { touchpoints: 4, label: '4', leads: 3, converted: 3, rate: null, hidden: true },
      { touchpoints: 5, label: '5', leads: 0, converted: 0, rate: null, hidden: true },
    ]);
    expect(curve.buckets.at(-1)).toMatchObject({ touchpoints: 10, label: '10+' });
    // E-mail first: 20 + 20 + 3 leads, 5 + 10 + 3 converted; phone first: 20 leads, 4 converted.
    expect(curve.byChannel).toEqual([
      { channel: 'email', leads: 43, converted: 18, rate: 0.4186 },
      { channel: 'phone', leads: 20, converted: 4, rate: 0.2 },
    ]);
  });

  it('per channel of the first outbound touchpoint', async () => {
    const response = await t.request('GET', '/api/v1/kam/acquisition-curve?period=2026-Q1&channel=phone', { as: admin });
    expect(response.data.buckets[2]).toMatchObject({ leads: 20, converted: 4, rate: 0.2 });
    expect(response.data.buckets[0]).toMatchObject({ leads: 0, hidden: true });
    expect(response.data.fallsAfter).toBeNull();
  });

  it('the acquisition rate of the quarter: 63 reached, 22 converted', async () => {
    const response = await t.request('GET', '/api/v1/kam/kpis?period=2026-Q1&ids=acquisition_rate', { as: admin });
    expect(response.data.kpis[0]).toMatchObject({ value: 0.3492, details: { reached: 63, converted: 22 } });
  });

  it('400 for a bad period, 404 for a scope of another organization', async () => {
    expect((await t.request('GET', '/api/v1/kam/acquisition-curve?period=Q1', { as: admin })).statusCode).toBe(400);
    const response = await t.request('GET', `/api/v1/kam/acquisition-curve?period=2026-Q1&scope=manager:${admin.userId}`, { as: stranger });
    expect(response.statusCode).toBe(404);
  });
});

describe('resolution time in business hours', () => {
  it('takes the median over the organization’s opening hours', async () => {
    const org = await t.make.org();
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
    await f.api(org, 'PATCH', '/api/v1/organization', { timeZone: 'Europe/Madrid', businessHours: { days: weekdays } });
    const kase = async (created: string, resolved: string) => {
      const id = await f.create(org, 'cases', { subject: 'Case', status: 'resolved', resolved_at: resolved });
      await f.setColumns(org.orgId, 'cases', [id], { created_at: created });
    };
    // Friday 16:00 → Monday 10:00 local: 2 h (66 h on the clock); Tuesday 09:00 → 13:00: 4 h; Wednesday 10:00 → Thursday 10:00: 8 h.
    await kase('2026-01-09T15:00:00Z', '2026-01-12T09:00:00Z');
    await kase('2026-01-13T08:00:00Z', '2026-01-13T12:00:00Z');
    await kase('2026-01-14T09:00:00Z', '2026-01-15T09:00:00Z');
    const response = await t.request('GET', '/api/v1/kam/kpis?period=2026-01&ids=resolution_time_hours', { as: org });
    expect(response.data.kpis[0]).toMatchObject({ value: 4, unit: 'hours' });
  });
});
