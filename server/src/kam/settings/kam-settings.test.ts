import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  user = await t.make.user(admin);
  other = await t.make.org();
});
afterAll(() => t.close());

describe('KAM settings', () => {
  it('starts from the defaults, and an administrator changes the parts sent', async () => {
    const initial = await t.request('GET', '/api/v1/kam/settings', { as: user });
    expect(initial.statusCode).toBe(200);
    expect(initial.data).toEqual({
      acquisitionCost: null,
      cadenceDays: { strategic: 14, key: 30, growth: 45, maintain: 60 },
      targets: {},
      healthWeights: {
        nps: 20,
        touch_cadence: 20,
        cases_past_sla: 15,
        renewal_risk: 15,
        outcomes_on_track: 10,
        revenue_trend: 10,
        relationship_coverage: 10,
      },
      updatedAt: null,
    });

    const put = await t.request('PUT', '/api/v1/kam/settings', {
      as: admin,
      body: {
        acquisitionCost: '01500.50',
        cadenceDays: { strategic: 7, key: 21 },
        targets: { nps: 40, churn_rate: 0.05, clv: '25000', touchpoints: 120 },
        healthWeights: { nps: 30, relationship_coverage: 0 },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.data).toMatchObject({
      acquisitionCost: '1500.5',
      cadenceDays: { strategic: 7, key: 21 },
      targets: { nps: 40, churn_rate: 0.05, clv: '25000', touchpoints: 120 },
      healthWeights: { nps: 30, touch_cadence: 20, relationship_coverage: 0 },
    });
    // A later change of one part keeps the others.
    const again = await t.request('PUT', '/api/v1/kam/settings', { as: admin, body: { targets: { csat: 0.9 } } });
    expect(again.data).toMatchObject({ acquisitionCost: '1500.5', cadenceDays: { strategic: 7, key: 21 }, targets: { csat: 0.9 } });
    expect((await t.request('GET', '/api/v1/kam/settings', { as: user })).data.targets).toEqual({ csat: 0.9 });
    // Another organization keeps its own.
    expect((await t.request('GET', '/api/v1/kam/settings', { as: other })).data.targets).toEqual({});
  });

  it('names the field of a bad key or value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ cadenceDays: { platinum: 10 } }, 'cadenceDays.platinum'],
      [{ cadenceDays: { key: 0 } }, 'cadenceDays.key'],
      [{ targets: { happiness: 1 } }, 'targets.happiness'],
      [{ targets: { churn_rate: 5 } }, 'targets.churn_rate'],
      [{ targets: { nps: -101 } }, 'targets.nps'],
      [{ targets: { clv: 'lots' } }, 'targets.clv'],
      [{ targets: { touchpoints: 1.5 } }, 'targets.touchpoints'],
      [{ healthWeights: { luck: 10 } }, 'healthWeights.luck'],
      [{ healthWeights: { nps: 101 } }, 'healthWeights.nps'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('PUT', '/api/v1/kam/settings', { as: admin, body });
      expect(response.statusCode, field).toBe(400);
      expect(response.data.error.details.field).toBe(field);
    }
    const badMoney = await t.request('PUT', '/api/v1/kam/settings', { as: admin, body: { acquisitionCost: '-3' } });
    expect(badMoney.statusCode).toBe(400);
  });

  it('lets only administrators write', async () => {
    expect((await t.request('PUT', '/api/v1/kam/settings', { as: user, body: { targets: { nps: 10 } } })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/kam/settings', { as: null })).statusCode).toBe(401);
  });
});
