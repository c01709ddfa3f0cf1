import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
let admin: TestUser;
// Thursday 2027-01-14 17:00 in Madrid.
let now = new Date('2027-01-14T16:00:00Z');

beforeAll(async () => {
  t = await createTestContext();
  t.app.ctx.now = () => now;
  admin = await t.make.org();
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' }));
  const settings = await t.request('PATCH', '/api/v1/organization', { as: admin, body: { businessHours: { days: weekdays } } });
  expect(settings.statusCode).toBe(200);
});
afterAll(() => t.close());

describe('case SLA', () => {
  it('computes the due time in business hours from the priority, and resolved_at from the status', async () => {
    const put = await t.request('PUT', '/api/v1/settings/case-sla', { as: admin, body: { policies: { urgent: 120, high: 480 } } });
    expect(put.statusCode).toBe(200);
    expect(put.data.policies).toMatchObject({ urgent: 120, high: 480, medium: 1440 });

    const created = await t.request('POST', '/api/v1/records/cases', {
      as: admin,
      body: { subject: 'Caída del servicio', priority: 'urgent' },
    });
    expect(created.statusCode).toBe(201);
    // 17:00 + 2 business hours = Friday 10:00 Madrid.
    expect(created.data.data.sla_due_at).toBe('2027-01-15T09:00:00.000Z');

    const raised = await t.request('PATCH', `/api/v1/records/cases/${created.data.data.id}`, { as: admin, body: { priority: 'high' } });
    // From the creation time: 17:00 + 8 h = Friday 16:00 Madrid.
    expect(raised.data.data.sla_due_at).toBe('2027-01-15T15:00:00.000Z');

    now = new Date('2027-01-15T10:00:00Z');
    const resolved = await t.request('PATCH', `/api/v1/records/cases/${created.data.data.id}`, { as: admin, body: { status: 'resolved' } });
    expect(resolved.data.data.resolved_at).toBe('2027-01-15T10:00:00.000Z');
    const reopened = await t.request('PATCH', `/api/v1/records/cases/${created.data.data.id}`, { as: admin, body: { status: 'open' } });
    expect(reopened.data.data.resolved_at).toBeNull();
  });

  it('sla_due_at cannot be written by users', async () => {
    const response = await t.request('POST', '/api/v1/records/cases', {
      as: admin,
      body: { subject: 'X', sla_due_at: '2030-01-01T00:00:00Z' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.data.error.details.field).toBe('sla_due_at');
  });

  it('refuses unknown priorities and non-administrators', async () => {
    const bad = await t.request('PUT', '/api/v1/settings/case-sla', { as: admin, body: { policies: { whenever: 10 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details.field).toBe('policies.whenever');
    expect((await t.request('PUT', '/api/v1/settings/case-sla', { as: admin, body: { policies: { low: 0 } } })).statusCode).toBe(400);
    const user = await t.make.user(admin);
    expect((await t.request('PUT', '/api/v1/settings/case-sla', { as: user, body: { policies: { low: 60 } } })).statusCode).toBe(403);
  });
});
