import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('setup', () => {
  it('creates the first organization once, then answers 409', async () => {
    expect((await t.request('GET', '/api/v1/setup')).data).toEqual({ needsSetup: true, allowSignup: false });
    const bad = await t.request('POST', '/api/v1/setup', {
      body: { organization: 'Acme', name: 'Ana', email: 'not-an-email', password: TEST_PASSWORD },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.message).toContain('email');
    const weak = await t.request('POST', '/api/v1/setup', {
      body: { organization: 'Acme', name: 'Ana', email: 'ana@acme.test', password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.data.error.details.field).toBe('password');

    const created = await t.request('POST', '/api/v1/setup', {
      body: { organization: 'Acme', name: 'Ana', email: 'ana@acme.test', password: TEST_PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['set-cookie']).toMatch(/clave_session=.*HttpOnly.*SameSite=Lax/i);
    const again = await t.request('POST', '/api/v1/setup', {
      body: { organization: 'Other', name: 'Bo', email: 'bo@other.test', password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(409);
    expect(again.data.error.code).toBe('already_set_up');
    expect((await t.request('GET', '/api/v1/setup')).data.needsSetup).toBe(false);
  });

  it('refuses sign-up unless ALLOW_SIGNUP is on', async () => {
    const response = await t.request('POST', '/api/v1/signup', {
      body: { organization: 'Beta', name: 'Bea', email: 'bea@beta.test', password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('sign-in', () => {
  it('signs in with the primary e-mail and returns the same 401 for a wrong password and an unknown e-mail', async () => {
    const admin = await t.make.org();
    const ok = await t.request('POST', '/api/v1/auth/login', { body: { email: admin.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(ok.statusCode).toBe(200);
    const cookie = /clave_session=([^;]+)/.exec(String(ok.headers['set-cookie']))![1]!;
    const me = await t.request('GET', '/api/v1/me', { headers: { cookie: `clave_session=${cookie}` } });
    expect(me.statusCode).toBe(200);
    expect(me.data.user.email).toBe(admin.email);
    expect(me.data.csrfToken).toBe(ok.data.csrfToken);
    expect(me.data.mailDelivery).toBe('smtp');

    const wrong = await t.request('POST', '/api/v1/auth/login', { body: { email: admin.email, password: 'wrong-password-here' } });
    const unknown = await t.request('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@nowhere.test', password: 'wrong-password-here' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.data.error.message).toBe(unknown.data.error.message);
    expect(wrong.data.error.code).toBe(unknown.data.error.code);
  });

  it('throttles repeated failures with 429 and Retry-After, for known and unknown e-mails alike', async () => {
    const admin = await t.make.org();
    for (const email of [admin.email, 'ghost@nowhere.test']) {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        last = await t.request('POST', '/api/v1/auth/login', {
          body: { email, password: 'wrong-password-here' },
          headers: { 'x-forwarded-for': `10.9.0.${i}` },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The delay is temporary: once it passes, the right password works again.
    await t.database.db
      .updateTable('platform.sign_in_throttle')
      .set({ blocked_until: new Date(Date.now() - 1000) })
      .execute();
    const ok = await t.request('POST', '/api/v1/auth/login', { body: { email: admin.email, password: TEST_PASSWORD } });
    expect(ok.statusCode).toBe(200);
  });

  it('requires the CSRF header on cookie-authenticated writes but not with a Bearer token', async () => {
    const admin = await t.make.org();
    const withoutHeader = await t.request('POST', '/api/v1/tokens', {
      headers: { cookie: `clave_session=${admin.cookie}` },
      body: { name: 'x' },
    });
    expect(withoutHeader.statusCode).toBe(403);
    expect(withoutHeader.data.error.code).toBe('csrf_failed');
    const withHeader = await t.request('POST', '/api/v1/tokens', { as: admin, via: 'cookie', body: { name: 'x' } });
    expect(withHeader.statusCode).toBe(201);
    const bearer = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'y' } });
    expect(bearer.statusCode).toBe(201);
  });

  it('logs out: the session no longer works', async () => {
    const admin = await t.make.org();
    expect((await t.request('POST', '/api/v1/auth/logout', { as: admin, via: 'cookie' })).statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { as: admin, via: 'cookie' })).statusCode).toBe(401);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const admin = await t.make.org();
    const created = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'Zapier' } });
    expect(created.statusCode).toBe(201);
    const token = created.data.token as string;
    expect(token).toMatch(/^clv_/);
    const me = await t.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.data.csrfToken).toBeNull();
    const list = await t.request('GET', '/api/v1/tokens', { as: admin });
    expect(JSON.stringify(list.data)).not.toContain(token);
    expect(list.data.data.map((x: { name: string }) => x.name)).toContain('Zapier');
    expect((await t.request('DELETE', `/api/v1/tokens/${created.data.id}`, { as: admin })).statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });

  it('rejects a wrong token with 401 and bad input with 400, and hides other users’ tokens', async () => {
    const admin = await t.make.org();
    const stranger = await t.make.org();
    expect((await t.request('GET', '/api/v1/me', { headers: { authorization: 'Bearer clv_wrong' } })).statusCode).toBe(401);
    expect((await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: '' } })).statusCode).toBe(400);
    const created = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'mine' } });
    expect((await t.request('DELETE', `/api/v1/tokens/${created.data.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/tokens')).statusCode).toBe(401);
  });
});

describe('API conventions', () => {
  it('answers malformed JSON with 400, unknown routes with 404 and oversized bodies with 413', async () => {
    const admin = await t.make.org();
    const malformed = await t.request('POST', '/api/v1/tokens', {
      as: admin,
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.data.error.code).toBe('invalid_json');
    const wrongType = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 42 } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.data.error.message).toContain('name');
    expect((await t.request('GET', '/api/v1/nothing-here', { as: admin })).statusCode).toBe(404);
    const huge = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.statusCode).toBe(413);
  });

  it('serves health, readiness and the OpenAPI 3.1 document', async () => {
    expect((await t.request('GET', '/healthz')).data).toEqual({ status: 'ok' });
    expect((await t.request('GET', '/readyz')).data).toEqual({ status: 'ok' });
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.data.openapi).toBe('3.1.0');
    expect(Object.keys(doc.data.paths)).toContain('/api/v1/auth/login');
    const html = await t.request('GET', '/api/docs');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('/api/v1/tokens');
  });
});

describe('sign-in throttling under concurrency', () => {
  it('counts attempts sent at the same moment one by one: only the free ones reach the password check', async () => {
    const admin = await t.make.org();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.request('POST', '/api/v1/auth/login', {
          body: { email: admin.email, password: 'wrong-password-here' },
          headers: { 'x-forwarded-for': '10.40.0.1' },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('does not hold successful sign-ins from one address against the next person', async () => {
    const org = await t.make.org();
    for (let i = 0; i < 8; i++) {
      const user = await t.make.user(org);
      const ok = await t.request('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: TEST_PASSWORD },
        headers: { 'x-forwarded-for': '10.41.0.1' },
      });
      expect(ok.statusCode).toBe(200);
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says which proxy to believe', async () => {
    const direct = await createTestContext({ trustProxy: false });
    try {
      const admin = await direct.make.org();
      const statuses: number[] = [];
      for (let i = 0; i < 26; i++) {
        const answer = await direct.request('POST', '/api/v1/auth/login', {
          body: { email: `nobody${i}@nowhere.test`, password: 'wrong-password-here' },
          headers: { 'x-forwarded-for': `10.42.0.${i}` },
        });
        statuses.push(answer.statusCode);
      }
      // A different e-mail each time, a "different" forwarded address each time: only the real address is counted.
      expect(statuses.slice(0, 21).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(21)).toContain(429);
      expect(admin.userId).toBeTruthy();
    } finally {
      await direct.close();
    }
  });
});

describe('input PostgreSQL cannot store', () => {
  it('answers a NUL character anywhere in the input with 400 naming the field, never 500', async () => {
    const admin = await t.make.org();
    const body = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'A\u0000B' } });
    expect(body.statusCode).toBe(400);
    expect(body.data.error.details.field).toBe('name');
    const query = await t.request('GET', '/api/v1/users?q=%00', { as: admin });
    expect(query.statusCode).toBe(400);
    expect(query.data.error.details.field).toBe('q');
  });

  it('refuses ids PostgreSQL would not read as a uuid (urn:uuid:…) with 400', async () => {
    const admin = await t.make.org();
    const response = await t.request('DELETE', '/api/v1/tokens/urn:uuid:01a21a56-e016-72bc-ba4f-5f600e6dc7a7', { as: admin });
    expect(response.statusCode).toBe(400);
  });
});

describe('sign-up races', () => {
  it('gives two simultaneous sign-ups with one address one 201 and one 409, never 500', async () => {
    const open = await createTestContext({ allowSignup: true });
    try {
      const body = { organization: 'Twins', name: 'Twin', email: `twin.${Date.now()}@example.test`, password: TEST_PASSWORD };
      const answers = await Promise.all([
        open.request('POST', '/api/v1/signup', { body }),
        open.request('POST', '/api/v1/signup', { body }),
        open.request('POST', '/api/v1/signup', { body }),
      ]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses).toEqual([201, 409, 409]);
    } finally {
      await open.close();
    }
  });
});
